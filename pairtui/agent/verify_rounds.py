"""A chunk's check and the fix rounds after it fails.

The check runs; on failure its output (tail, bounded) goes back to the executor, up to
config.max_fix_rounds times, each round followed by a checkpoint and the check again.
A fix round is FAILED -> EXECUTING -> EXECUTED -> VERIFYING in the session, each step persisted,
with an "executed" checkpoint after the executor's round. A chunk without a check (no Verify
line, no repo default) passes as "unverified". A cancelled check leaves the chunk VERIFYING,
so verifying again simply re-runs it. `recheck` is the check after review changes: once, no
fix rounds (the change is the person's own; the executor must not undo it), the chunk stays in
review either way. Files a check creates (caches, reports) are remembered, so
landing can leave them out of the chunk's commit.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from pairtui.agent import imported_checks, replay_cursor
from pairtui.agent import session_edits as edits
from pairtui.agent.events import StepStarted, VerifyFinished, VerifyOutput
from pairtui.agent.verify import CheckResult, run_check, tail
from pairtui.core.session import ChunkStatus
from pairtui.core.words import count
from pairtui.models.replay import Ask

if TYPE_CHECKING:
    from pairtui.agent.flow import Pairing

TAIL_LINES = 60
# Python caches compiled modules keyed on the source's mtime in whole seconds and its size: an
# edit in a fix round within the same second, same size, would run the stale cache. Checks do
# not write caches, so none goes stale (and none litters the chunk).
NO_BYTECODE = "export PYTHONDONTWRITEBYTECODE=1; "


class VerifyRounds:
    """Runs verify + fix rounds for a Pairing (uses its internals; not a public API)."""

    def __init__(self, pairing: Pairing) -> None:
        self._p = pairing
        self.cancel = asyncio.Event()

    async def run(self, chunk: int) -> bool:
        p = self._p
        imported_checks.require_runnable(p.session, p._chunk(chunk))
        command = p.check_command(chunk)
        self._enter_verifying(chunk)
        p._emit(StepStarted(chunk, "verifying"))
        if not command:
            p._emit(VerifyFinished(chunk, True, None))
            self._passed(chunk, "unverified: the chunk has no check")
            return True
        rounds = max(0, p.config.max_fix_rounds)
        for round_no in range(1, rounds + 2):
            result = await self._check(chunk, command)
            if result.passed:
                self._passed(chunk, f"verified: {command}")
                return True
            if result.cancelled:
                return False
            if round_no > rounds:
                break
            if missing := replay_cursor.unscripted(p.session, p._models(), "executor", Ask("fix", chunk)):
                p.notify(missing, "warning")  # a scripted model without a fix: to the person
                break
            p._save(p.session.advance(chunk, ChunkStatus.FAILED,
                                      note=f"check failed; fix round {round_no} of {rounds}"))
            p._save(p.session.advance(chunk, ChunkStatus.EXECUTING, note=f"fix round {round_no} of {rounds}"))
            p._emit(StepStarted(chunk, "fixing"))
            fix = p._executor.fix(p._brief(chunk), command, result.output, round_no, rounds,
                                  edits.next_call_number(p.session, chunk))
            await p._executor_round(chunk, fix, Ask("fix", chunk))
            p._save(p.session.advance(chunk, ChunkStatus.VERIFYING))
        note = (f"check still fails after {count(round_no - 1, 'fix round')}: {command}\n"
                + tail(result.output, TAIL_LINES))
        p._save(p.session.advance(chunk, ChunkStatus.FAILED, note=note))
        return False

    def _enter_verifying(self, chunk: int) -> None:
        """From wherever the chunk is to VERIFYING: after execution, after review changes, or
        again after a failure (the person's own fixes: FAILED -> EXECUTING -> EXECUTED)."""
        p = self._p
        status = p._status(chunk)
        if status == ChunkStatus.VERIFYING:
            return
        if status == ChunkStatus.FAILED:
            p._save(p.session.advance(chunk, ChunkStatus.EXECUTING, note="checking again"))
            p._save(p.session.advance(chunk, ChunkStatus.EXECUTED))
        elif status == ChunkStatus.VERIFIED:
            p._save(p.session.advance(chunk, ChunkStatus.REVIEWING))
        p._save(p.session.advance(chunk, ChunkStatus.VERIFYING))

    async def recheck(self, chunk: int) -> bool:
        """The check of a chunk changed in review, run once while it stays REVIEWING. A pass
        takes a "verified" checkpoint and clears the unverified mark; a failure keeps the mark
        and says in the chunk's note what the person can do."""
        p = self._p
        command = p.check_command(chunk)
        assert command, "recheck needs a check"
        p._emit(StepStarted(chunk, "verifying"))
        result = await self._check(chunk, command)
        if result.passed:
            verified = p._work.snapshot("verified", chunk)
            session = edits.with_note(p.session, chunk, f"verified again after review: {command}")
            session = session.record_checkpoint(chunk, "verified", verified.id)
            p._save(edits.with_changed_in_review(session, chunk, False))
            return True
        why = "was cancelled" if result.cancelled else "fails"
        note = (f"the check {why} after the review changes, so nothing landed: undo a reject, send "
                f"the hunk back with a comment, or roll the chunk back\n" + tail(result.output, TAIL_LINES))
        p._save(edits.with_note(p.session, chunk, note))
        p.notify(f"chunk {chunk}: the check {why} after the review changes, so nothing landed: "
                 "undo a reject, send the hunk back with a comment, or roll the chunk back", "error")
        return False

    async def _check(self, chunk: int, command: str) -> CheckResult:
        p = self._p
        self.cancel = asyncio.Event()  # fresh: an Event is bound to the loop it first waited in
        before = await asyncio.to_thread(p._work.files)
        result = await run_check(NO_BYTECODE + command, p.repo_root, p.config.verify_timeout,
                                 on_output=lambda line: p._emit(VerifyOutput(line)), cancel=self.cancel,
                                 secrets=p.config.secrets, verify_env=p.config.verify_env)
        created = sorted(await asyncio.to_thread(p._work.files) - before)
        if created:
            p._session = edits.with_artifacts(p.session, chunk, created)
        p._emit(VerifyFinished(chunk, result.passed, command, result.exit_code,
                               tail(result.output, TAIL_LINES), result.timed_out, result.python))
        return result

    def _passed(self, chunk: int, note: str) -> None:
        p = self._p
        verified = p._work.snapshot("verified", chunk)
        session = p.session.advance(chunk, ChunkStatus.VERIFIED, note=note)
        session = session.record_checkpoint(chunk, "verified", verified.id)
        p._save(edits.with_changed_in_review(session, chunk, False))
