"""Repo discovery and guards. (Interface fixed; owned by the git work.)"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RepoInfo:
    root: Path      # work tree top level
    git_dir: Path   # absolute; for linked worktrees, the worktree's own git dir


def find_repo(path: Path) -> RepoInfo:
    """Raises RepoStateError (exit 4) outside a repo or in a bare repo."""
    raise NotImplementedError


def ensure_ready(repo: RepoInfo) -> None:
    """Raises RepoStateError when a merge/rebase/cherry-pick/revert/bisect is in progress."""
    raise NotImplementedError
