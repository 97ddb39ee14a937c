"""Config: each layer overrides the one before, keys only from safe places, bad input named."""

from __future__ import annotations

import os
from dataclasses import fields
from pathlib import Path

import platformdirs
import pytest

from pairtui.config import (
    _CHECKS,
    ENVIRONMENT,
    Config,
    load_config,
    user_config_path,
)
from pairtui.errors import ConfigError
from pairtui.models.base import Usage
from pairtui.models.pricing import DEFAULT_PRICES, cost_usd, price_of

KEY = "sk-ant-api03-" + "S3cr3tK3y" * 6


@pytest.fixture(autouse=True)
def _no_config_environment(monkeypatch):
    for variable in ENVIRONMENT:
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture
def user_file() -> Path:
    path = Path(os.environ["XDG_CONFIG_HOME"]) / "pairtui" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    return root


def test_defaults_when_nothing_is_configured(repo: Path):
    config = load_config(repo)
    assert config == Config()
    assert config.planner.startswith("anthropic:") and config.verify is None


def test_every_config_field_has_a_check():
    assert set(_CHECKS) == {f.name for f in fields(Config)} - {"untrusted_repo_keys"}


def test_user_config_lives_under_xdg_config_home(user_file: Path):
    assert user_config_path() == user_file


def test_user_config_falls_back_to_the_platform_dir(monkeypatch):
    monkeypatch.delenv("XDG_CONFIG_HOME")
    assert user_config_path() == platformdirs.user_config_path("pairtui") / "config.toml"


def test_each_layer_overrides_the_one_before(user_file: Path, repo: Path, monkeypatch):
    user_file.write_text(
        'planner = "openai:from-user"\nexecutor = "openai:user-exec"\nmax_turns = 7\n'
    )
    assert load_config(repo).planner == "openai:from-user"

    (repo / ".pairtui.toml").write_text('planner = "openai:from-repo"\nverify = "pytest -q"\n')
    config = load_config(repo)
    assert (config.planner, config.executor, config.max_turns) == (
        "openai:from-repo",
        "openai:user-exec",
        7,
    )

    monkeypatch.setenv("PAIRTUI_PLANNER", "anthropic:from-env")
    monkeypatch.setenv("PAIRTUI_VERIFY", "make check")
    config = load_config(repo)
    assert (config.planner, config.verify) == ("anthropic:from-env", "make check")

    config = load_config(
        repo, {"planner": "replay:demo.jsonl", "verify": None, "max_fix_rounds": 0}
    )
    assert (config.planner, config.verify, config.max_fix_rounds) == (
        "replay:demo.jsonl",
        "make check",
        0,
    )
    assert config.executor == "openai:user-exec"


def test_repo_config_is_skipped_without_a_repo(user_file: Path):
    user_file.write_text("max_fix_rounds = 5\n")
    assert load_config(None).max_fix_rounds == 5


def test_empty_verify_in_repo_config_turns_off_the_users_default(user_file: Path, repo: Path):
    user_file.write_text('verify = "pytest"\n')
    (repo / ".pairtui.toml").write_text('verify = ""\n')
    assert load_config(repo).verify is None


def test_all_settings_read_from_toml_with_their_types(user_file: Path, repo: Path):
    user_file.write_text(
        "verify_timeout = 60\nallow_run_command_headless = true\n"
        'anthropic_base_url = "http://127.0.0.1:8080"\nopenai_base_url = "http://localhost:11434/v1"\n'
    )
    config = load_config(repo)
    assert config.verify_timeout == 60.0 and isinstance(config.verify_timeout, float)
    assert config.allow_run_command_headless is True
    assert config.openai_base_url == "http://localhost:11434/v1"


def test_environment_supplies_keys_and_base_urls(repo: Path, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-key-1234567890abcdef")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9999/v1")
    monkeypatch.setenv("PAIRTUI_EXECUTOR", "   ")  # blank: not set
    config = load_config(repo)
    assert config.anthropic_api_key == KEY and config.openai_base_url == "http://127.0.0.1:9999/v1"
    assert config.executor == Config().executor
    assert config.secrets == (KEY, "sk-openai-key-1234567890abcdef")


def test_user_config_may_hold_keys_and_environment_wins(user_file: Path, repo: Path, monkeypatch):
    user_file.write_text(f'anthropic_api_key = "{KEY}"\n')
    assert load_config(repo).anthropic_api_key == KEY
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-from-environment-000000")
    assert load_config(repo).anthropic_api_key == "sk-ant-from-environment-000000"


def test_key_in_repo_config_is_refused_without_echoing_it(repo: Path):
    (repo / ".pairtui.toml").write_text(f'openai_api_key = "{KEY}"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(repo)
    message = str(caught.value)
    assert str(repo / ".pairtui.toml") in message and "openai_api_key" in message
    assert "committed" in message and KEY not in message


def test_repo_config_may_point_only_at_a_local_server(repo: Path):
    path = repo / ".pairtui.toml"
    for local in ("http://localhost:11434/v1", "http://127.0.0.1:8000", "http://[::1]:9000/v1"):
        path.write_text(f'openai_base_url = "{local}"\n')
        assert load_config(repo).openai_base_url == local
    path.write_text('anthropic_base_url = "https://collector.example.com"\n')
    with pytest.raises(
        ConfigError, match="anthropic_base_url: the repo config may only point at a server on this"
    ):
        load_config(repo)


def test_user_config_may_point_anywhere(user_file: Path, repo: Path):
    user_file.write_text('anthropic_base_url = "https://proxy.corp.example"\n')
    assert load_config(repo).anthropic_base_url == "https://proxy.corp.example"


def test_keys_never_show_in_repr_or_errors(user_file: Path, repo: Path):
    user_file.write_text(f'anthropic_api_key = "{KEY}"\n')
    config = load_config(repo)
    assert KEY not in repr(config) and KEY not in str(config)
    user_file.write_text("openai_api_key = 12345678901\n")
    with pytest.raises(ConfigError) as caught:
        load_config(repo)
    assert "12345678901" not in str(caught.value)


def test_bad_toml_names_the_file_and_line(user_file: Path, repo: Path):
    user_file.write_text('planner = "anthropic:x"\nmax_turns = = 3\n')
    with pytest.raises(ConfigError, match=rf"^{user_file}: not valid TOML: .*line 2"):
        load_config(repo)


@pytest.mark.parametrize(
    ("toml", "words"),
    [
        ('max_fix_rounds = "two"', "max_fix_rounds: expected a whole number >= 0, got 'two'"),
        ("max_fix_rounds = true", "max_fix_rounds: expected a whole number"),
        ("max_turns = 0", "max_turns: expected a whole number >= 1"),
        ("verify_timeout = -1", "verify_timeout: expected a positive number"),
        (
            'allow_run_command_headless = "yes"',
            "allow_run_command_headless: expected true or false",
        ),
        ('planner = "claude-opus"', "planner: expected PROVIDER:MODEL"),
        ('openai_base_url = "localhost:11434"', "openai_base_url: expected an http"),
        ('plannr = "anthropic:x"', "unknown key 'plannr' (did you mean 'planner'?)"),
        ("[keys]\nanthropic = 'x'", "unknown key 'keys'"),
        ('[prices]\n"my-model" = [1.0]', "prices: my-model: expected [input, output]"),
        ('prices = "cheap"', "prices: expected a table"),
    ],
)
def test_bad_values_name_the_file_and_key(repo: Path, toml: str, words: str):
    path = repo / ".pairtui.toml"
    path.write_text(toml + "\n")
    with pytest.raises(ConfigError) as caught:
        load_config(repo)
    assert str(caught.value).startswith(f"{path}: ")
    assert words in str(caught.value)


def test_bad_environment_value_names_the_variable(repo: Path, monkeypatch):
    monkeypatch.setenv("PAIRTUI_PLANNER", "gpt-5")
    with pytest.raises(ConfigError, match="^PAIRTUI_PLANNER: planner: expected PROVIDER:MODEL"):
        load_config(repo)


def test_bad_flag_names_the_option(repo: Path):
    with pytest.raises(ConfigError, match="^--executor: executor: expected PROVIDER:MODEL"):
        load_config(repo, {"executor": "fast"})
    with pytest.raises(ConfigError, match="unknown key 'colour'"):
        load_config(repo, {"colour": "blue"})


def test_unreadable_config_file_is_a_config_error(repo: Path):
    (repo / ".pairtui.toml").mkdir()
    with pytest.raises(ConfigError, match="cannot be read"):
        load_config(repo)


def test_price_tables_merge_per_model_across_layers(user_file: Path, repo: Path):
    user_file.write_text('[prices]\n"local-llama" = [0, 0]\n"gpt-4.1" = [1.5, 6]\n')
    (repo / ".pairtui.toml").write_text('[prices]\n"gpt-4.1" = [1.8, 7.2]\n')
    config = load_config(repo)
    assert config.prices["gpt-4.1"] == (1.8, 7.2)
    assert config.prices["local-llama"] == (0.0, 0.0)
    assert "claude-sonnet-4-5" not in config.prices  # built-in prices stay in models/pricing.py
    assert price_of("claude-sonnet-4-5", config.prices) == DEFAULT_PRICES["claude-sonnet-4-5"]
    assert price_of("gpt-4.1", config.prices) == (1.8, 7.2)


def test_price_lookup_accepts_provider_prefix_and_dated_ids():
    assert price_of("anthropic:claude-sonnet-4-5") == (3.0, 15.0)
    assert price_of("claude-sonnet-4-5-20250929") == (3.0, 15.0)
    assert price_of("openai:gpt-4o-mini-2024-07-18") == (0.15, 0.6)
    assert price_of("openai-chat:llama3.1:8b") is None
    assert price_of("gpt-5.1") is None  # not gpt-5: only "-" continues a family


def test_cost_in_dollars():
    config = Config(prices={"m": (3.0, 15.0)})
    usage = Usage(input_tokens=1_000_000, output_tokens=100_000)
    assert cost_usd("anthropic:m", usage, config.prices) == pytest.approx(4.5)
    assert cost_usd("unknown", usage, config.prices) == 0.0
