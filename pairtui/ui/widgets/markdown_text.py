"""MarkdownText: append-only markdown drawn through the Line API, for the model's streamed words.

Textual's Markdown widget makes a widget per block (a table makes one per cell), which is what
slows a long answer down: thousands of widgets to style and lay out. Here the text is cut into
blocks at blank lines outside code fences; each finished block is rendered once (Rich markdown)
into packed lines and kept, and only the block still growing is rendered again on an append.
Colours come from the app's theme.

No event-loop step renders much: `append()` only splits text, layout only counts lines, and
the rendering is done by a drawing worker in steps of about RENDER_BUDGET_S, yielding to the
event loop between steps (a key press waits one step at most). A block with a long code fence
is rendered a piece at a time (see markdown_fence). While the drawing is behind, the screen
shows the top of the final picture; after a resize or theme change the old picture stays in
place below what is drawn again, until the new one replaces it.
"""

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import Callable
from dataclasses import dataclass

from markdown_it import MarkdownIt
from rich.console import Console
from rich.markdown import Markdown as RichMarkdown
from rich.segment import Segment
from rich.style import Style
from rich.theme import Theme
from textual.cache import LRUCache
from textual.color import Color
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget
from textual.worker import Worker

from pairtui.ui.widgets.markdown_fence import FenceCache
from pairtui.ui.widgets.packed_lines import Line, LinePacker

RENDER_BUDGET_S = 0.004  # rendering per event-loop step; one block or fence piece may overrun
FRAME_S = 0.04  # while drawing, lay out and paint at most this often (the pane flushes so often)

# markdown style name -> (theme variable, extra style)
_STYLE_VARS = {
    "markdown.h1": ("accent", "bold"),
    "markdown.h2": ("accent", "bold"),
    "markdown.h3": ("primary", "bold"),
    "markdown.h4": ("primary", "bold"),
    "markdown.h5": ("primary", "italic"),
    "markdown.h6": ("text-muted", "italic"),
    "markdown.code": ("warning", "bold"),
    "markdown.link": ("accent", "underline"),
    "markdown.link_url": ("text-muted", "underline"),
    "markdown.block_quote": ("text-muted", "italic"),
    "markdown.item.bullet": ("accent", "bold"),
    "markdown.item.number": ("accent", "bold"),
    "markdown.hr": ("text-muted", ""),
    "markdown.table.border": ("text-muted", ""),
    "markdown.table.header": ("accent", "bold"),
}


def rich_theme(variables: dict[str, str]) -> Theme:
    """Rich markdown styles built from the Textual theme's variables."""
    styles = {}
    for name, (var, extra) in _STYLE_VARS.items():
        value = variables.get(var)
        try:
            colour = Color.parse(value).hex if value else ""
        except Exception:  # an unparseable variable keeps Rich's default for that style
            continue
        styles[name] = f"{extra} {colour}".strip()
    styles["markdown.h1.border"] = styles.get("markdown.h1", "")
    return Theme(styles, inherit=True)


class _Blocks:
    """Rich Markdown renderables made with one shared parser: Rich builds a new parser for
    every Markdown it makes, about a third of the cost of rendering a short block. Built as
    Rich builds them (same parser rules), so each renders exactly as RichMarkdown(text)."""

    _parser = MarkdownIt().enable("strikethrough").enable("table")
    _template = RichMarkdown("", code_theme="ansi_dark")

    @classmethod
    def markdown(cls, text: str) -> RichMarkdown:
        md = copy.copy(cls._template)
        md.markup, md.parsed = text, cls._parser.parse(text)
        return md


def split_blocks(
    open_lines: list[str], lines: list[str], in_fence: bool
) -> tuple[list[list[str]], list[str], bool]:
    """Add complete `lines` to the open block, cutting finished blocks at blank lines outside
    a fence. Returns (finished blocks, lines of the block still open, fence state after)."""
    finished: list[list[str]] = []
    current = list(open_lines)
    for line in lines:
        if not in_fence and not line.strip():
            if current:
                finished.append(current)
                current = []
            continue
        current.append(line)
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
    return finished, current, in_fence


@dataclass(frozen=True)
class _Picture:
    """Everything drawn at one width: finished blocks' rows (a blank row between blocks) then
    the open block's rows, and where each finished block starts."""

    width: int
    rows: list[Line]
    starts: list[int]
    finished: int  # rows[finished:] are the open block's, depicting block len(starts)

    def rows_from(self, block: int) -> int:
        """The first row showing block `block` onwards, after the blocks drawn before it."""
        if block < len(self.starts):
            return self.starts[block] - (1 if block else 0)
        return self.finished if block == len(self.starts) else len(self.rows)


class MarkdownText(Widget):
    """Markdown that only grows. `append()` is cheap; painting reads kept lines."""

    DEFAULT_CSS = "MarkdownText { height: auto; }"

    def __init__(self, text: str = "", *, classes: str | None = None) -> None:
        super().__init__(classes=classes)
        self._parts: list[str] = []
        self._done: list[str] = []        # finished blocks' text
        self._open: list[str] = []        # complete lines of the block still growing
        self._partial = ""                # text after the last newline
        self._in_fence = False
        self._packer = LinePacker()
        self._width = 0
        self._rows: list[Line] = []       # drawn finished blocks, a blank row between
        self._starts: list[int] = []      # first row of each drawn block
        self._tail: list[Line] = []       # the open block's last drawing, blank row first
        self._tail_at = -1                # the block index `_tail` depicts
        self._open_dirty = False
        self._tail_owed = False           # the open block's pieces moved on; its drawing did not
        self._fences: dict[int, FenceCache] = {}  # block index -> its long fence's pieces
        self._stale: _Picture | None = None  # the picture before a resize, until replaced
        self._drawer: Worker | None = None
        self._shown_at = 0.0
        self._frame_due: asyncio.TimerHandle | None = None
        self._strips: LRUCache[tuple[Line, int, int], Strip] = LRUCache(160)  # a few screens
        self._line_style = Style()
        self._md_console: Console | None = None
        self._theme_name = ""
        if text:
            self.append(text)

    @property
    def source(self) -> str:
        return "".join(self._parts)

    @property
    def drawing(self) -> bool:
        """Text arrived that is not on screen yet and will be (the widget has been laid out):
        not drawn yet, or drawn and waiting for its frame."""
        return bool(self._width) and self.is_attached and (
            self._behind() or self._frame_due is not None)

    def append(self, text: str) -> None:
        if not text:
            return
        self._parts.append(text)
        pieces = (self._partial + text).split("\n")
        self._partial = pieces.pop()
        if pieces:
            finished, self._open, self._in_fence = split_blocks(
                self._open, pieces, self._in_fence
            )
            self._done.extend("\n".join(block) for block in finished)
        self._open_dirty = True
        self._wake()

    # -- drawing in steps ------------------------------------------------------------------

    def _behind(self) -> bool:
        return self._open_dirty or len(self._starts) < len(self._done) or self._stale is not None

    def _wake(self) -> None:
        if self._drawer is None and self._width and self.is_attached and self._behind():
            self._drawer = self.run_worker(self._draw(), group="markdown-draw",
                                           description="draw streamed markdown")

    async def _draw(self) -> None:
        try:
            while self._behind():
                self._step(RENDER_BUDGET_S)
                self._show()
                await asyncio.sleep(0)
        finally:
            self._drawer = None
            if self.is_attached:  # (not when the worker ends because the widget went)
                self._show()

    def _show(self) -> None:
        """Lay out and paint what is drawn, at most once every FRAME_S: a frame costs about
        what a drawing step does, and text arriving 25 times a second needs no more."""
        wait = FRAME_S - (time.perf_counter() - self._shown_at)
        if wait <= 0:
            self._shown_at = time.perf_counter()
            self.refresh(layout=True)
        elif self._frame_due is None:  # (an asyncio timer: a Textual one that starts late by
            # more than its delay skips its only tick, and the frame would never come)
            self._frame_due = asyncio.get_running_loop().call_later(wait, self._show_due)

    def _show_due(self) -> None:
        self._frame_due = None
        if self.is_attached:
            self._show()

    def _step(self, budget: float) -> None:
        """Draw finished blocks in order, then the open block, until `budget` is spent."""
        deadline = time.perf_counter() + budget
        render = self._renderer(self._width)
        while len(self._starts) < len(self._done):
            if not self._draw_block(len(self._starts), render, deadline):
                return
            if time.perf_counter() > deadline:
                return
        if self._open_dirty:
            lines, whole = self._draw_open(render, deadline)
            tail = ([self._packer.blank(self._width)] if lines and self._done else []) + lines
            at = len(self._done)
            if not whole and (self._tail_at == at and len(tail) <= len(self._tail)):
                return  # the kept top is no more than what is shown: keep showing that
            self._tail, self._tail_at = tail, at
            if not whole:
                return
            self._open_dirty = False
        self._stale = None

    def _draw_block(self, index: int, render: Callable[[str], list[Line]],
                    deadline: float) -> bool:
        """Draw finished block `index`; False: a long fence in it is drawn only in part."""
        text = self._done[index]
        lines = text.split("\n")
        fence = self._fences.get(index) or FenceCache.first(lines, render)
        drawn = None
        if fence is not None:
            self._fences[index] = fence
            if not fence.settled(lines):  # keep pieces this step, the code after them next
                fence.advance(lines, deadline)
                return False
            drawn = fence.render(lines, "")
            del self._fences[index]
        if self._rows:
            self._rows.append(self._packer.blank(self._width))
        self._starts.append(len(self._rows))
        self._rows.extend(drawn or render(text))
        return True

    def _draw_open(self, render: Callable[[str], list[Line]],
                   deadline: float) -> tuple[list[Line], bool]:
        """The open block's lines, and whether they are all of it: a long fence is drawn a
        piece at a time, and while pieces wait only the kept ones (its top) are returned."""
        text = "\n".join([*self._open, self._partial]) if self._partial else "\n".join(self._open)
        if not text.strip():
            return [], True
        index = len(self._done)
        fence = self._fences.get(index)
        if fence is None and self._in_fence:
            fence = FenceCache.start(self._open, render)
        if fence is not None:
            self._fences[index] = fence  # kept when the block finishes: same index
            if not self._tail_owed and not fence.settled(self._open):
                # keep pieces this step; once they are all kept, the code after them next
                self._tail_owed = fence.advance(self._open, deadline)
                return list(fence.kept), False
            self._tail_owed = False
            lines = fence.render(self._open, self._partial)
            if lines is not None:
                return lines, True
        return render(text), True

    def _renderer(self, width: int) -> Callable[[str], list[Line]]:
        console = self._md_console
        if console is None or self._theme_name != self.app.theme:
            self._theme_name = self.app.theme
            console = self._md_console = Console(
                width=width, color_system="truecolor", force_terminal=True,
                theme=rich_theme(self.app.theme_variables), legacy_windows=False,
            )
        options = console.options.update(width=width, height=None)
        pack, adjust = self._packer.pack, Segment.adjust_line_length

        def render(text: str) -> list[Line]:
            lines = console.render_lines(_Blocks.markdown(text), options)
            return [pack(adjust(line, width)) for line in lines]

        return render

    def _redraw(self, width: int) -> None:
        """Draw everything again at `width`, showing the current picture until replaced."""
        if self._stale is None and self._width and (self._rows or self._tail):
            tail = self._tail if self._tail_at == len(self._starts) else []
            self._stale = _Picture(self._width, self._rows + tail, self._starts, len(self._rows))
        self._width = width
        self._rows, self._starts, self._tail, self._tail_at = [], [], [], -1
        self._fences = {}
        self._open_dirty, self._tail_owed = True, False

    # -- layout and painting ---------------------------------------------------------------

    def _tail_rows(self) -> tuple[list[Line], int, int]:
        """(rows, first, width) shown below the drawn finished blocks."""
        if self._stale is not None:
            first = self._stale.rows_from(len(self._starts))
            return self._stale.rows, first, self._stale.width
        if self._tail_at == len(self._starts):
            return self._tail, 0, self._width
        return self._tail, len(self._tail), self._width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        width = max(width, 1)
        if width != self._width:
            self._redraw(width)
        if self._drawer is None and self._behind():
            self._step(RENDER_BUDGET_S)  # a short text is on the first frame
            self._wake()
        rows, first, _ = self._tail_rows()
        return len(self._rows) + len(rows) - first

    def render_lines(self, crop: Region) -> list[Strip]:
        style = self.rich_style  # once a paint, not once a line (it walks the ancestors)
        if style != self._line_style:
            self._line_style = style
            self._strips.clear()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self.content_region.width or self.size.width
        if y < len(self._rows):
            return self._paint(self._rows[y], self._width, width)
        rows, first, drawn_at = self._tail_rows()
        at = first + y - len(self._rows)
        if at >= len(rows):
            return Strip.blank(width, self._line_style)
        return self._paint(rows[at], drawn_at, width)

    def _paint(self, line: Line, drawn_at: int, width: int) -> Strip:
        """The Strip of a drawn line; kept by line, so a frame builds Strips only for rows it
        has not painted yet (the open block's kept rows and equal rows included)."""
        key = (line, drawn_at, width)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._packer.strip(line, drawn_at)
            if drawn_at != width:  # painted before laid out at this width
                strip = strip.adjust_cell_length(width)
            strip = self._strips[key] = strip.apply_style(self._line_style)
        return strip

    def notify_style_update(self) -> None:
        """A theme change: draw again with the new colours (other style updates are free)."""
        super().notify_style_update()
        if self._md_console is not None and self._theme_name != self.app.theme:
            self._md_console = None
            if self._width:
                self._redraw(self._width)
            self.refresh(layout=True)
