"""The engine of one session: the single door the TUI and the headless commands go through.

Every transition is persisted (SessionStore) before it is acted on, and a checkpoint is taken
between steps, so a killed process can be resumed and any chunk rolled back.
Git and model calls happen here, never in the UI; sync methods are meant for a thread worker.

Decisions worth knowing:
- Rolling back a chunk that has not landed restores its start checkpoint (the restore itself
  snapshots what was there first, so it can be undone with `pairtui restore`).
- Rolling back a LANDED chunk never rewrites history: like `git revert`, the chunk's commit is
  reverse-applied through the diff engine and landed as a new commit `Revert "<title>"`. The
  person's uncommitted edits stay uncommitted. If later work overlaps the same lines, nothing
  changes (no checkpoint either) and the error names the later chunks to roll back first
  (agent/revert.py). Either way the result says which checkpoint undoes the rollback.
- A landed chunk's commit carries its story (agent/commit_story.py: plan text, Pairtui-*
  trailers), which `pairtui why` reads back; approving can also keep the plan in the repo
  (agent/plan_keeper.py).
- A chunk interrupted while EXECUTING (killed process, provider error, Esc) stays EXECUTING.
  Stepping on (`enter`) undoes only the interrupted round: back to the chunk's last "executed"
  checkpoint if it has one (a fix round or a hunk sent back was cut short), else back to its
  start checkpoint and the chunk runs again. Either way the partial edits stay reachable in the
  pre-restore checkpoint. One interrupted while VERIFYING re-runs its check. Opening such a
  session says so; nothing is changed until the person steps on.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from pairtui.agent import (
    commit_story,
    crew,
    imported_checks,
    plan_keeper,
    replay_cursor,
    session_history,
)
from pairtui.agent import session_edits as edits
from pairtui.agent.call_trace import CallRecord
from pairtui.agent.chunk_review import ChangedSinceCheckError, ChunkReview
from pairtui.agent.crew import AskPermission
from pairtui.agent.events import (
    CheckpointTaken,
    ChunkLanded,
    ChunkRolledBack,
    FlowEvent,
    Notice,
    SessionChanged,
    StepStarted,
    UsageUpdated,
    VerifyFinished,
)
from pairtui.agent.executor import ChunkBrief
from pairtui.agent.lazy_provider import LazyProvider
from pairtui.agent.plan_steps import PlanSteps
from pairtui.agent.recovery import resume
from pairtui.agent.revert import restore_start, revert_landed
from pairtui.agent.tool_loop import LoopStoppedError, UsageMeter
from pairtui.agent.verify_rounds import VerifyRounds
from pairtui.agent.workspace import Workspace
from pairtui.config import Config
from pairtui.core.plan import Chunk
from pairtui.core.session import ChunkStatus, Phase, Session, new_session
from pairtui.core.store import SessionStore
from pairtui.errors import PairtuiError, StateError, UsageError
from pairtui.git.checkpoints import Checkpoint
from pairtui.git.land import LandResult
from pairtui.git.repo import ensure_ready, find_repo
from pairtui.models.base import Provider
from pairtui.models.replay import Ask

T = TypeVar("T")

EventSink = Callable[[FlowEvent], None]

S = ChunkStatus


def session_store(git_dir: Path, config: Config) -> SessionStore:
    """The repo's session store, masking every key pairtui knows of in transcripts."""
    keys = (config.anthropic_api_key, config.openai_api_key,
            os.environ.get("ANTHROPIC_API_KEY"), os.environ.get("OPENAI_API_KEY"))
    return SessionStore(git_dir, secrets=keys)


class Pairing(PlanSteps, ChunkReview):
    """Drives one session through plan -> execute -> verify -> review -> land."""

    def __init__(
        self,
        repo_root: Path,
        config: Config,
        session: Session,
        planner: Provider,
        executor: Provider,
        on_event: EventSink,
        ask_permission: AskPermission | None = None,
    ) -> None:
        info = find_repo(Path(repo_root))
        self.repo_root = info.root
        self.config = config
        self._session = session
        self._on_event = on_event
        self._store = session_store(info.git_dir, config)
        self._work = Workspace(info.root, session.id, self._emit)
        self._meter = UsageMeter(dict(config.prices), session.tokens_in, session.tokens_out, session.cost_usd)
        self._active: int | None = None
        self._crew = crew.assemble(info.root, config, planner, executor,
                                   read_roots=self._work.read_roots(), emit=self._emit,
                                   meter=self._meter, record=self._record,
                                   note_call=self._note_call, ask_permission=ask_permission)
        self._planner, self._executor = self._crew.planner, self._crew.executor
        self._rounds = VerifyRounds(self)

    @classmethod
    def open(
        cls,
        repo_path: Path,
        config: Config,
        on_event: EventSink,
        goal: str | None = None,
        ask_permission: AskPermission | None = None,
        session_id: str | None = None,
    ) -> Pairing:
        """Resume the repo's open session (or the session `session_id`), or start one for
        `goal`. Guards the repo state."""
        info = find_repo(Path(repo_path))
        ensure_ready(info)
        store = session_store(info.git_dir, config)
        if session_id:
            session = store.load(session_id)
        else:
            session = None if goal else store.open_session()
        fresh = session is None
        if session is None:
            session = new_session((goal or "").strip(), config.planner, config.executor)
        planner, executor = LazyProvider(config.planner, config), LazyProvider(config.executor, config)
        pairing = cls(info.root, config, session, planner, executor, on_event, ask_permission)
        if fresh:
            pairing._save(session)
        else:
            resume(pairing)
        return pairing

    # -- state -----------------------------------------------------------------------------

    @property
    def session(self) -> Session:
        return self._session

    def plan_path(self) -> Path:
        """Where the current plan is kept (the session's plan.md under the git dir)."""
        return self._store.session_dir(self._session.id) / "plan.md"

    # -- what a reopened session brings back (agent/session_history.py) ---------------------

    def history(self) -> list[FlowEvent | session_history.EarlierStep]:
        """The model's text and tool calls so far, from the session's transcript."""
        return session_history.transcript_events(self._store.read_transcript(self._session.id))

    def checkpoints(self) -> list[Checkpoint]:
        """This session's checkpoints, oldest first."""
        return self._work.checkpoints()

    def review_marks(self, chunk: int) -> dict[str, str]:
        """The person's saved marks on `chunk`'s hunks (session_history.hunk_key -> state)."""
        return session_history.load_marks(self._store.session_dir(self._session.id), chunk)

    def save_review_marks(self, chunk: int, marks: dict[str, str]) -> None:
        session_history.save_marks(self._store.session_dir(self._session.id), chunk, marks)

    async def aclose(self) -> None:
        """Release what the models hold (an ACP agent's process group, MCP servers); idempotent."""
        await self._crew.aclose()

    def notify(self, text: str, level: str = "info") -> None:
        """Tell whoever listens (UI, headless printer) something outside the step events."""
        self._emit(Notice(text, level))

    def cancel_check(self) -> None:
        """Stop a running check (the chunk stays VERIFYING; verify again re-runs it)."""
        self._rounds.cancel.set()

    # -- one chunk -------------------------------------------------------------------------

    async def execute(self, chunk: int) -> None:
        """Checkpoint, then the executor works the chunk. LoopStoppedError leaves it FAILED;
        a provider error or cancellation leaves it EXECUTING (running it again restarts it)."""
        imported_checks.require_runnable(self._session, self._chunk(chunk))
        brief = self._brief(chunk)
        status = self._status(chunk)
        self._executor.ready()  # e.g. an ACP agent not installed: one line, no checkpoint
        self._ready("executor", Ask("chunk", chunk))
        self._emit(StepStarted(chunk, "executing"))
        if status == S.EXECUTING:
            self._work.restore(self._start(chunk))
        elif status in (S.PENDING, S.ROLLED_BACK):
            start = self._work.snapshot("start", chunk, brief.chunk.title)
            session = self._session.advance(chunk, S.EXECUTING).record_checkpoint(chunk, "start", start.id)
            self._save(edits.with_changed_in_review(session, chunk, False))
        else:
            raise StateError(f"chunk {chunk} is {status}; only a pending chunk can be executed")
        self._save(edits.without_calls(self._session, chunk))
        await self._executor_round(chunk, self._executor.run_chunk(brief, 1), Ask("chunk", chunk))

    async def verify(self, chunk: int) -> bool:
        """Run the chunk's check; on failure up to config.max_fix_rounds executor fix rounds."""
        return await self._rounds.run(chunk)

    async def send_back(self, chunk: int, ref: tuple[int, int], comment: str) -> None:
        """Send one hunk back to the executor with the person's comment; it revises the tree."""
        path, hunk_text = self._work.hunk_text(self.chunk_patch(chunk), ref)
        brief = self._brief(chunk)
        ask = Ask("comment", chunk, path, comment)
        self._ready("executor", ask)
        self._to_reviewing(chunk)
        moved = self._session.advance(chunk, S.EXECUTING, note=f"sent back: {comment.strip()[:200]}")
        self._save(edits.with_changed_in_review(moved, chunk))
        self._emit(StepStarted(chunk, "executing"))
        await self._executor_round(
            chunk, self._executor.revise_hunk(brief, path, hunk_text, comment, edits.next_call_number(self._session, chunk)),
            ask)

    def land(self, chunk: int, include_overlapping_user_edits: bool = False) -> LandResult:
        """Commit the chunk (start checkpoint -> reviewed snapshot) on the current branch.

        OverlapError (from git) when the chunk changed lines the person had changed too and
        they cannot be committed apart: nothing is written and the chunk stays in review; call
        again with include_overlapping_user_edits=True to commit those lines with it.
        StateError, nothing changed, when the chunk has a check that has not passed on its
        tree as it is now (see chunk_review)."""
        self._refuse_unchecked(chunk)
        self._to_reviewing(chunk)
        item = self._chunk(chunk)
        self._emit(StepStarted(chunk, "landing"))
        self._drop_artifacts(chunk)
        reviewed = self._work.snapshot("reviewed", chunk, item.title)
        self._save(self._session.record_checkpoint(chunk, "reviewed", reviewed.id))
        self._refuse_changed_since_check(chunk, reviewed)
        self._save(edits.with_extra(self._session, landing={"chunk": chunk, "head": self._work.head()}))
        story = commit_story.for_landing(self._session, chunk, self.config)
        plan_file = plan_keeper.files_to_land(self.repo_root, self._session)
        try:
            result = self._work.land(self._start(chunk), reviewed, item.title, story.body,
                                     include_overlapping_user_edits, story.trailers, plan_file)
        except PairtuiError:
            self._save(edits.with_extra(self._session, landing=None))
            raise
        session = edits.with_changed_in_review(self._session.landed(chunk, result.commit), chunk, False)
        if plan_file and result.commit:
            session = edits.with_extra(session, plan_file={**session.extra["plan_file"], "commit": result.commit})
        self._save(edits.with_extra(session, landing=None))
        self._emit(ChunkLanded(chunk, result.commit, result.message))
        return result

    def rollback(self, chunk: int) -> Checkpoint:
        """Undo a chunk (see the module docstring); returns the checkpoint the tree went back to."""
        state = self._session.chunk_state(chunk)
        if state.status == S.PENDING:
            raise StateError(f"chunk {chunk} has not started: nothing to roll back")
        if state.status == S.ROLLED_BACK:
            raise StateError(f"chunk {chunk} is already rolled back")
        self._emit(StepStarted(chunk, "rolling-back"))
        if state.status == S.LANDED:
            if not state.commit:
                raise StateError(f"chunk {chunk} landed without a commit: nothing to revert")
            target, note, undo = revert_landed(self, chunk, state.commit)
        else:
            target, note, undo = restore_start(self, chunk)
        session = edits.with_changed_in_review(self._session.advance(chunk, S.ROLLED_BACK, note=note), chunk, False)
        self._save(edits.with_extra(session, pending_restore=None))
        self._emit(ChunkRolledBack(chunk, target, undo))
        return target

    async def next_step(self) -> str:
        """Do whatever comes next for the current chunk; returns the step done (for `enter`)."""
        session = self._session
        if session.phase == Phase.PLANNING:
            if self.plan is None:
                await self.make_plan()
                return "planned"
            self.approve_plan()
            return "approved"
        chunk = session.current
        if session.phase == Phase.DONE or chunk is None:
            return "done"
        status = self._status(chunk)
        if status == S.EXECUTING and edits.last_executed(session, chunk):
            self._back_to_executed(chunk)
            return "restored"
        if status in (S.PENDING, S.ROLLED_BACK, S.EXECUTING):
            await self.execute(chunk)
            return "executed"
        if status in (S.EXECUTED, S.VERIFYING, S.FAILED):
            return "verified" if await self.verify(chunk) else "failed"
        if status == S.VERIFIED:
            self._to_reviewing(chunk)
            return "review"
        if self.needs_check(chunk) and not await self._rounds.recheck(chunk):
            return "failed"  # changed in review and the check fails: back to the person
        try:
            await asyncio.to_thread(self.land, chunk)  # git and hooks: off the event loop
        except ChangedSinceCheckError:  # files edited after the check passed: check them now
            if not await self._rounds.recheck(chunk):
                return "failed"
            await asyncio.to_thread(self.land, chunk)
        return "landed"

    # -- internals (VerifyRounds uses a few) -----------------------------------------------

    def _status(self, chunk: int) -> ChunkStatus:
        return self._session.chunk_state(chunk).status

    def _chunk(self, chunk: int) -> Chunk:
        try:
            return self._require_plan().chunk(chunk)
        except KeyError:
            raise UsageError(f"the plan has no chunk {chunk}") from None

    def _brief(self, chunk: int) -> ChunkBrief:
        plan = self._require_plan()
        item = self._chunk(chunk)
        landed = [s.commit for s in self._session.chunks if s.status == S.LANDED and s.commit]
        return ChunkBrief(plan.source, item, self._work.chunk_context(item, self._session.goal),
                          self._work.landed_diff(landed))

    def _start(self, chunk: int) -> Checkpoint:
        cp_id = self._session.chunk_state(chunk).checkpoint("start")
        if cp_id is None:
            raise StateError(f"chunk {chunk} has no start checkpoint (it has not been executed)")
        return self._work.checkpoint(cp_id)

    async def _executor_round(self, chunk: int, work: Awaitable[object], ask: Ask) -> None:
        """Await one executor round of `chunk` (EXECUTING), then checkpoint it as EXECUTED."""
        self._active = chunk
        try:
            await self._model_round(work, "executor", ask)
        except LoopStoppedError as err:
            self._save(self._session.advance(chunk, S.FAILED, note=err.message))
            raise
        finally:
            self._active = None
        executed = self._work.snapshot("executed", chunk)
        self._save(self._session.advance(chunk, S.EXECUTED).record_checkpoint(chunk, "executed", executed.id))

    def _models(self) -> dict[str, Provider]:
        return {"planner": self._planner.provider, "executor": self._executor.provider}

    def _ready(self, role: str, ask: Ask) -> None:
        """Before a step changes anything: a replay model without a turn for `ask` says so here
        (ReplayUnscriptedError), so the step leaves no checkpoint and no state behind."""
        replay_cursor.seek(self._session, self._models(), {role: ask})

    async def _model_round(self, work: Awaitable[T], role: str, ask: Ask) -> T:
        """One planner or executor round; replay models replay it from its start if it is run
        again (see replay_cursor); the position is saved with the state the round leads to."""
        models = self._models()
        try:
            replay_cursor.seek(self._session, models, {role: ask})  # builds a replay model: may fail
        except BaseException:
            getattr(work, "close", lambda: None)()  # never started: not "never awaited"
            raise
        result = await work
        self._session = replay_cursor.mark(self._session, models)
        return result

    def _back_to_executed(self, chunk: int) -> None:
        """An executor round interrupted after the chunk's first one (a fix round, a hunk sent
        back): undo just that round, back to the last "executed" checkpoint."""
        target = self._work.checkpoint(edits.last_executed(self._session, chunk) or "")
        undo = self._work.restore(target)
        self._save(self._session.advance(chunk, S.EXECUTED, note=(
            f"the interrupted round was undone (back to {target.id}; its edits are kept in {undo.id})")))

    def _to_reviewing(self, chunk: int) -> None:
        status = self._status(chunk)
        if status in (S.VERIFIED, S.EXECUTED):
            self._save(self._session.advance(chunk, S.REVIEWING))
        elif status != S.REVIEWING:
            raise StateError(f"chunk {chunk} is {status}; it has to pass its check first")

    def _note_call(self, call: CallRecord) -> None:
        """Kept in memory at once, persisted with the next save (so a hunk can name its call)."""
        if self._active is not None:
            self._session = edits.with_call(self._session, self._active, call)

    # -- events, persistence ---------------------------------------------------------------

    def _emit(self, event: FlowEvent) -> None:
        if isinstance(event, UsageUpdated):
            self._session = edits.with_usage(self._session, event.tokens_in, event.tokens_out,
                                             event.cost_usd, self._active)
        elif isinstance(event, CheckpointTaken):
            self._record({"kind": "checkpoint", "id": event.checkpoint.id, "step": event.checkpoint.step})
        elif isinstance(event, VerifyFinished):
            self._record({"kind": "verify", "chunk": event.chunk, "command": event.command,
                          "passed": event.passed, "exit_code": event.exit_code,
                          "output_tail": event.output_tail[-4000:]})
        self._on_event(event)

    def _record(self, record: dict) -> None:
        try:
            self._store.append_transcript(self._session.id, {"time": round(time.time(), 3), **record})
        except PairtuiError as err:
            self._on_event(Notice(err.message, "warning"))

    def _save(self, session: Session) -> None:
        self._session = session
        self._store.save(session)
        self._on_event(SessionChanged(session))
