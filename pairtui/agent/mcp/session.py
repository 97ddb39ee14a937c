"""Wiring MCP into a session (flow.Pairing): which servers, and the planner's and executor's
tool lists with them. Without configured servers nothing changes (the plain tuples are kept)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from pairtui.agent.events import FlowEvent, Notice
from pairtui.agent.mcp.hub import McpHub
from pairtui.agent.mcp.servers import configured_servers, untrusted_mcp_notice
from pairtui.agent.mcp.toolset import AskPermission, McpTools
from pairtui.config import Config
from pairtui.errors import ConfigError
from pairtui.models.base import ToolCall, ToolSpec

Pair = tuple[Any, Callable[[ToolCall], Awaitable[Any]]]


def mcp_tools(
    repo_root: Path, config: Config, emit: Callable[[FlowEvent], None],
    ask_permission: AskPermission | None,
    research: tuple[tuple[ToolSpec, ...], Callable[[ToolCall], Awaitable[Any]]],
    execute: tuple[tuple[ToolSpec, ...], Callable[[ToolCall], Awaitable[Any]]],
) -> tuple[McpHub | None, Pair, Pair]:
    """(hub or None, planner's (tools, call), executor's (tools, call)). A bad `.mcp.json` or an
    untrusted one is one line; the session goes on with pairtui's own tools."""
    try:
        servers = configured_servers(repo_root, config)
    except ConfigError as err:
        emit(Notice(f"MCP servers left out: {err.message}", "warning"))
        return None, research, execute
    if notice := untrusted_mcp_notice(servers):
        emit(Notice(notice, "warning"))
    if not any(s.trusted for s in servers):
        return None, research, execute
    hub = McpHub(servers, lambda text: emit(Notice(text, "warning")), config.mcp_start_timeout,
                 cwd=str(repo_root))
    common = {"hub": hub, "allow": config.mcp_allow, "timeout": config.mcp_timeout,
              "result_limit": config.mcp_result_limit}
    planner = McpTools(research[0], research[1], read_only=True, ask_permission=ask_permission,
                       **common)
    executor = McpTools(execute[0], execute[1], ask_permission=ask_permission, **common)
    return hub, (planner, planner.call), (executor, executor.call)
