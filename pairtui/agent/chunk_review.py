"""Review of a chunk's change: its patch, where each hunk came from, and rejecting parts of it.
A mixin of Pairing (agent/flow.py), kept apart so the flow reads in one sitting."""

from __future__ import annotations

from pairtui.agent import session_edits as edits
from pairtui.agent.call_trace import calls_behind
from pairtui.agent.workspace import Workspace
from pairtui.core.session import Session
from pairtui.core.store import SessionStore
from pairtui.diff.model import FileDiff, Hunk, Patch
from pairtui.git.checkpoints import Checkpoint


class ChunkReview:
    """What the diff viewer asks of the engine while a chunk is reviewed."""

    _work: Workspace
    _session: Session
    _store: SessionStore

    def _start(self, chunk: int) -> Checkpoint:  # Pairing's: the chunk's start checkpoint
        raise NotImplementedError

    def _save(self, session: Session) -> None:  # Pairing's: persist, then report
        raise NotImplementedError

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
        patch = self.chunk_patch(chunk)
        self._work.snapshot("pre-reject", chunk, f"before rejecting {len(refs)} hunk(s)")
        self._work.reverse_hunks(patch, refs)
        session = edits.with_note(self._session, chunk, f"{len(refs)} hunk(s) rejected in review; re-verify")
        self._save(edits.with_changed_in_review(session, chunk))

    def reject_change(self, chunk: int, file: FileDiff, hunk: Hunk | None, undo: bool = False) -> None:
        """Reject one hunk of the chunk's change as shown in review, or just the lines of it the
        person chose: reverse-applied in the working tree; `undo` applies it forward again (the
        viewer's `z`). Checkpointed first, all-or-nothing; the chunk is checked again before it
        lands."""
        from pairtui.diff.select import single_hunk_patch

        what = "undoing a reject" if undo else "rejecting lines"
        self._work.snapshot("pre-reject", chunk, f"before {what} in {file.path}")
        self._work.apply_change(single_hunk_patch(file, hunk), reverse=not undo)
        note = f"review {'restored' if undo else 'rejected'} a change in {file.path}; re-verify"
        self._save(edits.with_changed_in_review(edits.with_note(self._session, chunk, note), chunk))
