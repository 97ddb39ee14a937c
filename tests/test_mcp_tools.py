"""MCP tools through pairtui's tool list: a real stdio server (the SDK's MCPServer), its tools
named mcp__SERVER__TOOL, calls allowed or refused, errors, timeouts, big results, secrets, a
server that fails to start, and no process left after close."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from pairtui.agent.mcp.hub import McpHub
from pairtui.agent.mcp.naming import MAX_LEN, tool_name
from pairtui.agent.mcp.servers import ServerSpec, server_from
from pairtui.agent.mcp.toolset import McpTools, allowed_by
from pairtui.agent.tools import ToolOutcome
from pairtui.models.base import ToolCall, ToolSpec
from tests.support_mcp import pids, server_table, wait_gone

BASE = (ToolSpec("read_file", "Read a file.", {"type": "object", "properties": {}}),)


async def _base_call(call: ToolCall) -> ToolOutcome:
    return ToolOutcome(f"built-in {call.name}")


def _spec(name: str = "t", **env: str) -> ServerSpec:
    return server_from(name, server_table(**env), "user config", True)


def _tools(hub: McpHub, **kw) -> McpTools:
    return McpTools(BASE, _base_call, hub, **kw)


@pytest.fixture
async def hub(tmp_path: Path):
    warnings: list[str] = []
    made = McpHub([_spec(MCP_TEST_PIDFILE=str(tmp_path / "pids"), MCP_TEST_TOKEN="tok-SECRET-991")],
                  warnings.append, start_timeout=20)
    made.warnings = warnings
    yield made
    await made.aclose()


def test_names_are_sanitised_short_and_unique():
    taken: set[str] = set()
    first = tool_name("my server", "get/issue.v2", taken)
    assert first == "mcp__my_server__get_issue_v2"
    taken.add(first)
    assert tool_name("my server", "get/issue.v2", taken) == first + "_2"
    long_a = tool_name("srv", "x" * 80 + "a", set())
    long_b = tool_name("srv", "x" * 80 + "b", set())
    assert len(long_a) <= MAX_LEN and len(long_b) <= MAX_LEN and long_a != long_b
    assert allowed_by(("t__*",), "mcp__t__echo") and allowed_by(("mcp__t__echo",), "mcp__t__echo")
    assert not allowed_by(("t__echo",), "mcp__t__shout")


async def test_tools_are_listed_with_schemas_and_only_read_only_ones_for_the_planner(hub):
    executor = await _tools(hub).current()
    planner = await _tools(hub, read_only=True).current()
    names = [s.name for s in executor]
    assert names[0] == "read_file" and "mcp__t__echo" in names and "mcp__t__shout" in names
    echo = next(s for s in executor if s.name == "mcp__t__echo")
    assert echo.description == "Repeat the text."
    assert echo.parameters["properties"]["text"]["type"] == "string"
    assert [s.name for s in planner] == ["read_file", "mcp__t__echo", "mcp__t__slow", "mcp__t__token"]
    long = [n for n in names if "long" in n]
    assert len(long) == 1 and len(long[0]) <= MAX_LEN and all(c.isalnum() or c in "_-" for c in long[0])
    assert len(pids(hub.servers[0].env and Path(hub.servers[0].env["MCP_TEST_PIDFILE"]))) == 1


async def test_a_call_asks_the_person_and_a_refusal_is_an_error_the_model_reads(hub):
    asked: list[str] = []

    async def ask(what: str) -> bool:
        asked.append(what)
        return what.startswith("mcp__t__echo")

    tools = _tools(hub, ask_permission=ask)
    await tools.current()
    done = await tools.call(ToolCall("1", "mcp__t__echo", {"text": "hi"}))
    assert (done.content, done.is_error) == ("echo: hi", False)
    refused = await tools.call(ToolCall("2", "mcp__t__shout", {"text": "hi"}))
    assert refused.is_error and "declined" in refused.content
    assert asked == ['mcp__t__echo {"text": "hi"}', 'mcp__t__shout {"text": "hi"}']
    assert (await tools.call(ToolCall("3", "read_file", {}))).content == "built-in read_file"


async def test_headless_calls_only_the_tools_mcp_allow_names(hub):
    tools = _tools(hub, allow=("t__echo",))
    await tools.current()
    assert not (await tools.call(ToolCall("1", "mcp__t__echo", {"text": "a"}))).is_error
    refused = await tools.call(ToolCall("2", "mcp__t__shout", {"text": "a"}))
    assert refused.is_error and "mcp_allow" in refused.content


async def test_error_results_timeouts_big_results_and_images(hub):
    tools = _tools(hub, allow=("t__*",), timeout=1.0, result_limit=500)
    await tools.current()
    failed = await tools.call(ToolCall("1", "mcp__t__fail", {"reason": "disk"}))
    assert failed.is_error
    slow = await tools.call(ToolCall("2", "mcp__t__slow", {"seconds": 5}))
    assert slow.is_error and "no answer within 1s" in slow.content
    big = await tools.call(ToolCall("3", "mcp__t__big", {"size": 100_000}))
    assert len(big.content) < 700 and "more characters cut" in big.content
    picture = await tools.call(ToolCall("4", "mcp__t__picture", {}))
    assert picture.content == "a red dot\n[image image/png not shown]"
    assert "tok-SECRET-991" in hub.secrets  # what the session masks in every tool result


async def test_a_server_that_fails_to_start_is_one_line_and_the_others_go_on(tmp_path):
    warnings: list[str] = []
    hub = McpHub([_spec("broken", MCP_TEST_MODE="crash"),
                  ServerSpec("missing", "user config", command=str(tmp_path / "no-such-program")),
                  _spec("slow", MCP_TEST_MODE="slowstart", MCP_TEST_PIDFILE=str(tmp_path / "p")),
                  _spec("good")], warnings.append, start_timeout=3)
    try:
        names = [s.name for s in await _tools(hub).current()]
    finally:
        await hub.aclose()
    assert "mcp__good__echo" in names
    assert not any(n.startswith(("mcp__broken__", "mcp__slow__")) for n in names)
    assert len(warnings) == 3 and all("\n" not in w for w in warnings)
    assert any(w.startswith("MCP server slow") and "did not start within 3s" in w for w in warnings)
    assert wait_gone(pids(tmp_path / "p")) == []  # the slow one was stopped, not left behind


async def test_closing_leaves_no_server_process(tmp_path):
    pidfile = tmp_path / "pids"
    hub = McpHub([_spec("a", MCP_TEST_PIDFILE=str(pidfile)), _spec("b", MCP_TEST_PIDFILE=str(pidfile))],
                 lambda _: None)
    await hub.start()
    started = pids(pidfile)
    assert len(started) == 2 and wait_gone(started, 0.2) == started
    await hub.aclose()
    assert wait_gone(started) == []


def test_variables_are_expanded_and_missing_ones_keep_the_server_out(monkeypatch):
    monkeypatch.setenv("DOCS_TOKEN", "abc123456")
    spec = server_from("docs", {"type": "http", "url": "https://docs.example/${DOCS_PATH:-mcp}",
                                "headers": {"Authorization": "Bearer ${DOCS_TOKEN}"}}, ".mcp.json", True)
    assert spec.url == "https://docs.example/mcp"
    assert spec.headers == {"Authorization": "Bearer abc123456"} and spec.missing_vars == ()
    stdio = server_from("x", {"command": sys.executable, "args": ["${NOPE_NOT_SET}"]}, ".mcp.json", True)
    assert stdio.missing_vars == ("NOPE_NOT_SET",)


async def test_a_tool_list_change_is_picked_up_before_the_next_round(hub):
    tools = _tools(hub, allow=("t__*",))
    assert "mcp__t__added" not in [s.name for s in await tools.current()]
    assert (await tools.call(ToolCall("1", "mcp__t__grow", {}))).content == "grown"
    for _ in range(50):  # the notification arrives on its own, just after the result
        names = [s.name for s in await tools.current()]
        if "mcp__t__added" in names:
            break
        await asyncio.sleep(0.05)
    assert "mcp__t__added" in names
    assert (await tools.call(ToolCall("2", "mcp__t__added", {}))).content == "added ok"


async def test_a_streamable_http_server_on_loopback(tmp_path, monkeypatch):
    import socket
    import subprocess
    import time

    from tests.support_mcp import SERVER

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, SERVER], env={**os.environ,
                               "MCP_TEST_HTTP_PORT": str(port)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                await asyncio.sleep(0.1)
        monkeypatch.setenv("MCP_TEST_PORT", str(port))
        spec = server_from("web", {"type": "http", "url": "http://127.0.0.1:${MCP_TEST_PORT}/mcp",
                                   "headers": {"X-Test": "yes"}}, ".mcp.json", True)
        hub = McpHub([spec], lambda text: pytest.fail(text), start_timeout=10)
        tools = _tools(hub, allow=("web__echo",))
        try:
            assert "mcp__web__echo" in [s.name for s in await tools.current()]
            done = await tools.call(ToolCall("1", "mcp__web__echo", {"text": "over http"}))
        finally:
            await hub.aclose()
        assert (done.content, done.is_error) == ("echo: over http", False)
    finally:
        process.terminate()
        process.wait(10)


async def test_a_server_that_dies_mid_call_is_an_error_and_the_loop_goes_on(hub):
    tools = _tools(hub, allow=("t__*",), timeout=10)
    await tools.current()
    died = await tools.call(ToolCall("1", "mcp__t__die", {}))
    assert died.is_error and died.content.startswith("mcp__t__die")
    again = await tools.call(ToolCall("2", "mcp__t__echo", {"text": "x"}))
    assert again.is_error  # the server is gone: said so, no hang
    assert (await tools.call(ToolCall("3", "read_file", {}))).content == "built-in read_file"
