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
from textual.events import Click, Resize
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from pairtui.diff.model import FileDiff, Hunk, Patch
from pairtui.diff.select import split_hunk

from .diff_comment import CommentPrompt
from .diff_highlight import SyntaxCache, token_styles
from .diff_layout import Layout, Ref
from .diff_paint import wrapped_height
from .diff_review import HunkState, ReviewAction, ReviewBook, changed_indexes
from .diff_rows import Cursor, RowPainter

SPLIT_MIN_WIDTH = 120
Origin = Callable[[str], str] | Mapping[str, str] | None

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


class DiffView(ScrollView, can_focus=True):
    """Review a Patch hunk by hunk. See BINDINGS for keys; messages are nested classes."""

    COMPONENT_CLASSES = {f"diff-view--{key}" for key in _STYLE_KEYS}

    DEFAULT_CSS = """
    DiffView { background: $surface; }
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
        Binding("S", "split_hunk", "Split"),
        Binding("l", "line_mode", "Lines"),
        Binding("space", "mark_line", "Mark line", show=False),
        Binding("c", "comment", "Comment"),
        Binding("A", "accept_all", "Accept rest"),
        Binding("z", "undo", "Undo"),
        Binding("n", "next_hunk", "Next hunk"),
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
        if isinstance(origin, Mapping):
            labels = dict(origin)
            self._origin: Callable[[str], str] | None = lambda path: labels.get(path, "")
        else:
            self._origin = origin
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
        if not self.wrap:
            return None
        painter_cw = RowPainter(Layout(self.patch, split=self.is_split), self.book, {}, {},
                                self._syntax, None).column_width(self._width)
        if self.is_split:
            return lambda row: max(wrapped_height(row.old, painter_cw),
                                   wrapped_height(row.new, painter_cw))
        return lambda line: wrapped_height(line, painter_cw)

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
        width = self.scrollable_content_region.width
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

    # -- navigation -----------------------------------------------------------------------
    def _step(self, delta: int, same_file: bool = False) -> None:
        refs = self.book.refs
        if not refs or self.cursor.ref is None:
            return
        i = refs.index(self.cursor.ref) if self.cursor.ref in refs else 0
        if same_file:
            files = sorted({r[0] for r in refs})
            fi = files.index(refs[i][0]) + delta
            if 0 <= fi < len(files):
                self.goto_file(files[fi])
            return
        if 0 <= i + delta < len(refs):
            self.goto_hunk(refs[i + delta])

    def action_next_hunk(self) -> None:
        self._step(1)

    def action_prev_hunk(self) -> None:
        self._step(-1)

    def action_next_file(self) -> None:
        self._step(1, same_file=True)

    def action_prev_file(self) -> None:
        self._step(-1, same_file=True)

    def action_toggle_split(self) -> None:
        self.split_mode = not self.is_split

    def action_toggle_wrap(self) -> None:
        self.wrap = not self.wrap

    def action_expand(self) -> None:
        """Open every fold of the current hunk."""
        ref = self.cursor.ref
        if ref is None:
            return
        keys = {self.layout.fold_at(b.start) for b in self.layout.blocks
                if (b.file, b.hunk) == ref}
        keys.discard(None)
        if keys:
            self._expanded = self._expanded | frozenset(keys)  # type: ignore[arg-type]
            self._relayout()

    def on_click(self, event: Click) -> None:
        row = int(self.scroll_offset.y) + event.y
        if 0 <= row < self.layout.height:
            key = self.layout.fold_at(row)
            if key is not None:
                self._expanded = self._expanded | {key}
                self._relayout()
                return
            ref = self.layout.ref_at(row)
            if ref is not None and ref != self.cursor.ref:
                self.cursor = Cursor(ref=ref)
                self._changed()

    def action_cursor_down(self) -> None:
        self._move_line(1) if self.line_mode else self.scroll_down(animate=False)

    def action_cursor_up(self) -> None:
        self._move_line(-1) if self.line_mode else self.scroll_up(animate=False)

    # -- line mode ------------------------------------------------------------------------
    def _current_hunk(self) -> Hunk | None:
        return self.book.hunk(self.cursor.ref) if self.cursor.ref is not None else None

    def action_line_mode(self) -> None:
        hunk = self._current_hunk()
        if self.line_mode or hunk is None:
            self.line_mode = False
            return
        if self.state_of(self.cursor.ref) not in (HunkState.PENDING, HunkState.COMMENTED):
            self.notify("Lines can be chosen only in a pending hunk (z undoes).", severity="warning")
            return
        self.line_mode = True
        self.cursor.line = changed_indexes(hunk)[0]
        self._show_line()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave_line_mode":
            return self.line_mode  # otherwise Esc belongs to the host (e.g. quit)
        return True

    def action_leave_line_mode(self) -> None:
        self.line_mode = False

    def action_mark_line(self) -> None:
        if not self.line_mode:
            self.action_line_mode()
            if not self.line_mode:
                return
        line = self.cursor.line
        if line is not None:
            self.cursor.marks.symmetric_difference_update({line})
            self._move_line(1)
        self._changed()

    def _move_line(self, delta: int) -> None:
        hunk = self._current_hunk()
        if hunk is None or self.cursor.line is None:
            return
        changed = changed_indexes(hunk)
        i = changed.index(self.cursor.line) + delta
        if 0 <= i < len(changed):
            self.cursor.line = changed[i]
            self._show_line()
        self._changed()

    def _show_line(self) -> None:
        if self.cursor.ref is None or self.cursor.line is None:
            return
        hunk = self._current_hunk()
        assert hunk is not None
        target = hunk.lines[self.cursor.line]
        for i, item in enumerate(self.layout.items(self.cursor.ref)):
            if item is target or getattr(item, "old", None) is target or getattr(
                    item, "new", None) is target:
                row = self.layout.item_row(self.cursor.ref, i)
                if row is not None:
                    self.scroll_to_region_row(row)
                return

    def scroll_to_region_row(self, row: int) -> None:
        top, height = int(self.scroll_offset.y), self.scrollable_content_region.height
        if row < top or row >= top + height:
            self.scroll_to(y=max(row - height // 2, 0), animate=False, immediate=True)

    # -- review actions -------------------------------------------------------------------
    def _file(self, ref: Ref) -> FileDiff:
        return self.patch.files[ref[0]]

    def _decidable(self, ref: Ref | None, allowed: tuple[HunkState, ...]) -> bool:
        if ref is None:
            return False
        if self.state_of(ref) not in allowed:
            self.notify(f"This hunk is already {self.state_of(ref).value}; z undoes the last step.",
                        severity="warning")
            return False
        return True

    def action_accept(self) -> None:
        ref = self.cursor.ref
        if not self._decidable(ref, (HunkState.PENDING, HunkState.COMMENTED, HunkState.ACCEPTED)):
            return
        assert ref is not None
        hunk = self._current_hunk()
        if self.line_mode and self.cursor.marks and hunk is not None:
            unmarked = frozenset(changed_indexes(hunk)) - self.cursor.marks
            if unmarked:
                self._reject_lines(ref, unmarked)
                return
        self.book.accept(ref)
        self.post_message(self.HunkAccepted(self, ref, self._file(ref), hunk))
        self._advance()

    def action_reject(self) -> None:
        ref = self.cursor.ref
        if not self._decidable(ref, (HunkState.PENDING, HunkState.COMMENTED, HunkState.ACCEPTED)):
            return
        assert ref is not None
        hunk = self._current_hunk()
        if self.line_mode and self.cursor.marks and hunk is not None:
            if self.cursor.marks != set(changed_indexes(hunk)):
                self._reject_lines(ref, frozenset(self.cursor.marks))
                return
        action = self.book.reject(ref)
        self.post_message(self.HunkRejected(self, ref, self._file(ref), action.hunk, None, action))
        self._advance()

    def _reject_lines(self, ref: Ref, lines: frozenset[int]) -> None:
        action = self.book.reject_lines(ref, lines)
        self.post_message(self.HunkRejected(self, ref, self._file(ref), action.hunk, lines, action))
        self._advance()

    def _advance(self) -> None:
        """After a decision: leave line mode and move to the next pending hunk, if any."""
        self.line_mode = False
        refs = self.book.refs
        if self.cursor.ref in refs:
            i = refs.index(self.cursor.ref)
            for ref in refs[i + 1:] + refs[:i]:
                if self.state_of(ref) is HunkState.PENDING:
                    self.goto_hunk(ref)
                    return
        self._changed()

    def action_split_hunk(self) -> None:
        ref = self.cursor.ref
        hunk = self._current_hunk()
        if ref is None or hunk is None or not self._decidable(ref, (HunkState.PENDING,)):
            return
        parts = tuple(split_hunk(hunk))
        if len(parts) < 2:
            self.notify("This hunk has no unchanged line to split at.", severity="warning")
            return
        self.line_mode = False
        self.book.split(ref, parts)
        self._relayout()
        self.post_message(self.HunkSplit(self, ref, self._file(ref), parts))
        self.goto_hunk(ref)

    def action_comment(self) -> None:
        ref = self.cursor.ref
        if ref is None:
            return
        hunk = self._current_hunk()
        title = f"Comment on {self._file(ref).path} {hunk.header if hunk else ''}".strip()

        def done(text: str | None) -> None:
            if text and text.strip() and ref in self.book.refs:
                self.book.comment(ref, text.strip())
                self.post_message(self.CommentRequested(self, ref, self._file(ref), hunk,
                                                        text.strip()))
                self._advance()

        self.app.push_screen(CommentPrompt(title), done)

    def action_accept_all(self) -> None:
        action = self.book.accept_all()
        self.post_message(self.AllAccepted(self, action.refs))
        self.line_mode = False
        self._changed()

    def action_undo(self) -> None:
        action = self.book.undo()
        if action is None:
            self.notify("Nothing to undo.")
            return
        ref = action.refs[0] if action.refs else None
        file = self._file(ref) if ref is not None else None
        if action.kind == "split":
            self._relayout()
        self.post_message(self.Undone(self, action, file))
        self.line_mode = False
        if ref is not None:
            self.goto_hunk(ref)
        self._changed()
