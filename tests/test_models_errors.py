"""Errors and retries, per wire format, through the real SDKs: what is retried, how long it
waits, what a person reads, and that the API key never shows."""

from __future__ import annotations

import socket
import traceback

import httpx2
import pytest

from pairtui.models.anthropic import AnthropicProvider
from pairtui.models.base import (
    ProviderAuthError,
    ProviderConnectionError,
    ProviderFailure,
    ProviderNotFoundError,
    ProviderOverloadedError,
    ProviderRateLimitError,
    ProviderRequestError,
    StreamRestarted,
    TextDelta,
    ToolCall,
    TurnCollector,
)
from pairtui.models.openai_chat import OpenAIChatProvider
from tests.fake_llm_server import FakeLLMServer, Reply, Text, Tool
from tests.support_models import (
    SECRET,
    WIRES,
    RecordingSleep,
    collect,
    fast_policy,
    provider_for,
    user,
)

KEY_ENV = {"anthropic": "ANTHROPIC_API_KEY", "openai": "OPENAI_API_KEY",
           "openai-chat": "OPENAI_API_KEY"}


@pytest.fixture
def server():
    with FakeLLMServer() as fake:
        yield fake


def assert_no_secret(*things: object) -> None:
    for thing in things:
        if isinstance(thing, BaseException):
            texts = [str(thing), repr(thing), getattr(thing, "partial_text", ""),
                     "".join(traceback.format_exception(thing))]
        else:
            texts = [str(thing), repr(thing)]
        for text in texts:
            assert SECRET not in text


async def fail(provider, request=None) -> ProviderFailure:
    with pytest.raises(ProviderFailure) as info:
        await collect(provider, request or user("hi"))
    return info.value


@pytest.mark.parametrize("wire", WIRES)
async def test_rejected_key_is_not_retried_and_says_which_variable_to_set(server, wire):
    server.push(Reply.http_error(401, body={"error": {"message": f"Incorrect API key {SECRET}"}}))
    sleep = RecordingSleep()
    provider = provider_for(wire, server, model="m-1", policy=fast_policy(sleep))
    err = await fail(provider)
    assert isinstance(err, ProviderAuthError)
    assert str(err) == f"{wire} (m-1): the API key was rejected (401); set {KEY_ENV[wire]}"
    assert len(server.requests) == 1 and sleep.waits == []
    assert err.exit_code == 3 and "\n" not in str(err)
    assert_no_secret(err, provider)


@pytest.mark.parametrize("wire", WIRES)
@pytest.mark.parametrize(("status", "kind", "words"), [
    (403, ProviderAuthError, "access denied (403)"),
    (404, ProviderNotFoundError, "model or endpoint not found (404); check the model name"),
])
async def test_forbidden_and_not_found_are_not_retried(server, wire, status, kind, words):
    server.push(Reply.http_error(status))
    err = await fail(provider_for(wire, server, model="m-2"))
    assert isinstance(err, kind)
    assert str(err).startswith(f"{wire} (m-2): {words}")
    assert len(server.requests) == 1


@pytest.mark.parametrize("wire", WIRES)
async def test_refused_request_shows_the_servers_reason_without_the_key(server, wire):
    body = {"type": "error", "error": {"type": "invalid_request_error",
                                       "message": f"max_tokens too large for key {SECRET}\nline2"}}
    server.push(Reply.http_error(400, body=body))
    err = await fail(provider_for(wire, server))
    assert isinstance(err, ProviderRequestError)
    assert "the request was refused (400): max_tokens too large for key *** line2" in str(err)
    assert len(server.requests) == 1
    assert_no_secret(err)


@pytest.mark.parametrize("wire", WIRES)
async def test_rate_limit_waits_as_long_as_retry_after_says_then_succeeds(server, wire):
    server.push(Reply.http_error(429, headers={"retry-after": "0.3"}), Reply([Text("ok")]))
    sleep = RecordingSleep()
    events = await collect(provider_for(wire, server, policy=fast_policy(sleep)), user("hi"))
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "ok"
    assert sleep.waits == [0.3]
    assert len(server.requests) == 2


@pytest.mark.parametrize("wire", WIRES)
async def test_retry_after_is_capped_and_attempts_are_bounded(server, wire):
    server.push(*[Reply.http_error(429, headers={"retry-after": "3600"})] * 3)
    sleep = RecordingSleep()
    err = await fail(provider_for(wire, server, policy=fast_policy(sleep, attempts=3)))
    assert isinstance(err, ProviderRateLimitError)
    assert sleep.waits == [0.5, 0.5]  # the policy's cap, not an hour
    assert "rate limited (429) after 3 attempts" in str(err)
    assert len(server.requests) == 3


@pytest.mark.parametrize("wire", WIRES)
async def test_overloaded_529_is_retried_with_growing_backoff(server, wire):
    server.push(*[Reply.http_error(529)] * 4)
    sleep = RecordingSleep()
    err = await fail(provider_for(wire, server, policy=fast_policy(sleep)))
    assert isinstance(err, ProviderOverloadedError)
    assert str(err).endswith("overloaded (529) after 4 attempts; try again later")
    assert len(server.requests) == 4 and len(sleep.waits) == 3
    assert sleep.waits[0] < sleep.waits[1] < sleep.waits[2] <= 0.5


@pytest.mark.parametrize("wire", WIRES)
async def test_server_error_then_success_yields_one_clean_turn(server, wire):
    server.push(Reply.http_error(503), Reply([Text("fine")]))
    events = await collect(provider_for(wire, server), user("hi"))
    assert [e for e in events if isinstance(e, TextDelta)] == [TextDelta("fine")]
    assert not any(isinstance(e, StreamRestarted) for e in events)


@pytest.mark.parametrize("wire", WIRES)
async def test_mid_stream_error_restarts_the_turn_without_duplicating_it(server, wire):
    server.push(Reply([Text("Partial answer that will be cut", pieces=6)], error_after=4),
                Reply([Text("Full answer.")]))
    collector = TurnCollector()
    events = []
    async for event in provider_for(wire, server).stream(user("hi")):
        events.append(event)
        collector.add(event)
    restarts = [e for e in events if isinstance(e, StreamRestarted)]
    assert len(restarts) == 1 and restarts[0].attempt == 2
    assert collector.text == "Full answer."
    assert len(server.requests) == 2


@pytest.mark.parametrize("wire", WIRES)
@pytest.mark.parametrize("hard", [False, True], ids=["stream-ended", "socket-closed"])
async def test_dropped_stream_is_retried_and_its_tool_calls_never_surface(server, wire, hard):
    # cut just before the terminal event: the tool call itself was complete on the wire
    before_end = {"anthropic": -1, "openai": -1, "openai-chat": -3}[wire]
    dropped = Reply([Text("Editing now."), Tool("write_file", {"path": "x", "content": "y"},
                                                id="never")], drop_after=before_end, hard_drop=hard)
    server.push(dropped, Reply([Text("Done.")]))
    events = await collect(provider_for(wire, server), user("hi"))
    assert not any(isinstance(e, ToolCall) for e in events)
    assert events[-1].reason == "end_turn"
    assert len(server.requests) == 2


@pytest.mark.parametrize("wire", WIRES)
@pytest.mark.parametrize("hard", [False, True], ids=["stream-ended", "socket-closed"])
async def test_stream_dropped_on_every_attempt_reports_one_line_and_keeps_partial_text(
        server, wire, hard):
    server.push(*[Reply([Text("Half of it", pieces=5), Tool("delete_path", {"path": "a"})],
                        drop_after=5, hard_drop=hard) for _ in range(4)])
    err = await fail(provider_for(wire, server, model="m-3"))
    assert isinstance(err, ProviderConnectionError)
    assert str(err) == (f"{wire} (m-3): the stream ended before the response was complete "
                        "after 4 attempts; try again")
    assert err.partial_text and "Half of it".startswith(err.partial_text)


@pytest.mark.parametrize("wire", WIRES)
async def test_connection_refused_is_reported_at_once_naming_the_address(wire):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"  # nothing listens there any more

    class Nobody:
        openai_url = url + "/v1"

    Nobody.url = url
    sleep = RecordingSleep()
    err = await fail(provider_for(wire, Nobody(), model="m-4", policy=fast_policy(sleep)))
    assert isinstance(err, ProviderConnectionError)
    assert f"could not connect to http://127.0.0.1:{port}" in str(err)
    assert sleep.waits == []
    assert_no_secret(err)


async def test_read_timeout_is_retried_then_reported(server):
    server.push(*[Reply([Text("slow", pieces=4)], pace=1.0) for _ in range(2)])
    provider = AnthropicProvider("claude-t", api_key=SECRET, base_url=server.url,
                                 policy=fast_policy(attempts=2),
                                 timeout=httpx2.Timeout(0.2, connect=1.0))
    err = await fail(provider)
    assert isinstance(err, ProviderConnectionError)
    assert "timed out after 2 attempts" in str(err)


async def test_chat_read_timeout_is_reported_the_same_way(server):
    server.push(Reply([Text("slow", pieces=4)], pace=1.0))
    provider = OpenAIChatProvider("llama3", api_key=SECRET, base_url=server.openai_url,
                                  policy=fast_policy(attempts=1),
                                  timeout=httpx2.Timeout(0.2, connect=1.0))
    err = await fail(provider)
    assert isinstance(err, ProviderConnectionError) and "timed out" in str(err)


async def test_key_never_appears_in_anything_a_failing_session_produces(server):
    """Every error path at once: every message, repr and traceback is free of the key."""
    leaks = {"error": {"message": f"bad key {SECRET}", "type": f"t {SECRET}"}}
    outcomes: list[object] = []
    for wire in WIRES:
        provider = provider_for(wire, server)
        outcomes.append(provider)
        for reply in (Reply.http_error(401, body=leaks), Reply.http_error(400, body=leaks),
                      Reply.http_error(404, body=leaks)):
            server.push(reply)
            outcomes.append(await fail(provider))
        server.push(*[Reply.http_error(500, body=leaks)] * 4)
        outcomes.append(await fail(provider))
    assert_no_secret(*outcomes)
    assert all(SECRET in r.headers.get("x-api-key", r.headers.get("authorization", ""))
               for r in server.requests)  # it was really sent, only to the server
