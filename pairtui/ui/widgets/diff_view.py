"""DiffView: hunk-by-hunk review of a Patch, side by side or unified, drawn through the Line API.

Only rows on screen are painted (render_line); the layout is a list of blocks with precomputed
rows, so jumping to a hunk or file is a lookup. Syntax colours are lexed per hunk in a thread,
intraline word spans per painted line. The widget never touches files: each review step posts a
message (nested classes below) and updates its own visible state; the host does the file work.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from rich.style import Style
from textual import work
from textual.binding import Binding
from textual.cache import LRUCache
from textual.events import Resize
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from pairtui.diff.model import DiffLine, FileDiff, Hunk, Patch, Row

from .diff_actions import DiffViewActions
from .diff_highlight import SyntaxCache, token_styles
from .diff_layout import Layout, Ref
from .diff_paint import wrapped_height
from .diff_review import HunkState, ReviewAction, ReviewBook
from .diff_rows import Cursor, RowPainter, column_width, number_width

SPLIT_MIN_WIDTH = 120
Origin = Callable[[str], str] | Mapping[str | tuple[str, str], str] | None
"""Who wrote a change, for hunk headers: a function of the path, or a mapping keyed by
(path, hunk header) with the path alone as the fallback (for hunks split or not traced)."""
HunkOrigin = Callable[[str, Hunk | None], str]


def _hunk_origin(origin: Origin) -> HunkOrigin | None:
    if origin is None:
        return None
    if isinstance(origin, Mapping):
        labels = dict(origin)
        return lambda path, hunk: labels.get((path, hunk.header) if hunk else path) or labels.get(
            path, "")
    by_path = origin
    return lambda path, hunk: by_path(path)

_STYLE_KEYS = (
    "added", "removed", "added-word", "removed-word", "context", "filler", "number",
    "number-added", "number-removed", "marker", "file", "hunk", "hunk-current", "gap", "fold",
    "accepted", "rejected", "rejected-badge", "commented", "cursor", "marked", "bar",
    "bar-current", "separator", "moved",
)


class _DiffMessage(Message):
    def __init__(self, view: DiffView, ref: Ref) -> None:
        super().__init__()
        self.diff_view = view
        self.ref = ref

    @property
    def control(self) -> DiffView:
        return self.diff_view


class DiffView(DiffViewActions, ScrollView, can_focus=True):
    """Review a Patch hunk by hunk. See BINDINGS for keys; messages are nested classes."""

    COMPONENT_CLASSES = {f"diff-view--{key}" for key in _STYLE_KEYS}

    DEFAULT_CSS = """
    DiffView { background: $surface; overflow-x: hidden; }  /* lines are cut or wrapped */
    DiffView > .diff-view--context { color: $foreground; }
    DiffView > .diff-view--added { background: $success 14%; }
    DiffView > .diff-view--removed { background: $error 14%; }
    DiffView > .diff-view--moved { background: $primary 22%; }
    DiffView > .diff-view--added-word { background: $success 42%; }
    DiffView > .diff-view--removed-word { background: $error 42%; }
    DiffView > .diff-view--filler { background: $panel-darken-1; }
    DiffView > .diff-view--number { color: $text-muted; }
    DiffView > .diff-view--number-added { color: $text-success; background: $success 14%; }
    DiffView > .diff-view--number-removed { color: $text-error; background: $error 14%; }
    DiffView > .diff-view--marker { color: $text-disabled; }
    DiffView > .diff-view--file { background: $panel; color: $text; text-style: bold; }
    DiffView > .diff-view--hunk { background: $boost; color: $text-muted; }
    DiffView > .diff-view--hunk-current { background: $accent 35%; color: $text; }
    DiffView > .diff-view--gap { color: $text-muted; }
    DiffView > .diff-view--fold { color: $text-accent; background: $boost; }
    DiffView > .diff-view--accepted { color: $text-success; text-style: bold; }
    DiffView > .diff-view--rejected { color: $text-disabled; text-style: strike; }
    DiffView > .diff-view--rejected-badge { color: $text-error; text-style: bold; }
    DiffView > .diff-view--commented { color: $text-warning; text-style: bold; }
    DiffView > .diff-view--cursor { background: $accent 50%; }
    DiffView > .diff-view--marked { color: $text-accent; text-style: bold; }
    DiffView > .diff-view--bar { color: $surface; }
    DiffView > .diff-view--bar-current { color: $accent; }
    DiffView > .diff-view--separator { color: $panel-lighten-2; }
    """

    BINDINGS = [
        Binding("a", "accept", "Accept"),
        Binding("x", "reject", "Reject"),
        Binding("S", "split_hunk", "Split", show=False),
        Binding("l", "line_mode", "Lines", show=False),
        Binding("space", "mark_line", "Mark line", show=False),
        Binding("c", "comment", "Comment"),
        Binding("o", "edit_file", "Edit file", show=False),
        Binding("A", "accept_all", "All"),
        Binding("z", "undo", "Undo"),
        Binding("n", "next_hunk", "Next"),
        Binding("p", "prev_hunk", "Prev hunk", show=False),
        Binding("right_square_bracket", "next_file", "Next file", show=False),
        Binding("left_square_bracket", "prev_file", "Prev file", show=False),
        Binding("s", "toggle_split", "Split/unified", show=False),
        Binding("w", "toggle_wrap", "Wrap", show=False),
        Binding("e", "expand", "Expand", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("escape", "leave_line_mode", "Leave line mode", show=False),
    ]

    class HunkAccepted(_DiffMessage):
        """A hunk was accepted (kept as it is). `hunk` is the whole hunk."""

        def __init__(self, view: DiffView, ref: Ref, file: FileDiff, hunk: Hunk | None) -> None:
            super().__init__(view, ref)
            self.file, self.hunk = file, hunk

    class HunkRejected(_DiffMessage):
        """Changes were rejected: reverse-apply `hunk` (in `file`) to the new side to drop them.
        `lines` is None for the whole hunk, else the indexes (in the original hunk's lines) of
        the rejected lines; `hunk` is then only those changes."""

        def __init__(self, view: DiffView, ref: Ref, file: FileDiff, hunk: Hunk | None,
                     lines: frozenset[int] | None, action: ReviewAction) -> None:
            super().__init__(view, ref)
            self.file, self.hunk, self.lines, self.action = file, hunk, lines, action

    class HunkSplit(_DiffMessage):
        """The hunk at `ref` was replaced by `parts` (refs of later hunks in the file shifted)."""

        def __init__(self, view: DiffView, ref: Ref, file: FileDiff, parts: tuple[Hunk, ...]):
            super().__init__(view, ref)
            self.file, self.parts = file, parts

    class CommentRequested(_DiffMessage):
        """The person wants `hunk` revised: `text` says how."""

        def __init__(self, view: DiffView, ref: Ref, file: FileDiff, hunk: Hunk | None,
                     text: str) -> None:
            super().__init__(view, ref)
            self.file, self.hunk, self.text = file, hunk, text

    class EditRequested(_DiffMessage):
        """The person wants to change `file` by hand at its new-side `line` (1-based). A host
        whose change is in the working tree opens an editor there and reads the diff again."""

        def __init__(self, view: DiffView, ref: Ref, file: FileDiff, line: int) -> None:
            super().__init__(view, ref)
            self.file, self.line = file, line

    class AllAccepted(_DiffMessage):
        """Every pending hunk was accepted; `refs` are the ones that were pending."""

        def __init__(self, view: DiffView, refs: tuple[Ref, ...]) -> None:
            super().__init__(view, refs[0] if refs else (0, 0))
            self.refs = refs

    class Undone(_DiffMessage):
        """The last review action was undone. For "reject"/"partial", re-apply `action.hunk`
        forward in `file` to restore what the reject removed."""

        def __init__(self, view: DiffView, action: ReviewAction, file: FileDiff | None) -> None:
            super().__init__(view, action.refs[0] if action.refs else (0, 0))
            self.action, self.file = action, file

    class ReviewChanged(Message):
        """Any change of review state or of the current hunk (for file lists, footers)."""

        def __init__(self, view: DiffView) -> None:
            super().__init__()
            self.diff_view = view

        @property
        def control(self) -> DiffView:
            return self.diff_view

    split_mode: reactive[bool | None] = reactive(None, init=False)
    """True side by side, False unified, None: automatic by width."""
    wrap: reactive[bool] = reactive(False, init=False)
    line_mode: reactive[bool] = reactive(False, init=False)

    def __init__(self, patch: Patch, *, origin: Origin = None, name: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.book = ReviewBook(patch)
        self._origin = _hunk_origin(origin)
        self.cursor = Cursor(ref=self.book.refs[0] if self.book.refs else None)
        self._expanded: frozenset[tuple[int, int, int]] = frozenset()
        self._syntax = SyntaxCache()
        self._lexing = False
        self._strips: LRUCache[int, Strip] = LRUCache(512)
        self._styles: dict[str, Style] | None = None
        self._tokens: dict | None = None
        self._layout: Layout | None = None
        self._painter: RowPainter | None = None
        self._width = 0

    # -- public state ---------------------------------------------------------------------
    @property
    def patch(self) -> Patch:
        """The patch under review, with any splits applied (refs in messages index into it)."""
        return self.book.patch

    @property
    def is_split(self) -> bool:
        if self.split_mode is not None:
            return self.split_mode
        return self._width >= SPLIT_MIN_WIDTH

    @property
    def layout(self) -> Layout:
        if self._layout is None:
            self._relayout()
        assert self._layout is not None
        return self._layout

    @property
    def highlight_pending(self) -> bool:
        """True while syntax colours for hunks on screen are still being computed."""
        return self._lexing or self._syntax.pending

    def state_of(self, ref: Ref) -> HunkState:
        return self.book.state(ref)

    def load(self, patch: Patch) -> None:
        """Show a new patch (e.g. a revision after a comment); review state starts afresh."""
        self.book = ReviewBook(patch)
        self.cursor = Cursor(ref=self.book.refs[0] if self.book.refs else None)
        self._expanded = frozenset()
        self._relayout()
        self.scroll_to(y=0, animate=False)
        self._changed()

    def goto_hunk(self, ref: Ref) -> None:
        """Make `ref` the current hunk and bring its header to the top of the view."""
        if ref not in self.layout.hunk_rows:
            return
        self.cursor = Cursor(ref=ref)
        self.line_mode = False
        self.scroll_to(y=max(self.layout.hunk_rows[ref] - 1, 0), animate=False, immediate=True)
        self._changed()

    def restore_marks(self, states: dict[Ref, HunkState]) -> None:
        """Show the marks an earlier run saved; the cursor moves to the first pending hunk."""
        self.book.restore(states)
        pending = [r for r in self.book.refs if self.state_of(r) is HunkState.PENDING]
        if pending and self.cursor.ref not in pending:
            self.goto_hunk(pending[0])
        self._changed()

    def take_back(self, action: ReviewAction) -> None:
        """Undo one step the host could not carry out (say, a reject whose patch no longer
        applies), without posting Undone: the screen goes back to match the disk."""
        if self.book.forget(action):
            self._changed()

    def goto_file(self, index: int) -> None:
        refs = [r for r in self.book.refs if r[0] == index]
        if refs:
            self.goto_hunk(refs[0])
            self.scroll_to(y=self.layout.file_rows[index], animate=False, immediate=True)

    # -- layout and painting --------------------------------------------------------------
    def _measure(self) -> Callable | None:
        """Rows per item when wrapping (None: one row each, long lines cut)."""
        if not self.wrap:
            return None
        nw = number_width(self.patch)
        side, whole = column_width(self._width, True, nw), column_width(self._width, False, nw)

        def rows(item: Row | DiffLine) -> int:  # added/deleted files are unified even when split
            if isinstance(item, Row):
                return max(wrapped_height(item.old, side), wrapped_height(item.new, side))
            return wrapped_height(item, whole)
        return rows

    def _relayout(self) -> None:
        self._layout = Layout(self.patch, split=self.is_split, expanded=self._expanded,
                              measure=self._measure())
        self._painter = None
        self._strips.clear()
        self.virtual_size = Size(self._width, self._layout.height)
        self.refresh()

    def _get_painter(self) -> RowPainter:
        if self._painter is None:
            if self._styles is None:
                self._styles = {k: self.get_component_rich_style(f"diff-view--{k}")
                                for k in _STYLE_KEYS}
            if self._tokens is None and self._syntax.has_results:  # e.g. after a theme change
                self._tokens = token_styles(self.app.theme_variables)
            self._painter = RowPainter(self.layout, self.book, self._styles, self._tokens or {},
                                       self._syntax, self._origin)
        return self._painter

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None
        self._tokens = None
        self._painter = None
        self._strips.clear()

    def on_resize(self, event: Resize) -> None:
        self._fit_width(self.scrollable_content_region.width)

    def _fit_width(self, width: int) -> None:
        """Re-lay the rows for a new width (split or unified is chosen by width)."""
        if width != self._width:
            was_split = self.is_split
            self._width = width
            if self._layout is None or was_split != self.is_split or self.wrap:
                self._relayout()
            self.virtual_size = Size(width, self.layout.height)
            self._strips.clear()

    def render_line(self, y: int) -> Strip:
        row = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if width != self._width and width > 0:
            # The width being painted is the truth: a Resize can be handled against a region
            # that a later layout (a pane shown or hidden) has since changed.
            self._fit_width(width)
        if row >= self.layout.height or width <= 0:
            return Strip.blank(width, self.rich_style)
        strip = self._strips.get(row)
        if strip is None or strip.cell_length != width:
            strip = self._get_painter().row(row, width, self.cursor, self.wrap)
            self._strips[row] = strip
        if self._syntax.pending and not self._lexing:
            self._lexing = True
            self._lex()
        return strip

    @work(thread=True, group="diff-view-syntax", exit_on_error=False)
    def _lex(self) -> None:
        while self._syntax.drain():
            self.app.call_from_thread(self._syntax_ready)
        self.app.call_from_thread(self._lex_done)

    def _syntax_ready(self) -> None:
        if self._tokens is None:
            self._tokens = token_styles(self.app.theme_variables)
            self._painter = None
        self._strips.clear()
        self.refresh()

    def _lex_done(self) -> None:
        self._lexing = False
        if self._syntax.pending:
            self._lexing = True
            self._lex()

    def _changed(self) -> None:
        self._strips.clear()
        self.refresh()
        self.refresh_bindings()  # the footer follows what is possible on the current hunk
        self.post_message(self.ReviewChanged(self))

    # -- watchers -------------------------------------------------------------------------
    def watch_split_mode(self) -> None:
        self._keep_current_in_view(self._relayout)

    def watch_wrap(self) -> None:
        self._keep_current_in_view(self._relayout)

    def watch_line_mode(self, on: bool) -> None:
        if not on:
            self.cursor.line = None
            self.cursor.marks.clear()
        self._changed()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        ref = self.cursor.ref
        if ref is None or self._layout is None or self.line_mode:
            return
        if ref not in self._layout.hunk_rows:
            return
        top, bottom = int(new), int(new) + self.scrollable_content_region.height
        start, end = self.layout.hunk_rows[ref], self.layout.hunk_end(ref)
        if end <= top or start >= bottom:
            visible = self.layout.ref_at(top + 1)
            if visible is not None and visible != ref:
                self.cursor = Cursor(ref=visible)
                self._changed()

    def _keep_current_in_view(self, change: Callable[[], None]) -> None:
        ref = self.cursor.ref
        change()
        if ref is not None and ref in self.layout.hunk_rows:
            self.scroll_to(y=max(self.layout.hunk_rows[ref] - 1, 0), animate=False)
