"""Review inside the pairing flow: the chunk's diff in a DiffView, and the viewer's decisions
turned into engine calls. A mixin of PairApp.

The viewer's refs index the patch it was given; after a reject the working tree (and so the
engine's chunk_patch) changes, so each decision is matched to the fresh patch by file and
hunk content before the engine is asked to act. What cannot be matched is taken back in the
viewer with a message, never applied half-way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work

from pairtui.ui import session_view as view

if TYPE_CHECKING:
    from pairtui.agent.flow import Pairing
    from pairtui.diff.model import FileDiff, Hunk, Patch
    from pairtui.ui.app import PairApp
    from pairtui.ui.widgets.diff_view import DiffView
    from pairtui.ui.widgets.review_pane import ReviewPane

    _Base = PairApp
else:
    _Base = object


def find_hunk(patch: Patch, path: str, hunk: Hunk | None) -> tuple[int, int] | None:
    """The (file, hunk) ref in `patch` of the same change in the same file, if it is there."""
    for fi, file in enumerate(patch.files):
        if file.path != path:
            continue
        if hunk is None:
            return (fi, 0) if not file.hunks else None
        wanted = [(line.kind, line.raw) for line in hunk.lines]
        for hi, candidate in enumerate(file.hunks):
            if [(line.kind, line.raw) for line in candidate.lines] == wanted:
                return (fi, hi)
    return None


class ReviewActions(_Base):
    """`d`, and the DiffView messages of the chunk under review."""

    def action_diff(self) -> None:
        number = self.target_chunk()
        if number is not None:
            self._load_diff(number)

    @work(group="diff", exclusive=True, exit_on_error=False)
    async def _load_diff(self, number: int | None) -> None:
        if self.pairing is None or number is None:
            return
        pairing = self.pairing

        def fetch() -> tuple[Patch, dict[str | tuple[str, str], str], dict[str, str]]:
            patch = pairing.chunk_patch(number)
            origins: dict[str | tuple[str, str], str] = {}
            for f in patch.files:  # each hunk credited to the calls that wrote its lines
                origins[f.path] = pairing.hunk_origin(number, f.path)
                for hunk in f.hunks:
                    origins[(f.path, hunk.header)] = pairing.hunk_origin(number, f.path, hunk)
            return patch, origins, pairing.review_marks(number)

        try:
            patch, origins, marks = await self._thread_call(fetch)
        except Exception as err:  # noqa: BLE001 - shown, never a traceback
            self._show_error(err)
            return
        self.action_pane("diff-tab")
        await self.query_one("#review-pane").show(number, self._chunk_title(number), patch,
                                                  origins, marks)
        self.refresh_bindings()

    def on_review_pane_marks_changed(self, message: ReviewPane.MarksChanged) -> None:
        """Keep the person's marks with the session, so quitting loses none of them."""
        pairing = self.pairing
        if pairing is not None:
            self._save_marks(pairing, message.chunk, message.marks)

    @work(thread=True, group="marks", exclusive=True, exit_on_error=False)
    def _save_marks(self, pairing: Pairing, chunk: int, marks: dict[str, str]) -> None:
        try:
            pairing.save_review_marks(chunk, marks)
        except Exception as err:  # noqa: BLE001 - shown, never a traceback
            self.call_from_thread(self._show_error, err)

    def _reviewing(self) -> int | None:
        """The chunk whose diff is on screen, when it may still be changed."""
        number = self.query_one("#review-pane").chunk
        status = view.chunk_status(self.session, number) if self.session else None
        return number if status in ("verified", "reviewing", "failed", "executed") else None

    def on_diff_view_edit_requested(self, message: DiffView.EditRequested) -> None:
        """`o`: fix the chunk's file by hand in the person's editor, then read the diff again
        (marks on hunks the edit left alone stay; the engine checks the chunk again before it
        lands if its files changed after the check passed)."""
        from pairtui.ui.editor import not_editable, run_editor

        message.stop()
        number, pairing = self._reviewing(), self.pairing
        problem = (not_editable(message.file) if number is not None and pairing is not None
                   else "Nothing to edit: this chunk is no longer under review.")
        if self.busy:  # a check running now would pass for files it did not see
            problem = f"Wait for the step that is running ({self.busy}), then edit."
        if problem is None:
            assert pairing is not None
            problem = run_editor(self, pairing.repo_root / message.file.path, message.line)
        if problem is not None:
            self.notify(problem, severity="warning")
            return
        self._after_edit(number)

    @work(group="edit", exclusive=True, exit_on_error=False)
    async def _after_edit(self, number: int | None) -> None:
        pairing = self.pairing
        if pairing is None or number is None:
            return
        try:
            marked = await self._thread_call(lambda: pairing.edited_by_hand(number))
        except Exception as err:  # noqa: BLE001 - shown, never a traceback
            self._show_error(err)
            marked = False
        if marked:
            self.notify("Your edit changed the chunk after its check passed: the check runs "
                        "again before it lands.", timeout=6)
        self._load_diff(number)

    def on_diff_view_hunk_rejected(self, message: DiffView.HunkRejected) -> None:
        message.stop()
        number = self._reviewing()
        if number is None:
            self.notify("Nothing changed: this chunk is no longer under review.", severity="warning")
            message.diff_view.take_back(message.action)
            return
        self._reject(number, message.file, message.hunk, message.diff_view, message.action)

    @work(group="review", exit_on_error=False)
    async def _reject(self, number: int, file: FileDiff, hunk: Hunk | None, viewer: DiffView,
                      action: object, undo: bool = False) -> None:
        pairing = self.pairing
        assert pairing is not None
        try:
            await self._thread_call(lambda: pairing.reject_change(number, file, hunk, undo=undo))
        except Exception as err:  # noqa: BLE001 - shown, never a traceback; the file is as it was
            self._show_error(err)
            if not undo:
                viewer.take_back(action)  # type: ignore[arg-type]
            return
        if undo:
            self.notify(f"Reject undone: {file.path} has the change again.", timeout=3)
        else:
            self.notify(f"Rejected in {file.path}; the chunk is checked again before it lands.",
                        timeout=3)

    def on_diff_view_undone(self, message: DiffView.Undone) -> None:
        message.stop()
        number = self._reviewing()
        action = message.action
        if number is not None and message.file is not None and action.kind in ("reject", "partial"):
            self._reject(number, message.file, action.hunk, message.diff_view, action, undo=True)

    def on_diff_view_comment_requested(self, message: DiffView.CommentRequested) -> None:
        message.stop()
        number = self._reviewing()
        pairing = self.pairing
        if number is None or pairing is None:
            return
        path, hunk, text = message.file.path, message.hunk, message.text

        async def send() -> None:
            ref = await self._thread_call(
                lambda: find_hunk(pairing.chunk_patch(number), path, hunk))
            if ref is None:
                self.notify("That hunk changed; press d to reload the diff.", severity="warning")
                return
            await pairing.send_back(number, ref, text)

        self.action_pane("model-tab")
        self._run_flow(f"revising a hunk of chunk {number}", send, self._after_step)

    def action_trace_hunk(self) -> None:
        """`t`: where the hunk under the cursor came from (its calls, the check, comments)."""
        viewers = self.query("#diff-view")
        number = self.query_one("#review-pane").chunk
        if not viewers or number is None or self.pairing is None:
            self.notify("Open a chunk's diff (d) to trace its hunks.", severity="warning")
            return
        viewer = viewers.first()
        ref = viewer.cursor.ref
        if ref is not None:
            self._trace(number, viewer.book.patch.files[ref[0]].path, viewer.book.hunk(ref))

    @work(group="trace", exclusive=True, exit_on_error=False)
    async def _trace(self, number: int, path: str, hunk: Hunk | None) -> None:
        pairing = self.pairing
        assert pairing is not None
        try:
            story = await self._thread_call(lambda: pairing.trace_hunk(number, path, hunk))
        except Exception as err:  # noqa: BLE001 - shown, never a traceback
            self._show_error(err)
            return
        self.notify(story, title=f"Where this hunk of {path} came from", timeout=20)

    def on_diff_view_all_accepted(self, message: DiffView.AllAccepted) -> None:
        message.stop()
        number = self._reviewing()
        if number is not None:
            self.notify(f"Every hunk accepted. Press enter to land chunk {number}.", timeout=5)
