"""Repo discovery and guards. (Interface fixed; owned by the git work.)

A linked worktree (where `.git` is a file) is a normal repo here: its git dir is the
worktree's own (`.git/worktrees/<name>`), which is where its index, HEAD and any
merge/rebase state live; refs (and so checkpoints) are shared with the main worktree.
"""

from __future__ import annotations

import os
from collections import namedtuple
from pathlib import Path

from pairtui.errors import RepoStateError
from pairtui.git.plumbing import Git, first_line


class RepoInfo(namedtuple("RepoInfo", "root git_dir")):
    """Where the repo is. (Named tuples here, not dataclasses: importing `dataclasses` costs
    every command that finds a repo ~7 ms, more than the git process that finds it.)"""

    __slots__ = ()
    root: Path      # work tree top level
    git_dir: Path   # absolute; for linked worktrees, the worktree's own git dir


class HeadState(namedtuple("HeadState", "branch commit")):
    """Where HEAD points: a branch (possibly unborn) or a detached commit."""

    __slots__ = ()
    branch: str | None  # "refs/heads/main", or None when detached
    commit: str | None  # None on an unborn branch (no commits yet)

    @property
    def unborn(self) -> bool:
        return self.commit is None

    @property
    def detached(self) -> bool:
        return self.branch is None


# Files in the git dir that mean an operation is half done, and how to get out of it.
_IN_PROGRESS: tuple[tuple[str, str, str], ...] = (
    ("rebase-merge", "a rebase", "git rebase --continue or git rebase --abort"),
    ("rebase-apply/applying", "a git am", "git am --continue or git am --abort"),
    ("rebase-apply", "a rebase", "git rebase --continue or git rebase --abort"),
    ("MERGE_HEAD", "a merge", "git commit or git merge --abort"),
    ("CHERRY_PICK_HEAD", "a cherry-pick", "git cherry-pick --continue or git cherry-pick --abort"),
    ("REVERT_HEAD", "a revert", "git revert --continue or git revert --abort"),
    ("BISECT_LOG", "a bisect", "git bisect reset"),
)


def find_repo(path: Path) -> RepoInfo:
    """Raises RepoStateError (exit 4) outside a repo or in a bare repo.

    One git process: `--show-toplevel` comes last, so where it fails (a bare repo, inside the
    git dir) the answers before it are still printed and say why."""
    path = Path(path)
    if not path.is_dir():
        raise RepoStateError(f"not a directory: {path}")
    result = Git(path).try_run(
        "rev-parse", "--is-bare-repository", "--is-inside-work-tree", "--absolute-git-dir",
        "--show-toplevel",
    )
    answers = [os.fsdecode(line) for line in result.stdout.split(b"\n")]
    if len(answers) < 3 or answers[0] not in ("true", "false"):
        reason = first_line(result.stderr)
        if "not a git repository" in reason:
            raise RepoStateError(f"not a git repository: {path}")
        if "dubious ownership" in reason:  # git's own advice, made one line
            owned = reason.rsplit(" at ", 1)[-1].strip("'") if " at " in reason else str(path)
            reason += f"; if you trust it: git config --global --add safe.directory {owned}"
        raise RepoStateError(f"cannot use the repository at {path}: {reason}")
    bare, inside, git_dir = answers[:3]
    if bare == "true":
        raise RepoStateError(f"{path} is a bare repository; pairtui needs a working tree")
    if inside != "true":
        raise RepoStateError(f"{path} is inside a git directory, not a working tree")
    if not result.ok or len(answers) < 4 or not answers[3]:
        raise RepoStateError(f"no working tree at {path} ({first_line(result.stderr)})")
    root = Path(answers[3])
    return RepoInfo(root=root, git_dir=Path(git_dir))


def ensure_ready(repo: RepoInfo) -> None:
    """Raises RepoStateError when a merge/rebase/cherry-pick/revert/bisect is in progress."""
    for name, what, way_out in _IN_PROGRESS:
        if (repo.git_dir / name).exists():
            raise RepoStateError(
                f"{what} is in progress in {repo.root}; finish or abort it first ({way_out})"
            )


def read_head(git: Git) -> HeadState:
    """HEAD's branch and commit, in one git call; works on unborn and detached HEADs."""
    result = git.try_run("rev-parse", "HEAD^{commit}", "--symbolic-full-name", "HEAD", "--")
    lines = [w for w in result.stdout.decode("utf-8", "surrogateescape").split() if w != "--"]
    if result.ok and len(lines) == 2:
        commit, branch = lines
        return HeadState(branch=None if branch == "HEAD" else branch, commit=commit)
    # Unborn: rev-parse cannot name HEAD's commit; ask which branch it will create.
    ref = git.try_run("symbolic-ref", "-q", "HEAD")
    branch = ref.stdout.decode("utf-8", "surrogateescape").strip() if ref.ok else None
    return HeadState(branch=branch or None, commit=None)
