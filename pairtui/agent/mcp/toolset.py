"""pairtui's own tools plus the session's MCP tools, as one tool list for the tool loop.

`current()` is awaited before each model turn: the first one starts the servers (so nothing
starts before a round needs tools, and never before the TUI paints) and later ones pick up
`tools/list_changed`. The planner's list (`read_only=True`) holds only tools annotated
readOnlyHint. A call to an MCP tool asks the person (allow once / always / refuse); headless, it
runs only when `allow` (config `mcp_allow`) names it. It runs with a timeout; its text is cut
to `result_limit` characters and an `isError` result is an error the model reads.
"""

from __future__ import annotations

import asyncio
import fnmatch
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pairtui.agent.executor import bound_head
from pairtui.agent.mcp.hub import McpHub, result_text
from pairtui.agent.mcp.naming import PREFIX, short_name
from pairtui.agent.tools import ToolOutcome
from pairtui.models.base import ToolCall, ToolSpec

AskPermission = Callable[[str], Awaitable[bool]]


def allowed_by(patterns: tuple[str, ...], name: str) -> bool:
    """Whether an `mcp_allow` pattern ("server__tool", "server__*", "mcp__...") names the tool."""
    short = short_name(name)
    return any(fnmatch.fnmatchcase(short, short_name(p)) for p in patterns)


@dataclass
class McpTools:
    """The list and the dispatcher the planner or executor gets when MCP servers exist."""

    base_specs: tuple[ToolSpec, ...]
    base_call: Callable[[ToolCall], Awaitable[Any]]
    hub: McpHub
    read_only: bool = False
    ask_permission: AskPermission | None = None
    allow: tuple[str, ...] = ()
    timeout: float = 120.0
    result_limit: int = 20_000

    async def current(self) -> tuple[ToolSpec, ...]:
        """The tools for the next turn (starting the servers the first time)."""
        await self.hub.start()
        extra = tuple(t.spec for t in self.hub.tools.values() if t.read_only or not self.read_only)
        return self.base_specs + extra

    async def call(self, call: ToolCall) -> Any:
        if not call.name.startswith(PREFIX):
            return await self.base_call(call)
        tool = self.hub.tools.get(call.name)
        if tool is None or (self.read_only and not tool.read_only):
            return ToolOutcome(f"unknown tool '{call.name}'", is_error=True)
        args = call.arguments if isinstance(call.arguments, dict) else {}
        if not await self._permitted(call.name, args):
            return ToolOutcome(f"{call.name}: not run: " + (
                "the person declined this call" if self.ask_permission else
                "headless runs call only MCP tools listed in mcp_allow in the config"),
                is_error=True)
        try:
            result = await self.hub.call(call.name, args, self.timeout)
        except TimeoutError:
            return ToolOutcome(f"{call.name}: no answer within {self.timeout:g}s; the call was "
                               "abandoned", is_error=True)
        except asyncio.CancelledError:
            raise
        except Exception as err:  # a server crash or protocol error is the model's to read
            return ToolOutcome(f"{call.name} failed: {type(err).__name__}: {err}", is_error=True)
        text, is_error = result_text(result)
        return ToolOutcome(bound_head(text, self.result_limit), is_error=is_error)

    async def _permitted(self, name: str, args: dict[str, Any]) -> bool:
        if allowed_by(self.allow, name):
            return True
        if self.ask_permission is None:
            return False
        shown = json.dumps(args, ensure_ascii=False, sort_keys=True)
        shown = shown if len(shown) <= 300 else shown[:297] + "..."
        return await self.ask_permission(f"{name} {shown}")
