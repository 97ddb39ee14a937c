"""The running MCP servers of one session: start, list tools, call, stop.

Servers start together the first time tools are needed, each within `start_timeout`; one that
fails is reported once in one line and left out, the others go on. Each server lives in its own
task that enters and leaves the SDK's client (its anyio scopes must be left by the task that
entered them), so `aclose` just tells every task to leave and waits: a stdio server's process is
stopped by the SDK there. A `tools/list_changed` notification marks the server, and its list is
fetched again before the next round.
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pairtui.agent.group_guard import guarded
from pairtui.agent.mcp.naming import tool_name
from pairtui.agent.mcp.servers import ServerSpec
from pairtui.models.base import ToolSpec

Warn = Callable[[str], None]


@dataclass
class RemoteTool:
    """One tool of one server, under its model-facing name."""

    server: str
    name: str  # the server's own name for it
    spec: ToolSpec
    read_only: bool


@dataclass
class _Running:
    spec: ServerSpec
    client: Any = None
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task | None = None
    error: str = ""
    tools: list[Any] = field(default_factory=list)
    stale: bool = False
    errlog: Any = None  # the server's stderr (never the terminal: it would tear the TUI)

    def last_words(self) -> str:
        """The last line the server wrote on stderr, to say why it did not start."""
        if self.errlog is None:
            return ""
        try:
            self.errlog.seek(0)
            lines = [line.strip() for line in self.errlog.read().splitlines() if line.strip()]
        except (OSError, ValueError):
            return ""
        return lines[-1][:200] if lines else ""


def _describe(err: BaseException) -> str:
    while isinstance(err, BaseExceptionGroup) and err.exceptions:
        err = err.exceptions[0]
    text = str(err).strip().splitlines()[0] if str(err).strip() else ""
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


class McpHub:
    """The session's MCP servers, started lazily, stopped by `aclose`."""

    def __init__(self, servers: list[ServerSpec], warn: Warn, start_timeout: float = 20.0,
                 cwd: str | None = None) -> None:
        self.servers = [s for s in servers if s.trusted]
        self._warn = warn
        self._start_timeout = start_timeout
        self._cwd = cwd
        self._running: dict[str, _Running] = {}
        self._starting: asyncio.Future | None = None
        self._lock = asyncio.Lock()
        self.tools: dict[str, RemoteTool] = {}
        self.secrets = tuple(v for s in self.servers for v in s.secrets)  # masked in results

    async def start(self) -> None:
        """Start every server once (in parallel); later calls only refresh changed lists.
        The start is shielded: esc during it cancels the round, not the servers' start, and
        the next round finds them ready."""
        if self._starting is None:
            self._starting = asyncio.ensure_future(self._start_all())
        await asyncio.shield(self._starting)
        async with self._lock:
            if any(r.stale for r in self._running.values()):
                await asyncio.gather(*(self._refresh(r) for r in self._running.values() if r.stale))
                self._index()

    async def _start_all(self) -> None:
        await asyncio.gather(*(self._start_one(s) for s in self.servers))
        self._index()

    def status(self, name: str) -> str:
        """"running", "failed: ...", or "not started"."""
        run = self._running.get(name)
        if run is None:
            return "not started"
        return f"failed: {run.error}" if run.error else "running"

    async def _start_one(self, spec: ServerSpec) -> None:
        run = _Running(spec)
        self._running[spec.name] = run
        if spec.missing_vars:
            run.error = f"environment variable {', '.join(spec.missing_vars)} is not set"
        else:
            run.task = asyncio.create_task(self._serve(run), name=f"mcp:{spec.name}")
            try:
                await asyncio.wait_for(run.ready.wait(), self._start_timeout)
            except TimeoutError:
                run.error = f"did not start within {self._start_timeout:g}s"
                await self._stop(run)
        if run.error:
            said = run.last_words()
            said = f" (it said: {said})" if said and said not in run.error else ""
            self._warn(f"MCP server {spec.name} ({spec.shown}) left out: {run.error}{said}")

    async def _serve(self, run: _Running) -> None:
        """The server's task: connect, list tools, wait for stop, disconnect."""
        from mcp import Client

        async def on_message(message: Any) -> None:
            root = getattr(message, "root", message)
            if type(root).__name__ == "ToolListChangedNotification":
                run.stale = True

        try:
            async with Client(self._target(run.spec), message_handler=on_message,
                              cache=None) as client:
                run.client = client
                run.tools = await self._list(client)
                run.ready.set()
                listener = asyncio.create_task(self._listen(run, client))
                try:
                    await run.stop.wait()
                finally:
                    listener.cancel()
                    await asyncio.wait({listener}, timeout=5)
        except asyncio.CancelledError:
            raise
        except Exception as err:  # incl. the exception groups the SDK's task groups raise
            run.error = run.error or _describe(err)
        finally:
            run.client = None
            run.ready.set()

    @staticmethod
    async def _listen(run: _Running, client: Any) -> None:
        """Mark the list stale on each change (2026-07-28 servers announce changes on a
        `subscriptions/listen` stream; older ones send the notification on_message sees)."""
        try:
            async with client.listen(tools_list_changed=True) as changes:
                async for _ in changes:
                    run.stale = True
        except asyncio.CancelledError:
            raise
        except Exception:  # no listen support, or the stream dropped: no refresh, no harm
            return

    def _target(self, spec: ServerSpec) -> Any:
        if spec.url:
            from mcp.client.streamable_http import streamable_http_client
            from mcp.shared._httpx_utils import create_mcp_http_client

            return streamable_http_client(spec.url, http_client=create_mcp_http_client(
                headers=spec.headers or None))
        from mcp.client.stdio import StdioServerParameters, stdio_client

        env = {**spec.env} if spec.env else None
        cwd = self._cwd or os.getcwd()
        # through the guard: the server dies with pairtui, even of a SIGKILL (group_guard.py)
        guard, *args = guarded([spec.command or "", *spec.args], {**os.environ, **(env or {})}, cwd)
        params = StdioServerParameters(command=guard, args=args, env=env, cwd=cwd)
        run = self._running[spec.name]
        run.errlog = tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace")
        return stdio_client(params, errlog=run.errlog)

    @staticmethod
    async def _list(client: Any) -> list[Any]:
        tools: list[Any] = []
        cursor = None
        for _ in range(50):
            page = await client.list_tools(cursor=cursor)
            tools += page.tools
            cursor = page.next_cursor
            if not cursor:
                break
        return tools

    async def _refresh(self, run: _Running) -> None:
        run.stale = False
        if run.client is None:
            return
        try:
            run.tools = await asyncio.wait_for(self._list(run.client), self._start_timeout)
        except Exception as err:  # keep the old list; the next call will say what is wrong
            self._warn(f"MCP server {run.spec.name}: could not refresh its tools ({_describe(err)})")

    def _index(self) -> None:
        taken: set[str] = set()
        tools: dict[str, RemoteTool] = {}
        for run in self._running.values():
            if run.error or run.client is None:
                continue
            for tool in run.tools:
                name = tool_name(run.spec.name, tool.name, taken)
                taken.add(name)
                schema = tool.input_schema if isinstance(tool.input_schema, dict) else {}
                schema = {"type": "object", "properties": {}, **schema}
                hints = tool.annotations
                tools[name] = RemoteTool(
                    run.spec.name, tool.name,
                    ToolSpec(name, (tool.description or tool.title or tool.name).strip(), schema),
                    bool(hints and hints.read_only_hint))
        self.tools = tools

    async def call(self, name: str, arguments: dict[str, Any], timeout: float) -> Any:
        """The server's CallToolResult for the model-facing `name`; raises on a dead server."""
        tool = self.tools[name]
        run = self._running[tool.server]
        if run.client is None:
            raise ConnectionError(f"MCP server {tool.server} is not running ({run.error or 'stopped'})")
        return await asyncio.wait_for(run.client.call_tool(tool.name, arguments), timeout)

    async def _stop(self, run: _Running) -> None:
        """Let the server's task leave the client (which ends a stdio server's process); one
        still starting, or not leaving within 10 s, is cancelled."""
        run.stop.set()
        task = run.task
        if task is None or task.done():
            return
        if run.client is None:
            task.cancel()
        done, _ = await asyncio.wait({task}, timeout=10)
        if not done:
            task.cancel()
            await asyncio.wait({task}, timeout=5)

    async def aclose(self) -> None:
        """Stop every server (their processes end with them); idempotent."""
        if self._starting is not None and not self._starting.done():
            await asyncio.wait({self._starting}, timeout=self._start_timeout + 1)
        await asyncio.gather(*(self._stop(r) for r in self._running.values()))
        for run in self._running.values():
            run.client = None
            if run.errlog is not None:
                run.errlog.close()
                run.errlog = None

    def listing(self) -> list[dict[str, Any]]:
        """Servers and their tools, for `pairtui mcp`."""
        by_server: dict[str, list[str]] = {}
        for name, tool in self.tools.items():
            by_server.setdefault(tool.server, []).append(name)
        return [{"name": s.name, "status": self.status(s.name), "tools": by_server.get(s.name, [])}
                for s in self.servers]


def result_text(result: Any) -> tuple[str, bool]:
    """(text, is_error) of a CallToolResult: text parts joined, images and other parts as a
    placeholder line, structured content as JSON when there is no text."""
    parts: list[str] = []
    for item in result.content or []:
        kind = getattr(item, "type", "")
        if kind == "text":
            parts.append(item.text)
        elif kind == "image":
            parts.append(f"[image {getattr(item, 'mime_type', '')} not shown]")
        elif kind == "resource":
            inner = getattr(item, "resource", None)
            text = getattr(inner, "text", None)
            parts.append(text if isinstance(text, str) else f"[resource {getattr(inner, 'uri', '')}]")
        else:
            parts.append(f"[{kind or 'content'} not shown]")
    if not parts and result.structured_content is not None:
        parts.append(json.dumps(result.structured_content, default=str))
    return "\n".join(parts) or "(no output)", bool(result.is_error)
