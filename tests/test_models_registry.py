"""Provider specs, keys from config or environment, retry timing, prices."""

from __future__ import annotations

import pytest

from pairtui.config import Config
from pairtui.errors import UsageError
from pairtui.models.base import ProviderAuthError, Usage
from pairtui.models.families import family_of
from pairtui.models.pricing import UsageTotals, cost_usd, price_of
from pairtui.models.registry import host_of, make_provider, parse_spec
from pairtui.models.retry import RetryPolicy, parse_retry_after
from tests.fake_llm_server import FakeLLMServer
from tests.support_models import SECRET


@pytest.mark.parametrize("spec", ["claude", "gemini:pro", "anthropic:", ":model", ""])
def test_bad_spec_is_a_one_line_usage_error(spec):
    with pytest.raises(UsageError) as info:
        make_provider(spec, Config())
    assert "expected PROVIDER:MODEL" in str(info.value) and "\n" not in str(info.value)


def test_spec_keeps_colons_in_the_model_name():
    assert parse_spec("openai-chat:qwen2.5-coder:7b") == ("openai-chat", "qwen2.5-coder:7b")


@pytest.mark.parametrize(("spec", "variable"), [("anthropic:claude-x", "ANTHROPIC_API_KEY"),
                                                ("openai:gpt-5", "OPENAI_API_KEY"),
                                                ("openai-chat:gpt-4o", "OPENAI_API_KEY")])
def test_missing_key_is_reported_before_any_request(spec, variable):
    with FakeLLMServer() as server:
        config = Config(anthropic_base_url=server.url)
        with pytest.raises(ProviderAuthError) as info:
            make_provider(spec, config)
        assert server.requests == []
    assert str(info.value).startswith(f"{spec.split(':')[0]} ({spec.split(':')[1]}): no API key")
    assert variable in str(info.value)


def test_keys_come_from_the_sdk_variables_when_config_has_none(monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", SECRET)
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    for spec in ("anthropic:claude-x", "openai:gpt-5", "openai-chat:gpt-4o"):
        provider = make_provider(spec, Config())
        assert SECRET not in repr(provider)


def test_local_compatible_server_needs_no_key():
    provider = make_provider("openai-chat:llama3", Config(openai_base_url="http://127.0.0.1:11434/v1"))
    assert (provider.name, provider.model) == ("openai-chat", "llama3")


def test_host_in_messages_drops_credentials_from_the_base_url():
    assert host_of("https://user:pw@proxy.example:8443/v1?k=1", "x") == "https://proxy.example:8443/v1"
    assert host_of(None, "api.anthropic.com") == "api.anthropic.com"


@pytest.mark.parametrize(("model", "temperature", "effort", "limit"), [
    ("gpt-5", False, True, "max_completion_tokens"),
    ("gpt-5-mini-2025-08-07", False, True, "max_completion_tokens"),
    ("gpt-5-chat-latest", True, False, "max_completion_tokens"),
    ("o1", False, True, "max_completion_tokens"),
    ("o3-mini", False, True, "max_completion_tokens"),
    ("o4-mini", False, True, "max_completion_tokens"),
    ("openai/gpt-oss-20b", True, True, "max_tokens"),
    ("gpt-4o", True, False, "max_completion_tokens"),
    ("llama3.1:8b", True, False, "max_tokens"),
])
def test_model_family_table(model, temperature, effort, limit):
    family = family_of(model)
    assert (family.temperature, family.effort, family.max_tokens_param) == (temperature, effort,
                                                                            limit)


def test_backoff_grows_exponentially_within_jitter_and_cap():
    policy = RetryPolicy(base_delay=1.0, cap=20.0, jitter=0.25)
    for attempt, full in [(1, 1.0), (2, 2.0), (3, 4.0), (5, 16.0), (6, 20.0), (9, 20.0)]:
        for _ in range(20):
            assert full * 0.75 <= policy.delay(attempt) <= full


def test_retry_after_is_honoured_up_to_the_cap():
    policy = RetryPolicy(cap=20.0)
    assert policy.delay(1, 7.0) == 7.0
    assert policy.delay(1, 3600.0) == 20.0


def test_retry_after_header_forms():
    assert parse_retry_after({"retry-after": "12"}) == 12.0
    assert parse_retry_after({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    assert parse_retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0
    assert parse_retry_after({"retry-after": "soon"}) is None
    assert parse_retry_after({}) is None


def test_cost_counts_cache_reads_and_writes_at_their_rates():
    prices = {"my-model": (3.0, 15.0)}
    usage = Usage(input_tokens=1_000_000, output_tokens=100_000, cache_read_tokens=1_000_000,
                  cache_write_tokens=1_000_000)
    assert cost_usd("my-model", usage, prices) == pytest.approx(3.0 + 1.5 + 0.3 + 3.75)


def test_price_lookup_prefers_config_and_the_longest_matching_name():
    assert price_of("claude-sonnet-4-5-20250929") == (3.0, 15.0)
    assert price_of("gpt-5-mini") == (0.25, 2.0)
    assert price_of("gpt-5-mini", {"gpt-5-mini": (9.0, 9.0)}) == (9.0, 9.0)
    assert price_of("llama3") is None
    assert cost_usd("llama3", Usage(1000, 1000)) == 0.0


def test_usage_totals_accumulate_per_call():
    totals = UsageTotals().add("gpt-5", Usage(1000, 100)).add("gpt-5", Usage(2000, 200, 500))
    assert totals.calls == 2
    assert totals.usage == Usage(3000, 300, 500, 0)
    assert totals.cost == pytest.approx(cost_usd("gpt-5", Usage(3000, 300, 500)))
