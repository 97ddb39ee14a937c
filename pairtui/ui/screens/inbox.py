"""The inbox (`i`): finished worktree runs, each reviewed chunk by chunk and landed here.

First a list of finished runs (goal, state, size, checks); `enter` opens one. Then its chunk
commits are listed in order beside the hunk viewer (DiffReview: accept, reject, split, line
select), one review per chunk; `N`/`P` or the list move between chunks. `L` lands, in order,
each fully reviewed chunk's accepted hunks as one commit on the person's branch (the engine:
agent/runs/inbox_land.py) and stops at the first chunk that is not reviewed or does not land,
saying why in one line. A chunk rejected whole lands nothing. A comment (`c`) sends the hunk
back to the run: a follow-up round in its worktree (agent/runs/followup.py) whose commit comes
to the inbox as the run's next chunk. The screen calls only the engine, in worker threads; it
never touches git.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, OptionList, Static

from pairtui.agent.session_history import hunk_key
from pairtui.ui.widgets.diff_files import DiffReview
from pairtui.ui.widgets.diff_review import HunkState, ReviewBook
from pairtui.ui.widgets.diff_view import DiffView

if TYPE_CHECKING:
    from pairtui.agent.runs.inbox import InboxChunk, InboxRun
    from pairtui.agent.runs.inbox_land import InboxEngine

EMPTY = ("No finished runs to review. Start one with: "
         "pairtui run --goal TEXT --worktree --background")


def review_marks(book: ReviewBook) -> dict[str, str]:
    """hunk key -> state of every hunk the person has decided on (what the inbox keeps)."""
    marks: dict[str, str] = {}
    for ref in book.refs:
        state = book.state(ref)
        if state is not HunkState.PENDING:
            marks[hunk_key(book.patch.files[ref[0]].path, book.hunk(ref))] = state.value
    return marks


def chunk_state(book: ReviewBook) -> str:
    """"pending", "partly", "accepted", "rejected" (nothing kept), "changed" (some kept) or
    "commented" for one chunk's review."""
    states = [book.state(r) for r in book.refs]
    if any(s is HunkState.COMMENTED for s in states):
        return "commented"
    if all(s is HunkState.PENDING for s in states):
        return "pending"
    if any(s is HunkState.PENDING for s in states):
        return "partly"
    if all(s is HunkState.ACCEPTED for s in states):
        return "accepted"
    if all(s is HunkState.REJECTED for s in states):
        return "rejected"
    return "changed"


_GLYPH = {"pending": ("○", "$text-muted"), "partly": ("◐", "$text-accent"),
          "accepted": ("✓", "$text-success"), "rejected": ("✗", "$text-error"),
          "changed": ("◑", "$text-warning"), "commented": ("✎", "$text-warning"),
          "landed": ("●", "$text-success")}


class InboxScreen(Screen[None]):
    """The inbox; `engine()` builds the engine (in a worker: it reads git)."""

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("L", "land", "Land accepted"),
        Binding("N", "move_chunk(1)", "Next chunk"),
        Binding("P", "move_chunk(-1)", "Prev chunk", show=False),
        Binding("question_mark", "app.help", "Help", show=False),
    ]
    DEFAULT_CSS = """
    #inbox-title { height: 1; background: $panel; color: $text; padding: 0 1; }
    #inbox-body, #inbox-run, #inbox-runs, #inbox-empty { height: 1fr; }
    #inbox-empty { padding: 1 2; color: $text-muted; }
    #inbox-chunks { width: 38; height: 1fr; border: none; border-right: vkey $panel-lighten-1; }
    #inbox-diffs { width: 1fr; height: 1fr; }
    """

    def __init__(self, engine: Callable[[], InboxEngine]) -> None:
        super().__init__()
        self._make_engine = engine
        self.engine: InboxEngine | None = None
        self.runs: list[InboxRun] = []
        self.run: InboxRun | None = None
        self.chunks: list[InboxChunk] = []
        self.landed: dict[str, str] = {}  # chunk commit -> landed commit (this screen's view)
        self.busy = False
        self._saved: dict[str, dict[str, str]] = {}  # chunk commit -> the newest marks to keep
        self._written: dict[str, dict[str, str]] = {}  # chunk commit -> marks last written
        self._saving = asyncio.Lock()

    def compose(self) -> ComposeResult:
        yield Static("inbox · reading the runs…", id="inbox-title", markup=False)
        with ContentSwitcher(initial="inbox-runs", id="inbox-body"):
            yield OptionList(id="inbox-runs")
            yield Static(EMPTY, id="inbox-empty", markup=False)
            yield Horizontal(id="inbox-run")
        yield Footer()

    def on_mount(self) -> None:
        self._load_runs()

    async def _call(self, fn: Callable[[], Any]) -> Any:
        return await asyncio.to_thread(fn)

    def _title(self, text: str) -> None:
        self.query_one("#inbox-title", Static).update(text)

    def _fail(self, err: BaseException, title: str = "Inbox") -> None:
        from pairtui.ui.error_hints import one_line

        self.app.notify(one_line(err), title=title, severity="error", timeout=12)

    # -- the list of runs ---------------------------------------------------------------------

    @work(group="inbox", exclusive=True, exit_on_error=False)
    async def _load_runs(self) -> None:
        try:
            if self.engine is None:
                self.engine = await self._call(self._make_engine)
            engine = self.engine
            self.runs = list(await self._call(engine.runs))
        except Exception as err:  # noqa: BLE001 - shown, never a traceback
            self._fail(err)
            self.runs = []
        self._show_runs()

    def _show_runs(self) -> None:
        self.run, self.chunks = None, []
        body = self.query_one("#inbox-body", ContentSwitcher)
        if not self.runs:
            self._title("inbox · empty")
            body.current = "inbox-empty"
            return
        n = len(self.runs)
        self._title(f"inbox · {n} finished run{'s' if n != 1 else ''} · enter opens one · esc closes")
        runs = self.query_one("#inbox-runs", OptionList)
        runs.set_options([Content(r.line()) for r in self.runs])
        runs.highlighted = 0
        body.current = "inbox-runs"
        runs.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "inbox-runs":
            event.stop()
            self._open_run(self.runs[event.option_index])

    @work(group="inbox", exclusive=True, exit_on_error=False)
    async def _open_run(self, run: InboxRun) -> None:
        if run.branch_gone:
            self.app.notify(f"run {run.id}: its branch {run.branch} no longer exists; nothing "
                            "to review", title="Inbox", severity="warning")
            return
        engine = self.engine
        assert engine is not None
        try:
            chunks = list(await self._call(lambda: engine.chunks(run.id)))
        except Exception as err:  # noqa: BLE001 - shown, never a traceback
            self._fail(err)
            return
        self.run, self.chunks, self._saved, self._written = run, chunks, {}, {}
        self.landed = {c.commit: c.landed_as for c in chunks if c.landed_as}
        holder = self.query_one("#inbox-run", Horizontal)
        await holder.remove_children()
        diffs = ContentSwitcher(*[DiffReview(c.patch, id=f"inbox-chunk-{c.index}") for c in chunks],
                                initial=f"inbox-chunk-{chunks[0].index}" if chunks else None,
                                id="inbox-diffs")
        await holder.mount_all([OptionList(id="inbox-chunks"), diffs])
        for chunk in chunks:
            self._restore_marks(chunk)
        self.query_one("#inbox-body", ContentSwitcher).current = "inbox-run"
        self._list_chunks()
        self._show_chunk(0)

    # -- one run: its chunks ------------------------------------------------------------------

    def _review(self, chunk: InboxChunk) -> DiffReview:
        return self.query_one(f"#inbox-chunk-{chunk.index}", DiffReview)

    def _state(self, chunk: InboxChunk) -> str:
        return "landed" if chunk.commit in self.landed else chunk_state(self._review(chunk).view.book)

    def _list_chunks(self) -> None:
        if not self.query("#inbox-chunks"):
            return
        prompts = []
        for chunk in self.chunks:
            if chunk.commit in self.landed:  # its review is over: keys no longer change it
                self._review(chunk).disabled = True
            glyph, colour = _GLYPH[self._state(chunk)]
            prompts.append(Content.assemble((glyph + " ", colour), chunk.label))
        options = self.query_one("#inbox-chunks", OptionList)
        highlighted = options.highlighted
        options.set_options(prompts)
        options.highlighted = highlighted if highlighted is not None else 0
        run = self.run
        if run is not None:
            done = sum(1 for c in self.chunks if c.commit in self.landed)
            self._title(f"run {run.id} · {run.goal} · {len(self.chunks)} chunks, {done} landed · "
                        "a/x review · N/P chunk · L lands · esc back")

    def _current(self) -> int:
        switcher = self.query_one("#inbox-diffs", ContentSwitcher)
        for i, chunk in enumerate(self.chunks):
            if switcher.current == f"inbox-chunk-{chunk.index}":
                return i
        return 0

    def _show_chunk(self, i: int) -> None:
        if not self.chunks:
            return
        i = max(0, min(i, len(self.chunks) - 1))
        self.query_one("#inbox-diffs", ContentSwitcher).current = f"inbox-chunk-{self.chunks[i].index}"
        options = self.query_one("#inbox-chunks", OptionList)
        if options.highlighted != i:
            options.highlighted = i
        self._review(self.chunks[i]).view.focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "inbox-chunks" and event.option_index != self._current():
            event.stop()
            self.query_one("#inbox-diffs", ContentSwitcher).current = \
                f"inbox-chunk-{self.chunks[event.option_index].index}"

    def on_diff_view_review_changed(self, message: DiffView.ReviewChanged) -> None:
        message.stop()
        self._list_chunks()
        chunk = self._chunk_of(message.diff_view)
        if self.run is not None and chunk is not None and chunk.commit not in self.landed:
            marks = review_marks(message.diff_view.book)
            if marks != self._saved.get(chunk.commit, chunk.marks):
                self._saved[chunk.commit] = marks
                self._save_marks(self.run, chunk)

    def _restore_marks(self, chunk: InboxChunk) -> None:
        """Accepted and rejected hunks come back as they were left; a hunk split, rejected in
        part or sent back with a comment comes back pending (its parts are not kept)."""
        view = self._review(chunk).view
        keys = {hunk_key(view.patch.files[f].path, view.book.hunk(ref)): ref
                for ref in view.book.refs for f in (ref[0],)}
        states = {ref: HunkState(chunk.marks[key]) for key, ref in keys.items()
                  if chunk.marks.get(key) in ("accepted", "rejected")}
        if states:
            view.restore_marks(states)

    @work(group="inbox-marks", exit_on_error=False)
    async def _save_marks(self, run: InboxRun, chunk: InboxChunk) -> None:
        """Saves run one at a time, each writing the newest marks: an older save can never
        land after a newer one."""
        engine = self.engine
        assert engine is not None
        async with self._saving:
            marks = self._saved.get(chunk.commit)
            if marks is None or self._written.get(chunk.commit) == marks:
                return
            try:
                await self._call(partial(engine.save_marks, run.id, chunk, marks))
            except Exception as err:  # noqa: BLE001 - one line, never a traceback
                self._fail(err, "Review marks not saved")
                return
            self._written[chunk.commit] = marks

    def _chunk_of(self, view: DiffView) -> InboxChunk | None:
        return next((c for c in self.chunks if view in self._review(c).query(DiffView)), None)

    @on(DiffView.HunkAccepted)
    @on(DiffView.HunkRejected)
    @on(DiffView.HunkSplit)
    @on(DiffView.AllAccepted)
    @on(DiffView.Undone)
    def _decided(self, message: Message) -> None:
        """Review steps here are decisions only (nothing is written until L): they stop here,
        never reaching the pairing session's own review handlers in the app."""
        message.stop()

    def on_diff_view_edit_requested(self, message: DiffView.EditRequested) -> None:
        message.stop()
        self.app.notify("A run's chunk lives on its branch, not in your files: send the hunk "
                        "back with a comment (c), or land it and edit it after.",
                        title="Nothing to edit here", severity="warning")

    def on_diff_view_comment_requested(self, message: DiffView.CommentRequested) -> None:
        """The comment goes back to the run: a follow-up round in its worktree."""
        message.stop()
        chunk = self._chunk_of(message.diff_view)
        if self.run is not None and chunk is not None:
            self._follow_up(self.run, chunk, message)

    @work(group="inbox-comment", exit_on_error=False)
    async def _follow_up(self, run: InboxRun, chunk: InboxChunk,
                         message: DiffView.CommentRequested) -> None:
        engine = self.engine
        assert engine is not None
        try:
            said = await self._call(partial(engine.follow_up, run.id, chunk, message.file,
                                            message.hunk, message.text))
        except Exception as err:  # noqa: BLE001 - one line, never a traceback
            self._fail(err, "No follow-up round")
            return
        self.app.notify(said, title="Comment sent to the run")

    def action_move_chunk(self, step: int) -> None:
        if self.run is not None:
            self._show_chunk(self._current() + step)

    def action_back(self) -> None:
        if self.busy:
            return
        if self.run is not None:
            self._load_runs()
        else:
            self.dismiss(None)

    # -- landing ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("land", "move_chunk"):
            return self.run is not None and not self.busy
        return True

    def action_land(self) -> None:
        if self.run is not None and not self.busy:
            self._land_all(self.run)

    @work(group="inbox-land", exclusive=True, exit_on_error=False)
    async def _land_all(self, run: InboxRun) -> None:
        """Land each reviewed chunk in order; stop at the first that is not reviewed or fails."""
        self.busy = True
        self.refresh_bindings()
        said: list[str] = []
        try:
            for chunk in self.chunks:
                if chunk.commit in self.landed:
                    continue
                state = self._state(chunk)
                if state in ("pending", "partly", "commented"):
                    why = {"pending": "is not reviewed yet", "partly": "has hunks not reviewed yet",
                           "commented": "has a hunk sent back for a follow-up round: accept or "
                           "reject it (its revision comes as a new chunk)"}[state]
                    said.append(f"stopped at chunk {chunk.label}: it {why}")
                    break
                if state == "rejected":
                    await self._call(partial(self.engine.drop, run.id, chunk))
                    said.append(f"chunk {chunk.label} rejected: nothing landed for it")
                    continue
                if not await self._land_one(run, chunk, said):
                    break
        finally:
            self.busy = False
            self.refresh_bindings()
            self._list_chunks()
        severity = "error" if any(s.startswith(("stopped", "not landed")) for s in said) else "information"
        self.app.notify("\n".join(said) or "nothing to land", title="Inbox: landing",
                        severity=severity, timeout=12)

    async def _land_one(self, run: InboxRun, chunk: InboxChunk, said: list[str]) -> bool:
        from pairtui.agent.runs.inbox_land import OVERLAP

        engine = self.engine
        assert engine is not None
        accepted = self._review(chunk).view.book.accepted_patch()
        include = False
        while True:
            try:
                landing = await self._call(partial(engine.land, run.id, chunk, accepted, include))
            except OVERLAP as err:
                if include or not await self.app.push_screen_wait(_overlap_question(err)):
                    said.append(f"not landed: chunk {chunk.label}: {err}")
                    return False
                include = True
                continue
            except Exception as err:  # noqa: BLE001 - one line, never a traceback
                from pairtui.ui.error_hints import one_line

                said.append(f"not landed: {one_line(err)}")
                return False
            break
        if landing.result.commit:
            self.landed[chunk.commit] = landing.result.commit
        checked = f" (check re-run: {landing.checked})" if landing.checked else ""
        said.append(landing.result.message + checked)
        return True


def _overlap_question(err: Exception) -> Screen[bool]:
    from pairtui.ui.screens.confirm import ConfirmScreen

    return ConfirmScreen("The chunk overlaps your edits", f"{err}\n\nLand it including your "
                         "edits in those files?", yes="Land with my edits", no="Leave it")
