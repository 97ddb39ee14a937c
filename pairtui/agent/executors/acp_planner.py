"""An ACP agent as the planner: a Provider whose turns are `session/prompt`s, read-only.

The existing Planner (agent/planner.py) drives it like any model: the agent's reply streams
back as TextDelta/ThinkingDelta and is parsed as today (one retry, whose message continues the
same ACP session). The agent researches with its own tools; pairtui serves its reads, refuses
every write and every permission but reads, and puts the session in the agent's plan or
read-only mode where it offers one. Its tool calls show in the model pane as the executor's do.
A reply never carries ToolCall events, so the planner's own tools are never run for it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from pairtui.agent.events import FlowEvent, ModelText, Notice
from pairtui.agent.executors.acp_client import PairtuiClient
from pairtui.agent.executors.acp_session import AcpConnection
from pairtui.models.acp_agents import AcpAgentHandle
from pairtui.models.base import Event, Provider, Request, Stop, TextDelta, ThinkingDelta, Usage

READ_ONLY_MODES = ("plan", "read-only", "readonly", "read_only")
PLANNER_NOTE = ("(pairtui: you are the planner now. Research with your own read-only tools; "
                "do not edit any file: pairtui refuses writes while planning.)")


class AcpPlannerModel:
    """`acp:NAME` as the planner model (Provider protocol: name, model, stream)."""

    name = "acp"

    def __init__(self, provider: Provider, repo_root: Path, emit: Callable[[FlowEvent], None],
                 timeout: float = 1800.0) -> None:
        self._provider = provider
        self.model = getattr(provider, "model", "agent")
        self._repo_root = Path(repo_root)
        self._emit = emit
        self._timeout = timeout
        self._conn: AcpConnection | None = None
        self._session: str | None = None
        self._sent = 0  # messages of the current conversation the agent has seen
        self._queue: asyncio.Queue[ModelText] | None = None

    def stream(self, request: Request) -> AsyncIterator[Event]:
        return self._turn(request)

    async def aclose(self) -> None:
        if self._conn is not None:
            await self._conn.close()
        self._session = None

    async def _turn(self, request: Request) -> AsyncIterator[Event]:
        conn = self._connection()
        messages = request.messages
        if self._session is None or len(messages) < self._sent:
            self._session = await conn.new_session()
            self._sent = 0
            for mode in READ_ONLY_MODES:
                if await conn.set_mode(self._session, mode):
                    break
            head = [PLANNER_NOTE, request.system, request.cache_prefix]
        else:
            head = []
        fresh = [m.text for m in messages[self._sent:] if m.role == "user" and m.text]
        text = "\n\n".join(p for p in (*head, *fresh) if p and p.strip())
        self._sent = len(messages) + 1  # the reply the loop appends
        queue: asyncio.Queue[ModelText] = asyncio.Queue()
        self._queue = queue
        turn = asyncio.ensure_future(conn.prompt(self._session, text, self._timeout))
        try:
            while not (turn.done() and queue.empty()):
                getter = asyncio.ensure_future(queue.get())
                await asyncio.wait({getter, turn}, return_when=asyncio.FIRST_COMPLETED)
                if not getter.done():
                    getter.cancel()
                    continue
                item = getter.result()
                yield ThinkingDelta(item.text) if item.thinking else TextDelta(item.text)
            response = turn.result()
        finally:
            if not turn.done():
                turn.cancel()
                with contextlib.suppress(BaseException):
                    await turn
        usage = getattr(response, "usage", None)
        if usage is not None:
            yield Usage(usage.input_tokens, usage.output_tokens, usage.cached_read_tokens or 0,
                        usage.cached_write_tokens or 0)
        yield Stop(str(response.stop_reason))

    def _route(self, event: FlowEvent) -> None:
        """The agent's words go back as the model's stream; its tool calls to the pane."""
        if isinstance(event, ModelText) and self._queue is not None:
            self._queue.put_nowait(event)
        else:
            self._emit(event)

    def _connection(self) -> AcpConnection:
        if self._conn is None:
            built = getattr(self._provider, "_built", None)
            handle = built() if built is not None else self._provider
            if not isinstance(handle, AcpAgentHandle):
                raise TypeError("AcpPlannerModel needs an acp:NAME provider")
            client = PairtuiClient(self._repo_root, handle.spec.label, self._route, read_only=True)
            client.mapper.plan_sink = lambda text: self._emit(Notice(text))
            self._conn = AcpConnection(handle.spec, self._repo_root, client)
        return self._conn
