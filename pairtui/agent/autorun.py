"""The async mode: execute, verify and (optionally) land every chunk in order, unattended.

Exit codes per DESIGN.md: 0 done (or stopped for review); 1 a chunk failed its check after the
fix rounds (or its model loop was stopped) and was rolled back to its start checkpoint: earlier
chunks stay committed, the person's uncommitted edits survive. Provider errors propagate (exit 3)
and leave the chunk as it was, resumable, with a line saying how to roll it back.
"""

from __future__ import annotations

from collections.abc import Callable

from pairtui.agent.flow import Pairing
from pairtui.agent.tool_loop import LoopStoppedError
from pairtui.core.session import ChunkStatus
from pairtui.errors import ProviderError


async def run_chunks(pairing: Pairing, land: bool, say: Callable[[str], None]) -> int:
    """Work through the approved plan's open chunks; see the module docstring for the codes."""
    for state in pairing.session.chunks:
        if state.status in (ChunkStatus.LANDED, ChunkStatus.ROLLED_BACK):
            continue
        number = state.number
        try:
            ok = await _execute_and_verify(pairing, number)
        except LoopStoppedError as err:
            say(f"pairtui: chunk {number}: {err.message}")
            ok = False
        except ProviderError:
            pairing.notify(
                f"chunk {number} was interrupted; its partial changes are in the working tree. "
                f"`pairtui rollback {number}` restores its start checkpoint, `pairtui` resumes", "error")
            raise
        if not ok:
            checkpoint = pairing.rollback(number)
            say(f"pairtui: chunk {number} failed; rolled back to its start checkpoint {checkpoint.id} "
                "(earlier chunks stay committed, your own edits are kept)")
            return 1
        if not land:
            say(f"pairtui: chunk {number} is verified and waiting for your review: run `pairtui` "
                f"in {pairing.repo_root} to review and land it (or `pairtui review` to see the diff)")
            return 0
        pairing.land(number)
    say("pairtui: every chunk landed" if land else "pairtui: done")
    return 0


async def _execute_and_verify(pairing: Pairing, number: int) -> bool:
    status = next(s.status for s in pairing.session.chunks if s.number == number)
    if status == ChunkStatus.PENDING:
        await pairing.execute(number)
    elif status in (ChunkStatus.VERIFIED, ChunkStatus.REVIEWING):
        return True
    return await pairing.verify(number)
