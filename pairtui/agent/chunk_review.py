"""Review of a chunk's change: its patch, where each hunk came from, and rejecting parts of it.
A mixin of Pairing (agent/flow.py), kept apart so the flow reads in one sitting.

The gate between review and land is kept here, by the engine, whatever the caller: every
review change (a reject, a line reject, an undo, a hunk sent back) marks the chunk unverified
in the persisted session; `land` refuses a chunk that has a check and is unverified, until the
check passes again.
"""

from __future__ import annotations

from pairtui.agent import session_edits as edits
from pairtui.agent.call_trace import calls_behind
from pairtui.agent.workspace import Workspace
from pairtui.config import Config
from pairtui.core.plan import Chunk
from pairtui.core.session import ChunkStatus, Session
from pairtui.core.store import SessionStore
from pairtui.core.words import count
from pairtui.diff.model import FileDiff, Hunk, Patch
from pairtui.errors import StateError
from pairtui.git.checkpoints import Checkpoint


class ChangedSinceCheckError(StateError):
    """The chunk's files changed after its check passed: the check has to pass again."""


class ChunkReview:
    """What the diff viewer asks of the engine while a chunk is reviewed."""

    _work: Workspace
    _session: Session
    _store: SessionStore
    config: Config

    def _chunk(self, chunk: int) -> Chunk:  # Pairing's: the plan's chunk
        raise NotImplementedError

    def notify(self, text: str, level: str = "info") -> None:  # Pairing's
        raise NotImplementedError

    def _start(self, chunk: int) -> Checkpoint:  # Pairing's: the chunk's start checkpoint
        raise NotImplementedError

    def _save(self, session: Session) -> None:  # Pairing's: persist, then report
        raise NotImplementedError

    def check_command(self, chunk: int) -> str | None:
        """The chunk's check: its Verify line, else the repo's default (None: it has none)."""
        return self._chunk(chunk).verify or self.config.verify

    def needs_check(self, chunk: int) -> bool:
        """The chunk has a check and its tree is not the one that check last passed on (a
        review change, a later executor round, or no pass yet): it cannot land as it is."""
        return bool(self.check_command(chunk)) and edits.check_is_stale(self._session, chunk)

    def _refuse_unchecked(self, chunk: int) -> None:
        if not self.needs_check(chunk):
            return
        why = ("changed in review since its check passed" if chunk in edits.changed_in_review(self._session)
               else "has not passed its check on its current change")
        raise StateError(f"chunk {chunk} {why}, so it cannot land yet: {self.check_command(chunk)} "
                         "has to pass first (the next step runs it)")

    def _changed_since_check(self, chunk: int, snapshot: Checkpoint) -> set[str]:
        """The paths `snapshot` holds differently from the tree the chunk's check last passed
        on, files the check itself created aside (they are left out of the commit); empty
        when the chunk has no check or no pass to speak for."""
        passed = [cid for step, cid in self._session.chunk_state(chunk).checkpoints if step == "verified"]
        if not self.check_command(chunk) or not passed:
            return set()
        return (self._work.changed_between(self._work.checkpoint(passed[-1]), snapshot)
                - set(edits.artifacts_of(self._session, chunk)))

    def _refuse_changed_since_check(self, chunk: int, reviewed: Checkpoint) -> None:
        """A passed check speaks for the files it ran on. Files changed after it passed (in an
        editor, by another program) outside the review's own steps would land under its name
        ("Pairtui-Verify: ... passed"), so the chunk is marked changed and its check has to
        pass again first (the next step runs it)."""
        changed = self._changed_since_check(chunk, reviewed)
        if not changed:
            return
        self._save(edits.with_changed_in_review(self._session, chunk))
        names = ", ".join(sorted(changed)[:3]) + (", ..." if len(changed) > 3 else "")
        raise ChangedSinceCheckError(f"chunk {chunk} changed since its check passed ({names}), so "
                                     f"it cannot land yet: {self.check_command(chunk)} has to pass "
                                     "first (the next step runs it)")

    def edited_by_hand(self, chunk: int) -> bool:
        """After the person edited files in review: if the chunk's tree is no longer the one its
        check passed on, mark it so (the screen says "re-verify" at once, not at land).
        Whether it was marked."""
        self._require_reviewable(chunk)
        if not self.check_command(chunk) or chunk in edits.changed_in_review(self._session):
            return False
        edited = self._work.snapshot("edited", chunk, "after an edit by hand in review")
        self._save(self._session.record_checkpoint(chunk, "edited", edited.id))
        if not self._changed_since_check(chunk, edited):
            return False
        session = edits.with_note(self._session, chunk, "edited by hand in review; re-verify")
        self._save(edits.with_changed_in_review(session, chunk))
        return True

    def _drop_artifacts(self, chunk: int) -> None:
        """Files the chunk's checks created (caches, reports) and no tool call wrote are not
        part of the chunk: they are removed before the reviewed snapshot (the "verified"
        checkpoint still holds them), so they never land in the commit."""
        made = {p for c in edits.calls_of(self._session, chunk) for p in c.paths}
        created = [p for p in edits.artifacts_of(self._session, chunk) if p not in made]
        removed = self._work.remove_files(created)
        if removed:
            self.notify(f"left out of the commit: {count(len(removed), 'file')} the check created "
                        f"({', '.join(removed[:3])}{', ...' if len(removed) > 3 else ''})")

    def _require_reviewable(self, chunk: int) -> None:
        """Review changes only touch a chunk whose change is in the tree and not landed."""
        status = self._session.chunk_state(chunk).status
        if status not in (ChunkStatus.EXECUTED, ChunkStatus.VERIFIED, ChunkStatus.FAILED,
                          ChunkStatus.REVIEWING):
            raise StateError(f"chunk {chunk} is {status}: only a chunk under review can be changed")

    def chunk_patch(self, chunk: int) -> Patch:
        """The chunk's change so far: its start checkpoint vs the working tree."""
        return self._work.patch_since(self._start(chunk))

    def hunk_origin(self, chunk: int, path: str, hunk: Hunk | None = None) -> str:
        """Which tool call(s) of the chunk changed `path`, e.g. "chunk 2 · edit_file #3".
        Given the hunk, only the calls that wrote (or removed) its lines are named."""
        made = [c for c in edits.calls_of(self._session, chunk) if not c.is_error and path in c.paths]
        if hunk is not None:
            made = calls_behind(hunk, made) or made
        if not made:
            return f"chunk {chunk} · not traced to a tool call"
        return f"chunk {chunk} · " + ", ".join(f"{c.tool} #{c.number}" for c in made)

    def trace_hunk(self, chunk: int, path: str, hunk: Hunk | None = None) -> str:
        """The story of a hunk in review, as `pairtui why` tells a landed line: the calls that
        wrote it (tool, arguments, round, the model's words), the check, the comments."""
        from pairtui.agent.attempt_trace import hunk_story, read_attempt

        made = [c for c in edits.calls_of(self._session, chunk) if not c.is_error and path in c.paths]
        behind = calls_behind(hunk, made) if hunk is not None else made
        attempt = read_attempt(self._store.read_transcript(self._session.id), chunk)
        plan = self._session.plan
        title = plan.chunk(chunk).title if plan else ""
        return hunk_story(chunk, title, [c.number for c in behind], attempt)

    def reject_hunks(self, chunk: int, refs: list[tuple[int, int]]) -> None:
        """Reverse-apply these hunks of chunk_patch(chunk) in the working tree (all-or-nothing).
        The chunk's check has to pass again before it lands."""
        if not refs:
            return
        self._require_reviewable(chunk)
        patch = self.chunk_patch(chunk)
        self._work.snapshot("pre-reject", chunk, f"before rejecting {count(len(refs), 'hunk')}")
        self._work.reverse_hunks(patch, refs)
        session = edits.with_note(self._session, chunk, f"{count(len(refs), 'hunk')} rejected in review; re-verify")
        self._save(edits.with_changed_in_review(session, chunk))

    def reject_change(self, chunk: int, file: FileDiff, hunk: Hunk | None, undo: bool = False) -> None:
        """Reject one hunk of the chunk's change as shown in review, or just the lines of it the
        person chose: reverse-applied in the working tree; `undo` applies it forward again (the
        viewer's `z`). Checkpointed first, all-or-nothing; the chunk is checked again before it
        lands."""
        from pairtui.diff.select import single_hunk_patch

        self._require_reviewable(chunk)
        what = "undoing a reject" if undo else "rejecting lines"
        self._work.snapshot("pre-reject", chunk, f"before {what} in {file.path}")
        self._work.apply_change(single_hunk_patch(file, hunk), reverse=not undo)
        note = f"review {'restored' if undo else 'rejected'} a change in {file.path}; re-verify"
        self._save(edits.with_changed_in_review(edits.with_note(self._session, chunk, note), chunk))
