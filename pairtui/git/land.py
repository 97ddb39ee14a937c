"""Land a chunk as one commit on the current branch. (Interface fixed; owned by the git work.)"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class LandResult:
    commit: str | None  # sha, or None when nothing was committed
    message: str        # one line for the person ("landed 3 files as abc1234", hook output...)


def land_chunk(
    repo_root: Path,
    start_tree: str,
    reviewed_tree: str,
    subject: str,
    body: str = "",
    include_overlapping_user_edits: bool = False,
) -> LandResult:
    """Commit exactly the changes start_tree -> reviewed_tree on top of HEAD.

    The person's uncommitted edits made before the chunk stay uncommitted and in place.
    Raises GitError (e.g. OverlapError) when that cannot be done safely.
    """
    raise NotImplementedError
