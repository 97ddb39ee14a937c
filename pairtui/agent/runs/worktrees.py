"""A run's linked worktree and branch: made from HEAD, under the repo's git dir, removed on clean.

`git worktree add` writes only the new worktree, its own git dir (.git/worktrees/<id>) and the
new branch: the person's worktree, index, HEAD and stash are never read for writing.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

from pairtui.errors import GitError, UsageError
from pairtui.git.checkpoint_refs import REF_ROOT
from pairtui.git.plumbing import Git, first_line


def new_run_id() -> str:
    return secrets.token_hex(3)


def slug(goal: str, limit: int = 32) -> str:
    """A branch-friendly slug of the goal: lower-case words joined by '-'."""
    words = re.findall(r"[a-z0-9]+", goal.lower())
    out = ""
    for word in words:
        if len(out) + len(word) + 1 > limit:
            break
        out = f"{out}-{word}" if out else word
    return out or "run"


def common_dir(root: Path) -> Path:
    """The repository's common git dir (the main one, also from a linked worktree)."""
    out = Git(root).run("rev-parse", "--path-format=absolute", "--git-common-dir",
                        what="finding the git dir")
    return Path(os.fsdecode(out).strip())


def check_branch(root: Path, branch: str) -> None:
    """One-line UsageError for a bad or taken branch name, before anything is made."""
    git = Git(root)
    if not git.try_run("check-ref-format", "--branch", branch).ok or branch.startswith("-"):
        raise UsageError(f"bad branch name {branch!r}")
    if git.try_run("rev-parse", "--verify", "--quiet", f"refs/heads/{branch}").ok:
        raise UsageError(f"branch {branch!r} already exists; name another with --branch")


def add_worktree(root: Path, path: Path, branch: str) -> Path:
    """`git worktree add -b BRANCH PATH HEAD`; returns the new worktree's own git dir."""
    git = Git(root)
    if not git.try_run("rev-parse", "--verify", "--quiet", "HEAD^{commit}").ok:
        raise UsageError("the repository has no commit yet: a worktree run starts from HEAD")
    path.parent.mkdir(parents=True, exist_ok=True)
    made = git.try_run("worktree", "add", "--quiet", "-b", branch, str(path), "HEAD")
    if not made.ok:
        raise GitError(f"could not make the run's worktree: {first_line(made.stderr)}")
    out = Git(path).run("rev-parse", "--absolute-git-dir", what="reading the worktree")
    return Path(os.fsdecode(out).strip())


def branch_landed(root: Path, branch: str) -> bool:
    """Is every commit of `branch` already in HEAD (merged, or nothing new)?"""
    return Git(root).try_run("merge-base", "--is-ancestor", f"refs/heads/{branch}", "HEAD").ok


def remove_worktree(root: Path, path: Path, git_dir: Path, branch: str) -> list[str]:
    """Remove the worktree, its branch and its checkpoint refs; returns what went wrong."""
    git = Git(root)
    problems: list[str] = []
    if path.exists() or git_dir.exists():
        gone = git.try_run("worktree", "remove", "--force", "--force", str(path))
        if not gone.ok:
            problems.append(f"worktree {path}: {first_line(gone.stderr)}")
    git.try_run("worktree", "prune")
    if git.try_run("rev-parse", "--verify", "--quiet", f"refs/heads/{branch}").ok:
        deleted = git.try_run("branch", "-D", "--", branch)
        if not deleted.ok:
            problems.append(f"branch {branch}: {first_line(deleted.stderr)}")
    refs = git.try_run("for-each-ref", "--format=delete %(refname)",
                       f"{REF_ROOT}wt-{git_dir.name}/")
    if refs.ok and refs.stdout.strip():
        git.try_run("update-ref", "--stdin", input=refs.stdout)
    return problems
