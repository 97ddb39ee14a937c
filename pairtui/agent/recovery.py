"""What opening a session does about work a killed process left half done.

- A rollback whose intent was saved but whose restore may not have finished: restored again
  (restoring is idempotent and itself snapshots first), then recorded.
- A land whose commit was made but not recorded: if HEAD moved to a commit with the chunk's
  title, the chunk is recorded as landed with it; otherwise it waits in review.
- A chunk left EXECUTING or VERIFYING: nothing is changed; the person is told that stepping on
  undoes the interrupted round (see flow.py), or re-runs its check.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pairtui.agent import session_edits as edits
from pairtui.agent.events import ChunkRolledBack
from pairtui.core.session import ChunkStatus

if TYPE_CHECKING:
    from pairtui.agent.flow import Pairing


def resume(p: Pairing) -> None:
    session = p.session
    pending = session.extra.get("pending_restore")
    if pending:
        chunk = int(pending["chunk"])
        target = p._work.checkpoint(pending["checkpoint"])
        p._work.restore(target)
        moved = session.advance(chunk, ChunkStatus.ROLLED_BACK, note="rolled back (finished on resume)")
        p._save(edits.with_extra(moved, pending_restore=None))
        p._emit(ChunkRolledBack(chunk, target))
        return
    landing = session.extra.get("landing")
    if landing:
        _finish_landing(p, int(landing["chunk"]), landing.get("head"))
        return
    chunk = session.current
    if chunk is None:
        return
    status = session.chunk_state(chunk).status
    if status == ChunkStatus.EXECUTING:
        where = "its last executed checkpoint" if edits.last_executed(session, chunk) else "its start"
        p.notify(f"chunk {chunk} was interrupted while executing; stepping on goes back to {where} "
                 "(the partial edits are kept in a checkpoint)", "warning")
    elif status == ChunkStatus.VERIFYING:
        p.notify(f"chunk {chunk} was interrupted while verifying; its check will run again", "warning")


def _finish_landing(p: Pairing, chunk: int, head_before: str | None) -> None:
    head = p._work.head()
    session = edits.with_extra(p.session, landing=None)
    if head and head != head_before and p._work.subject(head) == p._chunk(chunk).title:
        session = session.landed(chunk, head)
        p.notify(f"chunk {chunk} had landed as {head[:10]} just before pairtui stopped")
    p._save(session)
