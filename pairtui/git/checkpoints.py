"""Checkpoints on private refs. (Interface fixed; owned by the git work.)

Snapshots never touch the user's index, HEAD, branches, stash or ignored files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Checkpoint:
    id: str        # short, human-typeable id: "<session>/<n>-<step>"
    ref: str       # "refs/pairtui/<session>/<n>-<step>"
    commit: str    # sha of the snapshot commit
    tree: str      # sha of its tree
    session: str
    n: int
    step: str      # "start", "executed", "verified", "reviewed", "manual", "pre-restore", ...
    chunk: int | None
    message: str
    time: float
    files_changed: int = 0  # vs HEAD at the time of the snapshot


class Checkpoints:
    """Snapshot / restore / list for one session's checkpoints."""

    def __init__(self, repo_root: Path, session: str) -> None:
        self.repo_root = repo_root
        self.session = session

    def snapshot(self, step: str, chunk: int | None = None, message: str = "") -> Checkpoint:
        raise NotImplementedError

    def restore(self, checkpoint: Checkpoint | str) -> Checkpoint:
        """Make the working tree equal to the checkpoint; returns the pre-restore snapshot."""
        raise NotImplementedError

    def list(self, all_sessions: bool = False) -> list[Checkpoint]:
        raise NotImplementedError

    def get(self, checkpoint_id: str) -> Checkpoint:
        raise NotImplementedError
