"""Chunk -> tool loop -> edits in the working tree, with the executor model.

One conversation per chunk: the first round gets the system prompt, the repo context for the
chunk's files, the plan, the chunk and the (bounded) diff of earlier landed chunks; fix rounds
and hunk comments continue the same conversation, so the model knows what it already did.
Tool calls are numbered across the chunk's rounds (`first_call_number`), which is what lets a
hunk be traced back to the call that made it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pairtui.agent import prompts
from pairtui.agent.call_trace import CallRecord
from pairtui.agent.tool_loop import (
    Emit,
    LoopResult,
    Record,
    RunTool,
    Tools,
    UsageMeter,
    run_tool_loop,
)
from pairtui.core.plan import Chunk
from pairtui.models.base import Message, Provider

LANDED_DIFF_LIMIT = 24_000
OUTPUT_TAIL_LIMIT = 6_000


def bound_tail(text: str, limit: int) -> str:
    """The last `limit` characters, with a visible note when something was cut."""
    if len(text) <= limit:
        return text
    return f"[... {len(text) - limit} earlier characters cut ...]\n" + text[-limit:]


def bound_head(text: str, limit: int) -> str:
    """The first `limit` characters, with a visible note when something was cut."""
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n[... {len(text) - limit} more characters cut ...]\n"


@dataclass(frozen=True)
class ChunkBrief:
    """Everything the executor is told about a chunk before its first tool call."""

    plan_text: str
    chunk: Chunk
    context: str = ""
    landed_diff: str = ""

    def prefix(self) -> str:
        """Stable over the chunk's turns: sent as the cached prefix."""
        return prompts.executor_prefix(self.plan_text, self.context,
                                       bound_head(self.landed_diff, LANDED_DIFF_LIMIT))

    def opening(self) -> str:
        return prompts.executor_task(self.chunk)


@dataclass
class Executor:
    """The executor model with the full toolbox; keeps each chunk's conversation in memory."""

    provider: Provider
    tools: Tools  # a tuple, or a list that can grow (MCP servers)
    run_tool: RunTool
    emit: Emit
    meter: UsageMeter
    max_turns: int = 40
    record: Record | None = None
    on_call: Callable[[CallRecord], None] | None = None
    secrets: tuple[str, ...] = ()  # configured keys, masked in tool results
    conversations: dict[int, list[Message]] = field(default_factory=dict)

    def ready(self) -> None:
        """Nothing to check before a chunk's checkpoint (ACP executors check their agent)."""

    async def aclose(self) -> None:
        """Nothing to release (ACP executors stop their agent process here)."""

    async def run_chunk(self, brief: ChunkBrief, first_call_number: int = 1) -> LoopResult:
        """First round of a chunk (starts a fresh conversation)."""
        self.conversations[brief.chunk.number] = []
        return await self._round(brief, None, first_call_number, {"round": "execute"})

    async def fix(
        self, brief: ChunkBrief, command: str, output: str, round_no: int, rounds: int,
        first_call_number: int,
    ) -> LoopResult:
        """A fix round after a failed check: the failing output's tail goes back to the model."""
        note = prompts.fix_round(command, bound_tail(output, OUTPUT_TAIL_LIMIT), round_no, rounds)
        return await self._round(brief, note, first_call_number,
                                 {"round": "fix", "fix_round": round_no, "fix_rounds": rounds, "command": command})

    async def revise_hunk(
        self, brief: ChunkBrief, path: str, hunk_text: str, comment: str, first_call_number: int
    ) -> LoopResult:
        """The person sent a hunk back with a comment during review."""
        note = prompts.hunk_comment(path, bound_head(hunk_text, OUTPUT_TAIL_LIMIT), comment)
        return await self._round(brief, note, first_call_number,
                                 {"round": "comment", "path": path, "comment": comment, "hunk": hunk_text[:2000]})

    async def _round(self, brief: ChunkBrief, note: str | None, first_call_number: int,
                     about: dict) -> LoopResult:
        """One round; the transcript gets a "round" record first (what `pairtui why` reads to
        tell a fix round or a hunk comment from the chunk's first run)."""
        if self.record:
            self.record({"kind": "round", "chunk": brief.chunk.number, "first_call": first_call_number, **about})
        messages = self.conversations.setdefault(brief.chunk.number, [])
        if not messages:
            messages.append(Message(role="user", text=brief.opening()))
            if note:
                messages.append(Message(role="assistant", text="(earlier work on this chunk is in the working tree)"))
        if note:
            messages.append(Message(role="user", text=note))
        return await run_tool_loop(
            self.provider, prompts.EXECUTOR_SYSTEM, messages, self.tools, self.run_tool,
            self.emit, self.meter, self.max_turns, self.record, first_call_number,
            cache_prefix=brief.prefix(), on_call=self.on_call, secrets=self.secrets,
        )
