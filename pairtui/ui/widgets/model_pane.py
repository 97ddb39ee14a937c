"""The model pane: what the model says, streamed as markdown, with tool calls as one-line entries.

Keeping up with a fast model is the point of this module. `write()` only appends to a list; a
timer flushes everything that arrived in the last ~40 ms as one MarkdownText.append, which only
splits the text into blocks; MarkdownText draws them in short steps of its own (finished blocks
once, the block still growing again), so no event-loop step follows the size of the answer.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.events import Click
from textual.widget import Widget
from textual.widgets import Static

from pairtui.ui.widgets import stream_gc

if TYPE_CHECKING:
    from pairtui.ui.widgets.markdown_text import MarkdownText

FLUSH_SECONDS = 0.04
QUIET_SECONDS = 1.0  # nothing written or left to draw this long: the stream is quiet
RESULT_PREVIEW_CHARS = 4_000
THINKING_PIECE_CHARS = 2_000  # past this, thinking continues in a new Static at a newline


class ToolEntry(Widget, can_focus=True):
    """`⚙ edit_file shop/cart.py ✓` on one line; space or a click shows the result."""

    DEFAULT_CSS = """
    ToolEntry { height: auto; }
    ToolEntry > #tool-result { display: none; }
    ToolEntry.-expanded > #tool-result { display: block; }
    """

    BINDINGS = [("space", "toggle", "Show result")]

    def __init__(self, call_id: str, name: str, summary: str) -> None:
        super().__init__(classes="tool-entry")
        self.call_id = call_id
        self.tool_name = name
        self.summary = summary or name
        self.result: str | None = None
        self.is_error = False

    def compose(self) -> ComposeResult:
        yield Static(self._line(), id="tool-line")
        yield Static("", id="tool-result", markup=False)

    def _line(self) -> Content:
        if self.result is None:
            state, colour = "…", "$warning"
        elif self.is_error:
            state, colour = "✗", "$error"
        else:
            state, colour = "✓", "$success"
        arrow = "▾" if self.has_class("-expanded") else "▸"
        return Content.from_markup(
            f"[$text-muted]$arrow[/] [$accent]⚙[/] $summary [{colour}]$state[/]",
            arrow=arrow, summary=self.summary, state=state,
        )

    def finish(self, result: str, is_error: bool) -> None:
        self.result, self.is_error = result, is_error
        self.set_class(is_error, "-error")
        shown = result if len(result) <= RESULT_PREVIEW_CHARS else (
            result[:RESULT_PREVIEW_CHARS] + f"\n… ({len(result) - RESULT_PREVIEW_CHARS} more characters)"
        )
        self.query_one("#tool-result", Static).update(shown or "(no output)")
        self.query_one("#tool-line", Static).update(self._line())

    def action_toggle(self) -> None:
        self.toggle_class("-expanded")
        self.query_one("#tool-line", Static).update(self._line())

    def on_click(self, event: Click) -> None:
        event.stop()
        self.action_toggle()


@dataclass
class _Op:
    kind: str  # "text" | "thinking" | "tool" | "tool_done" | "step" | "note"
    parts: list[str] = field(default_factory=list)
    args: tuple = ()


class ModelPane(VerticalScroll):
    """Streams one session's model output; stays anchored to the bottom unless scrolled up."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._ops: list[_Op] = []
        self._flush_armed = False
        self._flushing = False
        self._last_flush = 0.0
        self._segment: MarkdownText | None = None
        self._thinking: Static | None = None
        self._thinking_text = ""
        self._tools: dict[str, ToolEntry] = {}
        self._holding_gc = False
        self.chars_written = 0

    def compose(self) -> ComposeResult:
        yield Static(
            "The model's words stream here: its explanation, tool calls "
            "(enter or click to see a result) and, dimmed, its thinking.",
            id="model-empty",
            classes="empty-hint",
        )

    def on_mount(self) -> None:
        self.anchor()

    def on_unmount(self) -> None:
        self._release_gc()

    # -- what the app calls; all cheap, all queued in order ---------------------------------

    def write(self, text: str, thinking: bool = False) -> None:
        if not text:
            return
        kind = "thinking" if thinking else "text"
        if self._ops and self._ops[-1].kind == kind:
            self._ops[-1].parts.append(text)
        else:
            self._ops.append(_Op(kind, [text]))
        self.chars_written += len(text)
        self._arm()

    def tool_started(self, call_id: str, name: str, summary: str) -> None:
        self._ops.append(_Op("tool", args=(call_id, name, summary)))
        self._arm()

    def tool_finished(self, call_id: str, result: str, is_error: bool) -> None:
        self._ops.append(_Op("tool_done", args=(call_id, result, is_error)))
        self._arm()

    def begin_step(self, title: str) -> None:
        """A divider before a new step's output; the next text starts a new segment."""
        self._ops.append(_Op("step", args=(title,)))
        self._arm()
        self.anchor()  # a new step follows the stream again, even if the person scrolled up

    def note(self, text: str, level: str = "info") -> None:
        """A one-line remark in the stream (cancelled, error...)."""
        self._ops.append(_Op("note", args=(text, level)))
        self._arm()

    @property
    def pending(self) -> bool:
        """Text or events not on screen yet: queued, being flushed, or still being drawn (a
        burst is drawn in steps: see MarkdownText)."""
        if self._ops or self._flushing:
            return True
        return any(segment.drawing for segment in self.query("MarkdownText"))

    async def flush(self) -> None:
        """Render everything queued so far (also called by the timer)."""
        self._flush_armed = False
        if self._flushing:
            return
        self._flushing = True
        self._last_flush = time.monotonic()
        stream_gc.keep_survivors()
        try:
            while self._ops:
                ops, self._ops = self._ops, []
                with self.app.batch_update():
                    for op in ops:
                        await self._apply(op)
        finally:
            self._flushing = False

    # -- internals ---------------------------------------------------------------------------

    def _arm(self) -> None:
        if not self._holding_gc:
            self._holding_gc = True
            stream_gc.hold()
            self.set_timer(QUIET_SECONDS, self._release_when_quiet)
        if not self._flush_armed and not self._flushing:
            self._flush_armed = True
            quiet = time.monotonic() - self._last_flush > FLUSH_SECONDS  # leading edge: see inbox
            if quiet:  # at once (a 1 ms timer that starts late skips its only tick: no flush)
                self.call_later(self.flush)
            else:
                self.set_timer(FLUSH_SECONDS, self.flush)

    def _release_when_quiet(self) -> None:
        if self.pending or time.monotonic() - self._last_flush < QUIET_SECONDS:
            self.set_timer(QUIET_SECONDS, self._release_when_quiet)
        else:
            self._release_gc()

    def _release_gc(self) -> None:
        if self._holding_gc:
            self._holding_gc = False
            stream_gc.release()

    async def _apply(self, op: _Op) -> None:
        if op.kind == "text":
            await self._append_text("".join(op.parts))
        elif op.kind == "thinking":
            await self._append_thinking("".join(op.parts))
        elif op.kind == "tool":
            self._end_segments()
            entry = ToolEntry(*op.args)
            self._tools[entry.call_id] = entry
            await self._mount(entry)
        elif op.kind == "tool_done":
            call_id, result, is_error = op.args
            entry = self._tools.get(call_id)
            if entry is not None:
                entry.finish(result, is_error)
        elif op.kind == "step":
            self._end_segments()
            await self._mount(Static(Content(f"── {op.args[0]} "), classes="step-divider"))
        elif op.kind == "note":
            text, level = op.args
            self._end_segments()
            await self._mount(Static(Content(text), classes=f"model-note -{level}"))

    async def _mount(self, widget: Widget) -> None:
        hint = self.query("#model-empty")
        if hint:
            await hint.remove()
        await self.mount(widget)

    def _end_segments(self) -> None:
        self._segment = None
        self._thinking = None

    async def _append_text(self, text: str) -> None:
        self._thinking = None
        if self._segment is None:
            # Rich's markdown (markdown-it) loads with the first text, not at start-up.
            from pairtui.ui.widgets.markdown_text import MarkdownText

            self._segment = MarkdownText(text, classes="model-text")
            await self._mount(self._segment)
        else:
            self._segment.append(text)

    async def _append_thinking(self, text: str) -> None:
        """Thinking is drawn in Statics cut at newlines, so a flush redraws only the last piece
        (stacked pieces look like one block: the cut falls where a line ends anyway)."""
        self._segment = None
        if self._thinking is not None and len(self._thinking_text) >= THINKING_PIECE_CHARS:
            head, newline, tail = text.partition("\n")
            if newline:
                self._thinking_text += head
                self._thinking.update(Content(self._thinking_text))
                self._thinking, text = None, tail
        if self._thinking is None:
            self._thinking_text = text
            self._thinking = Static(Content(text), classes="thinking")
            await self._mount(self._thinking)
        else:
            self._thinking_text += text
            self._thinking.update(Content(self._thinking_text))

    async def clear(self) -> None:
        self._ops.clear()
        self._end_segments()
        self._tools.clear()
        await self.remove_children()
