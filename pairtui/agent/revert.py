"""Rolling a chunk back: a LANDED one by a revert commit, any other to its start checkpoint.

Either way the result says how to undo it: the checkpoint to restore, and (for a revert) that
the revert commit stays in history, since a restore never moves HEAD. A LANDED chunk whose lines
later landed chunks changed cannot be reverted on its own: the refusal names those chunks and
the files, says to roll them back first (newest first), and changes nothing, checkpoints
included.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pairtui.agent import commit_story
from pairtui.agent import session_edits as edits
from pairtui.core.session import ChunkStatus
from pairtui.errors import PatchError
from pairtui.git.checkpoints import Checkpoint

if TYPE_CHECKING:
    from pairtui.agent.flow import Pairing


def revert_landed(p: Pairing, chunk: int, commit: str) -> tuple[Checkpoint, str, str]:
    """(pre-revert checkpoint, the chunk's note, how to undo) after reverting its commit."""
    try:
        trailers = commit_story.for_revert(p.session, chunk, commit, p.config)
        before, result = p._work.revert(chunk, commit, p._chunk(chunk).title, trailers)
    except PatchError as err:
        raise PatchError(_overlap_message(p, chunk, commit, err)) from err
    sha = result.commit[:10] if result.commit else None
    undo = f"`pairtui restore {before.id}` brings the files back as they were before"
    if sha:
        undo += f"; the revert commit {sha} stays in history (git revert {sha} undoes it there)"
        note = f"reverted by {sha}; {undo}"
    else:
        note = f"reverted: no new commit was needed; {undo}"
    return before, note, undo


def restore_start(p: Pairing, chunk: int) -> tuple[Checkpoint, str, str]:
    """(start checkpoint, note, how to undo) after putting an unlanded chunk's tree back."""
    target = p._start(chunk)
    p._save(edits.with_extra(p.session, pending_restore={"chunk": chunk, "checkpoint": target.id}))
    kept = p._work.restore(target)
    undo = f"`pairtui restore {kept.id}` brings back what was there"
    return target, f"rolled back to {target.id}; what was there is kept in {kept.id} ({undo})", undo


def _overlap_message(p: Pairing, chunk: int, commit: str, err: PatchError) -> str:
    mine = p._work.commit_paths(commit)
    later: list[tuple[int, list[str]]] = []
    for state in p.session.chunks:
        if state.number == chunk or state.status != ChunkStatus.LANDED or not state.commit:
            continue
        if state.commit == commit or not p._work.is_ancestor(commit, state.commit):
            continue
        shared = sorted(mine & p._work.commit_paths(state.commit))
        if shared:
            later.append((state.number, shared))
    if not later:
        return (f"chunk {chunk} cannot be rolled back: the lines it changed were changed again "
                f"since it landed, by your own edits or commits outside this session ({err.message}); "
                f"undo those first, or revert it by hand with git revert {commit[:10]}. "
                "Nothing was changed")
    later.sort(reverse=True)  # newest first
    named = ", ".join(f"chunk {n} in {', '.join(paths)}" for n, paths in sorted(later))
    order = ", then ".join(f"chunk {n}" for n, _ in later)
    who = "a later chunk" if len(later) == 1 else "later chunks"
    return (f"chunk {chunk} cannot be rolled back on its own: its lines no longer match since "
            f"{who} changed the same files ({named}); roll back {order} first, then chunk "
            f"{chunk}. Nothing was changed")
