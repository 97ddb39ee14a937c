"""The review pane: hosts the diff viewer (DiffView) for one chunk's change.

The DiffView's own messages (hunk accepted/rejected/commented, all accepted) bubble up to the
app, which turns them into engine calls. This pane only owns what is shown around the viewer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

if TYPE_CHECKING:
    from pairtui.diff.model import Patch
    from pairtui.ui.widgets.diff_view import DiffView


def patch_summary(patch: Patch) -> str:
    """`3 files · +12 −4` for headers and confirmations."""
    added = sum(h.added for f in patch.files for h in f.hunks)
    removed = sum(h.removed for f in patch.files for h in f.hunks)
    files = len(patch.files)
    return f"{files} file{'s' if files != 1 else ''} · +{added} −{removed}"


class ReviewPane(Vertical):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.chunk: int | None = None
        self.patch: Patch | None = None
        self._gone: dict[str, str] = {}  # saved marks of hunks no longer in the diff
        self._sent: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Static(
            Content.from_markup(
                "[$text-muted]The chunk's diff appears here when it is ready for review "
                "([b]d[/b] shows it any time).[/]"
            ),
            id="review-title",
        )

    class MarksChanged(Message):
        """The person's marks on the chunk's hunks changed: `marks` (hunk key -> state) is
        everything to keep for the chunk, marks of hunks already gone from the diff included."""

        def __init__(self, chunk: int, marks: dict[str, str]) -> None:
            super().__init__()
            self.chunk, self.marks = chunk, marks

    async def show(self, chunk: int, title: str, patch: Patch,
                   origins: Mapping[str | tuple[str, str], str] | None = None,
                   marks: Mapping[str, str] | None = None) -> None:
        """Replace the viewer with a fresh one on `patch`. `origins` names the tool calls behind
        each hunk, keyed by (path, hunk header) or path; `marks` are the marks saved by an
        earlier run (hunk key -> state): accepted hunks show as accepted again, and hunks
        rejected earlier (gone from the diff) are counted in the title."""
        from pairtui.agent.session_history import hunk_key

        self.chunk, self.patch = chunk, patch
        await self.query("#diff-review, #diff-empty").remove()
        keys = {hunk_key(f.path, h): (fi, hi) for fi, f in enumerate(patch.files)
                for hi, h in enumerate(f.hunks or (None,))}
        saved = dict(marks or {})
        self._sent = saved
        self._gone = {k: v for k, v in saved.items() if k not in keys}
        earlier = sum(1 for v in self._gone.values() if v in ("rejected", "partial"))
        self.query_one("#review-title", Static).update(self._title(chunk, title, patch, earlier))
        if not patch.files:
            await self.mount(Static("This chunk changed no files: enter lands nothing and moves on.",
                                    id="diff-empty"))
            return
        from pairtui.ui.widgets.diff_files import DiffReview  # loaded with the first review
        from pairtui.ui.widgets.diff_review import HunkState

        review = DiffReview(patch, origin=origins or None, id="diff-review", view_id="diff-view")
        await self.mount(review)
        restored = {ref: HunkState.ACCEPTED for key, ref in keys.items()
                    if saved.get(key) == "accepted"}
        if restored:
            review.view.restore_marks(restored)
        review.view.focus()

    @staticmethod
    def _title(chunk: int, title: str, patch: Patch, rejected_earlier: int) -> Content:
        earlier = (f" · {rejected_earlier} hunk{'s' if rejected_earlier != 1 else ''} "
                   "rejected earlier" if rejected_earlier else "")
        return Content.from_markup(
            "[b]Chunk $n[/b] [$text-muted]· $summary$earlier ·[/] $title",
            n=str(chunk), title=title, summary=patch_summary(patch), earlier=earlier,
        )

    def on_diff_view_review_changed(self, message: DiffView.ReviewChanged) -> None:
        """Carry the marks up for the engine to keep (they survive quit and reopen)."""
        from pairtui.agent.session_history import hunk_key

        if self.chunk is None:
            return
        view = message.diff_view
        marks = dict(self._gone)
        for ref in view.book.refs:
            state = view.state_of(ref)
            if state.value != "pending":
                f = view.patch.files[ref[0]]
                hunk = f.hunks[ref[1]] if ref[1] < len(f.hunks) else None
                marks[hunk_key(f.path, hunk)] = state.value
        if marks != self._sent:
            self._sent = marks
            self.post_message(self.MarksChanged(self.chunk, marks))
