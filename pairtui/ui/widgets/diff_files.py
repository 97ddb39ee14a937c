"""The file list beside the DiffView, and DiffReview: the two composed, ready to host.

The list shows each file's +/- counts and review state, follows the view's current file, and
jumps the view to a file when one is chosen. All review messages come from the DiffView inside
and bubble up unchanged, so a host of DiffReview handles exactly the DiffView's messages.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.events import Resize
from textual.widgets import OptionList

from pairtui.diff.model import Patch

from .diff_review import HunkState, ReviewBook
from .diff_view import DiffView, Origin

FILE_LIST_MIN_WIDTH = 100  # below this the list hides itself (f shows it again)


def file_state_glyph(book: ReviewBook, fi: int) -> tuple[str, str]:
    """(glyph, theme colour variable) summarising the review state of a file's hunks."""
    states = [book.state(r) for r in book.refs if r[0] == fi]
    if all(s is HunkState.PENDING for s in states):
        return "○", "$text-muted"
    if any(s is HunkState.PENDING for s in states):
        return "◐", "$text-accent"
    if all(s is HunkState.REJECTED for s in states):
        return "✗", "$text-error"
    if any(s is HunkState.COMMENTED for s in states):
        return "✎", "$text-warning"
    return "✓", "$text-success"


def fit_path(path: str, room: int) -> str:
    """`path` in at most `room` cells, cut from the left ("…/completion.py"): the file's own
    name is what tells files apart, and the view's header shows the whole path."""
    if cell_len(path) <= room:
        return path
    kept = path
    while kept and cell_len(kept) > room - 1:
        kept = kept[1:]
    return "…" + kept


class DiffFileList(OptionList):
    """One line per file: state glyph, path, +added −removed (a long path is cut from the
    left so the line never wraps)."""

    DEFAULT_CSS = """
    DiffFileList { width: 30; height: 1fr; border: none; border-right: vkey $panel-lighten-1;
                   background: $surface; padding: 0; }
    DiffFileList > .option-list--option-highlighted { background: $accent 35%; }
    """
    DEFAULT_WIDTH = 28  # the content width its CSS gives, before the first layout
    _book: ReviewBook | None = None

    def show(self, book: ReviewBook) -> None:
        self._book = book
        room = self.scrollable_content_region.width or self.DEFAULT_WIDTH
        prompts = [self._prompt(book, fi, room) for fi in range(len(book.patch.files))]
        if self.option_count != len(prompts):
            highlighted = self.highlighted
            self.set_options(prompts)
            self.highlighted = highlighted
        else:
            for i, prompt in enumerate(prompts):
                self.replace_option_prompt_at_index(i, prompt)

    def on_resize(self, _event: Resize) -> None:
        if self._book is not None:  # the room for paths changed (a scrollbar, a new width)
            self.show(self._book)

    @staticmethod
    def _prompt(book: ReviewBook, fi: int, room: int) -> Content:
        f = book.patch.files[fi]
        glyph, colour = file_state_glyph(book, fi)
        counts = "binary" if f.is_binary else f"+{f.added} −{f.removed}"
        path = fit_path(f.path, max(room - 3 - len(counts), 8))
        return Content.assemble((glyph + " ", colour), path + " ", (counts, "$text-muted"))


class DiffReview(Horizontal):
    """A DiffFileList beside a DiffView; `f` shows or hides the list."""

    DEFAULT_CSS = """
    DiffReview { height: 1fr; }
    DiffReview > DiffView { width: 1fr; }
    DiffReview.-no-files > DiffFileList { display: none; }
    """
    BINDINGS = [Binding("f", "toggle_files", "Files", show=False)]

    def __init__(self, patch: Patch, *, origin: Origin = None, id: str | None = None,
                 view_id: str | None = None) -> None:
        super().__init__(id=id)
        self._patch = patch
        self._origin = origin
        self._view_id = view_id
        self._files_forced: bool | None = None
        self._shown: tuple[int, int] | None = None  # (id of book, its version) last listed

    @property
    def view(self) -> DiffView:
        return self.query_one(DiffView)

    def compose(self) -> ComposeResult:
        yield DiffFileList()
        yield DiffView(self._patch, origin=self._origin, id=self._view_id)

    def on_mount(self) -> None:
        self._sync()
        self.view.focus()

    def on_resize(self, event: Resize) -> None:
        if self._files_forced is None:
            self.set_class(event.size.width < FILE_LIST_MIN_WIDTH, "-no-files")

    def action_toggle_files(self) -> None:
        self._files_forced = self.has_class("-no-files")
        self.set_class(not self._files_forced, "-no-files")

    def on_diff_view_review_changed(self, message: DiffView.ReviewChanged) -> None:
        self._sync()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.view.goto_file(event.option_index)
        self.view.focus()

    def _sync(self) -> None:
        files = self.query_one(DiffFileList)
        view = self.view
        shown = (id(view.book), view.book.version)
        if shown != self._shown:
            files.show(view.book)
            self._shown = shown
        if view.cursor.ref is not None and files.highlighted != view.cursor.ref[0]:
            files.highlighted = view.cursor.ref[0]
