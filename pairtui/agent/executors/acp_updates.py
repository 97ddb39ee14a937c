"""`session/update` notifications -> the FlowEvents the built-in executor emits.

So the model pane and the headless printer need no change: message chunks become ModelText,
thought chunks ModelText(thinking=True), tool calls ToolStarted / ToolFinished (kind, title,
status, and the diffs they carry, summarised), the agent's plan a short text block whenever it
changes. The mapper also remembers each tool call (kind, paths, diffs), which the file bridge
and the after-turn diff use to say which call wrote what, and the cost the agent reports.
Updates that arrive when no turn is running (after a cancel) are dropped.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pairtui.agent.events import FlowEvent, ModelText, ToolFinished, ToolStarted
from pairtui.core.redact import redact

RESULT_LIMIT = 4000
_DONE = ("completed", "failed")


@dataclass
class TrackedCall:
    """What the agent said about one of its tool calls so far."""

    call_id: str
    title: str = ""
    kind: str | None = None
    status: str | None = None
    paths: list[str] = field(default_factory=list)
    diffs: dict[str, tuple[str | None, str]] = field(default_factory=dict)  # path -> (old, new)
    text: list[str] = field(default_factory=list)
    finished: bool = False
    wrote: bool = False  # a write through fs/write_text_file was credited to it


def _diff_summary(path: str, old: str | None, new: str) -> str:
    """A short unified diff of one tool-call diff, bounded."""
    lines = list(difflib.unified_diff((old or "").splitlines(), new.splitlines(),
                                      f"a/{path}", f"b/{path}", lineterm="", n=1))
    return "\n".join(lines)[:RESULT_LIMIT]


class UpdateMapper:
    """Turns one agent session's updates into FlowEvents, keeping what the rest needs."""

    def __init__(self, emit: Callable[[FlowEvent], None]) -> None:
        self._emit = emit
        self.calls: dict[str, TrackedCall] = {}
        self.order: list[str] = []
        self.text: list[str] = []  # the agent's message of this turn (the planner's reply)
        self.costs: dict[str, float] = {}  # ACP session -> its cumulative USD, as reported
        self.plan_sink: Callable[[str], None] | None = None  # elsewhere than the reply (planner)
        self.secrets: tuple[str | None, ...] = ()  # masked in tool output before it is shown
        self.root_prefix = ""  # "<repo>/", cut from titles
        self._plan = ""

    def start_turn(self) -> None:
        """Forget the last turn's text and calls (ids are only meaningful within a turn here)."""
        self.text = []
        self.calls = {}
        self.order = []

    def apply(self, update: Any, session_id: str = "") -> None:
        kind = getattr(update, "session_update", None)
        if kind == "agent_message_chunk":
            text = _block_text(update.content)
            if text:
                self.text.append(text)
                self._emit(ModelText(text))
        elif kind == "agent_thought_chunk":
            text = _block_text(update.content)
            if text:
                self._emit(ModelText(text, thinking=True))
        elif kind in ("tool_call", "tool_call_update"):
            self._tool(update, started=kind == "tool_call")
        elif kind == "plan":
            self._plan_entries(update.entries)
        elif kind == "usage_update":
            cost = getattr(update, "cost", None)
            if cost is not None and str(cost.currency).upper() == "USD":
                self.costs[session_id] = float(cost.amount)

    def call_for_write(self, path: str) -> TrackedCall | None:
        """The tool call a file write belongs to: the latest unfinished call naming the path,
        else the latest unfinished edit-like call, else None."""
        open_calls = [self.calls[c] for c in reversed(self.order) if not self.calls[c].finished]
        for call in open_calls:
            if path in call.paths or path in call.diffs:
                return call
        for call in open_calls:
            if call.kind in (None, "edit", "delete", "move", "other"):
                return call
        return None

    def kind_of(self, call_id: str) -> str | None:
        call = self.calls.get(call_id)
        return call.kind if call else None

    def paths_of(self, call_id: str) -> list[str]:
        call = self.calls.get(call_id)
        return [*call.paths, *call.diffs] if call else []

    # -- internals -------------------------------------------------------------------------

    def _tool(self, update: Any, started: bool) -> None:
        call = self.calls.get(update.tool_call_id)
        if call is None or started:  # a tool_call (re)starts the call, even with a reused id
            call = self.calls[update.tool_call_id] = TrackedCall(update.tool_call_id)
            if update.tool_call_id in self.order:
                self.order.remove(update.tool_call_id)
            self.order.append(update.tool_call_id)
            started = True
        if update.title:  # agents name files by absolute path: show them repo-relative
            title = update.title.replace(self.root_prefix, "") if self.root_prefix else update.title
            call.title = " ".join(title.split())
        if update.kind:
            call.kind = update.kind
        if update.status:
            call.status = update.status
        for location in update.locations or ():
            if location.path not in call.paths:
                call.paths.append(location.path)
        for item in update.content or ():
            if getattr(item, "type", None) == "diff":
                call.diffs[item.path] = (item.old_text, item.new_text)
            elif getattr(item, "type", None) == "content":
                text = _block_text(item.content)
                if text:
                    call.text.append(text)
            elif getattr(item, "type", None) == "terminal":
                call.text.append(f"[terminal {item.terminal_id}]")
        if started:
            self._emit(ToolStarted(call.call_id, call.kind or "tool", call.title or call.kind or "tool call"))
        if call.status in _DONE and not call.finished:
            call.finished = True
            self._emit(ToolFinished(call.call_id, call.kind or "tool", self._result(call),
                                    is_error=call.status == "failed"))

    def _result(self, call: TrackedCall) -> str:
        parts = ["\n".join(call.text).strip()] if call.text else []
        parts += [_diff_summary(path.removeprefix(self.root_prefix) if self.root_prefix else path,
                                old, new) for path, (old, new) in call.diffs.items()]
        text = "\n".join(p for p in parts if p) or call.status or "done"
        return redact(text[:RESULT_LIMIT], self.secrets)

    def _plan_entries(self, entries: list[Any]) -> None:
        marks = {"completed": "x", "in_progress": "~"}
        text = "\n".join(f"- [{marks.get(e.status, ' ')}] {e.content}" for e in entries)
        if text and text != self._plan:
            self._plan = text
            if self.plan_sink is not None:
                self.plan_sink(f"the agent's plan:\n{text}")
            else:
                self._emit(ModelText(f"\n\nThe agent's plan:\n{text}\n\n"))


def _block_text(block: Any) -> str:
    kind = getattr(block, "type", None)
    if kind == "text":
        return block.text
    if kind == "resource_link":
        return f"[{block.name or block.uri}]"
    if kind == "resource":
        return getattr(block.resource, "text", "") or ""
    return f"[{kind}]" if kind else ""
