"""The async mode: execute, verify and (optionally) land every chunk in order, unattended.

It steps the same flow as `enter` in the TUI, so a resumed session carries on from wherever it
was. Exit codes per DESIGN.md: 0 done (or stopped for review); 1 a chunk failed its check
after the fix rounds (or its model loop was stopped) and was rolled back to its start
checkpoint: earlier chunks stay committed, the person's uncommitted edits survive. Provider
errors propagate (exit 3) and leave the chunk as it was, resumable.
"""

from __future__ import annotations

from collections.abc import Callable

from pairtui.agent.flow import Pairing
from pairtui.agent.tool_loop import LoopStoppedError
from pairtui.core.session import ChunkStatus, Phase
from pairtui.errors import ProviderError

_WAITING = (ChunkStatus.VERIFIED, ChunkStatus.REVIEWING)


async def run_chunks(pairing: Pairing, land: bool, say: Callable[[str], None]) -> int:
    """Step through the approved plan's open chunks; see the module docstring for the codes."""
    while pairing.session.phase != Phase.DONE and pairing.session.current is not None:
        number = pairing.session.current
        if not land and pairing.session.chunk_state(number).status in _WAITING:
            say(f"pairtui: chunk {number} is verified and waiting for your review: run `pairtui` "
                f"in {pairing.repo_root} to review and land it (or `pairtui review` to see the diff)")
            return 0
        try:
            step = await pairing.next_step()
        except LoopStoppedError as err:
            say(f"pairtui: chunk {number}: {err.message}")
            step = "failed"
        except ProviderError:
            pairing.notify(
                f"chunk {number} was interrupted; its partial changes are in the working tree. "
                f"Run the same command with --plan {pairing.plan_path()} to carry on, or "
                f"`pairtui rollback {number}` to undo the chunk", "error")
            raise
        if step == "failed":
            pairing.rollback(number)
            note = pairing.session.chunk_state(number).note
            say(f"pairtui: chunk {number} failed; {note} (earlier chunks stay committed; edits you "
                "made before the chunk are in place, anything changed since is in that checkpoint)")
            return 1
    say("pairtui: every chunk landed" if land else "pairtui: done")
    return 0
