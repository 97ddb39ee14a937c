"""`pairtui review` interactive: a small app hosting DiffReview and doing the file work.

Source "worktree": the diff is the working tree's own change, so a rejected hunk is
reverse-applied at once (all-or-nothing, through the diff engine) and undo re-applies it.
Source "applied" (a rev range the working tree already holds) is reviewed the same way as
"worktree": keep or drop, a rejected hunk reverse-applied at once; its title and first notice
say so. Source "patch"/"revs": nothing touches the tree until the person finishes with `q`; then the
accepted hunks are applied in one all-or-nothing step. Esc or ctrl+c leaves without applying.
Given `hunk_labels` (a range of pairtui chunk commits: the chunk each hunk came from), a line
under the title names the current hunk's.
File work runs in a thread worker, one step at a time; a step that fails is shown as a
notification and its review step is taken back, so what the screen says matches the disk.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

from pairtui.core.words import count
from pairtui.diff.model import Hunk, Patch
from pairtui.diff.select import single_hunk_patch
from pairtui.errors import PairtuiError
from pairtui.ui.widgets.diff_files import DiffReview
from pairtui.ui.widgets.diff_review import HunkState, ReviewAction
from pairtui.ui.widgets.diff_view import DiffView

Source = Literal["worktree", "patch", "revs", "applied"]
LIVE = ("worktree", "applied")  # the change is in the tree already: a reject writes at once
Checkpoint = Callable[[], "str | None"]  # takes a save point, returns its id (for the summary)


class ReviewApp(App[int]):
    """Hosts one review; `summary` holds the line printed when it ends."""

    TITLE = "pairtui review"
    CSS = """
    #review-title { height: 1; background: $panel; color: $text; padding: 0 1; }
    #review-chunk { height: 1; background: $panel; color: $text-muted; padding: 0 1; }
    """
    BINDINGS = [
        Binding("q", "finish", "Finish"),
        Binding("escape", "leave", "Quit"),
        Binding("ctrl+c", "leave", "Quit", show=False, priority=True),
    ]

    def __init__(self, repo_root: Path, patch: Patch, source: Source,
                 checkpoint: Checkpoint | None = None, hunk_labels: list[str] | None = None,
                 reload: Callable[[], Patch] | None = None) -> None:
        super().__init__()
        self._reload = reload  # reads the working tree's diff again (after an edit by hand)
        self._before_edit = 0  # hunks rejected before the last edit (gone from the new diff)
        self._labels = hunk_labels or []
        self._refs = patch.hunk_refs()
        self.repo_root = Path(repo_root)
        self.source = source
        self._patch = patch
        self._disk = threading.Lock()
        self._checkpoint = checkpoint
        self.checkpoint_id: str | None = None
        self._checkpointed = False
        self.summary = ""
        self.comments: list[str] = []

    @property
    def view(self) -> DiffView:
        return self.query_one(DiffView)

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="review-title")
        if self._labels:
            yield Static(self._chunk_line(self._refs[0] if self._refs else None, None),
                         id="review-chunk")
        yield DiffReview(self._patch)
        yield Footer()

    def _title(self) -> str:
        files = len(self._patch.files)
        hunks = len(self._patch.hunk_refs())
        how = ("x reverts a hunk in the tree at once" if self.source in LIVE
               else "q applies what you accepted, esc quits")
        what = ("keep/drop (the range is already in the working tree)" if self.source == "applied"
                else self.source)
        return f"review {what} · {count(files, 'file')} · {count(hunks, 'hunk')} · {how}"

    def on_mount(self) -> None:
        if self.source == "applied":
            self.notify("This range is already in your working tree: accepting keeps a hunk, "
                        "x takes it out (reverse-applied at once).", title="Keep/drop review",
                        timeout=8)

    def _chunk_line(self, ref: tuple[int, int] | None, hunk: Hunk | None) -> str:
        """"hunk N/M from chunk 2/3 <title>" for the hunk at `ref` (numbered as the patch was
        read, which a split keeps)."""
        if ref is None:
            return ""
        number = hunk.number if hunk is not None and hunk.number else (
            self._refs.index(ref) + 1 if ref in self._refs else 0)
        label = self._labels[number - 1] if 0 < number <= len(self._labels) else ""
        return f"hunk {number}/{len(self._refs)} from {label or 'no chunk of this range'}"

    # -- messages from the view --------------------------------------------------------------
    def on_diff_view_review_changed(self, message: DiffView.ReviewChanged) -> None:
        if self._labels:
            ref = self.view.cursor.ref
            hunk = self.view.book.hunk(ref) if ref is not None else None
            self.query_one("#review-chunk", Static).update(self._chunk_line(ref, hunk))

    def on_diff_view_hunk_rejected(self, message: DiffView.HunkRejected) -> None:
        if self.source in LIVE:
            self._apply(single_hunk_patch(message.file, message.hunk), True, message.action)

    def on_diff_view_undone(self, message: DiffView.Undone) -> None:
        action = message.action
        if self.source in LIVE and action.kind in ("reject", "partial") and message.file:
            self._apply(single_hunk_patch(message.file, action.hunk), False, None)

    def on_diff_view_comment_requested(self, message: DiffView.CommentRequested) -> None:
        where = message.hunk.header if message.hunk is not None else "(whole file)"
        self.notify(f"Comment noted for {message.file.path}; it goes into the summary.")
        self.comments.append(f"{message.file.path} {where}: {message.text}")

    def on_diff_view_edit_requested(self, message: DiffView.EditRequested) -> None:
        """`o`: fix the file by hand in the person's editor, then read the diff again. Hunks
        the edit left alone keep their marks; steps before the edit can no longer be undone."""
        from pairtui.ui.editor import not_editable, run_editor

        if self._reload is None:
            problem = ("This range is already in your tree: edit the files in your editor, then "
                       "review again." if self.source == "applied" else
                       "This change is not in your files yet (q applies what you accepted): "
                       "nothing to edit.")
        else:
            problem = not_editable(message.file) or run_editor(
                self, self.repo_root / message.file.path, message.line)
        if problem is not None:
            self.notify(problem, severity="warning")
            return
        self._read_again()

    @work(group="review-files", exclusive=True, exit_on_error=False)
    async def _read_again(self) -> None:
        import asyncio

        from pairtui.agent.session_history import hunk_key

        reload = self._reload
        assert reload is not None

        def read() -> Patch:
            with self._disk:
                return reload()

        try:
            patch = await asyncio.to_thread(read)
        except Exception as exc:  # noqa: BLE001 - one line, never a traceback
            self.notify(f"Could not read the diff again: {exc}", severity="error")
            return
        book = self.view.book
        kept = {hunk_key(book.patch.files[r[0]].path, book.hunk(r)) for r in book.refs
                if book.state(r) is HunkState.ACCEPTED}
        counts = book.counts()
        self._before_edit += counts[HunkState.REJECTED] + counts[HunkState.PARTIAL]
        if not patch.files:
            self.summary = "review done: no change left in the working tree after your edit"
            self.exit(0)
            return
        self._patch, self._refs = patch, patch.hunk_refs()
        await self.query_one(DiffReview).remove()
        review = DiffReview(patch)
        await self.mount(review, before=self.query_one(Footer))
        keys = {r: hunk_key(patch.files[r[0]].path, review.view.book.hunk(r))
                for r in review.view.book.refs}
        twice = {k for k in keys.values() if list(keys.values()).count(k) > 1}
        accepted = {r: HunkState.ACCEPTED for r, k in keys.items() if k in kept and k not in twice}
        if accepted:
            review.view.restore_marks(accepted)
        self.query_one("#review-title", Static).update(self._title())
        review.view.focus()
        self.notify("Diff read again after your edit.", timeout=3)

    @work(thread=True, group="review-files")
    def _apply(self, patch: Patch, reverse: bool, action: ReviewAction | None) -> None:
        from pairtui.diff.apply import apply_patch

        with self._disk:
            try:
                self._save_point()
                if reverse and self.source == "worktree":  # staged too: out of the index
                    from pairtui.diff.reject import reject_change

                    reject_change(self.repo_root, patch)
                else:
                    apply_patch(self.repo_root, patch, reverse=reverse)
            except PairtuiError as exc:
                self.call_from_thread(self._failed, str(exc), action)
            except OSError as exc:
                self.call_from_thread(self._failed, f"cannot write: {exc}", action)
            except Exception as exc:  # never a traceback over the person's review
                self.call_from_thread(self._failed, f"unexpected error: {exc!r}", action)

    def _save_point(self) -> None:
        """Before the first write of this review: a checkpoint (worker thread, lock held)."""
        if self._checkpoint is not None and not self._checkpointed:
            self.checkpoint_id = self._checkpoint()
            self._checkpointed = True

    def _undo_note(self) -> str:
        if self.checkpoint_id:
            return f"; 'pairtui restore {self.checkpoint_id}' undoes it"
        return ""

    def _failed(self, message: str, action: ReviewAction | None) -> None:
        self.notify(message, title="Nothing changed on disk", severity="error", timeout=10)
        if action is not None:
            self.view.take_back(action)

    # -- finishing -------------------------------------------------------------------------------
    def _counts(self) -> str:
        counts = self.view.book.counts()
        parts = [f"{counts[s]} {s.value}" for s in HunkState if counts[s]]
        if self._before_edit:
            parts.append(f"{self._before_edit} rejected before an edit by hand")
        return ", ".join(parts) or "no hunks"

    def action_finish(self) -> None:
        if self.source in LIVE:
            self.summary = (f"review done: {self._counts()} (working tree updated as you went"
                            f"{self._undo_note()})")
            self.exit(0)
            return
        try:
            accepted = self.view.book.accepted_patch()
        except PairtuiError as exc:
            self.notify(str(exc), title="Cannot apply", severity="error", timeout=15)
            return
        self._finish(accepted)

    @work(thread=True, group="review-finish", exclusive=True)
    def _finish(self, accepted: Patch) -> None:
        from pairtui.diff.apply import apply_patch

        with self._disk:
            try:
                if accepted.files:
                    self._save_point()
                    apply_patch(self.repo_root, accepted)
            except Exception as exc:  # PatchError, OSError, anything: report, apply nothing
                self.call_from_thread(self.notify, f"{exc} · nothing was applied; Esc leaves",
                                      title="Cannot apply", severity="error", timeout=15)
                return
        applied = len(accepted.hunk_refs()) if accepted.files else 0
        self.summary = (f"applied {count(applied, 'hunk')} in {count(len(accepted.files), 'file')}: "
                        f"{self._counts()}{self._undo_note()}")
        self.call_from_thread(self.exit, 0)

    def action_leave(self) -> None:
        if self.source in LIVE:
            self.summary = (f"review left: {self._counts()} (working tree updated as you went"
                            f"{self._undo_note()})")
        else:
            self.summary = f"review left without applying anything ({self._counts()})"
        self.exit(0)


def run_review(repo_root: Path, patch: Patch, source: str,
               checkpoint: Checkpoint | None = None) -> int:
    """Open the review app on `patch`; print a one-line summary (and any comments) at the end.
    `checkpoint`, if given, is called once before the review first writes to the tree."""
    if source not in ("worktree", "patch", "revs", "applied"):
        raise ValueError(f"unknown review source {source!r}")
    return run_review_app(ReviewApp(repo_root, patch, source, checkpoint))  # type: ignore[arg-type]


def run_review_app(app: ReviewApp) -> int:
    """Run a built review app; print its one-line summary (and any comments) at the end."""
    if not app._patch.files:
        print("nothing to review: the diff is empty")
        return 0
    # The parsed patch lives as long as the process: keep it out of every full GC pass, so a
    # collection over tens of thousands of diff lines never lands inside a frame.
    gc.freeze()
    code = app.run()
    if app.summary:
        print(app.summary)
    for comment in app.comments:
        print(f"comment: {comment}")
    from pairtui.ui.exit_code import exit_code

    return exit_code(app, code)
