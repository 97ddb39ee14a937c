"""Diffs between any two of {commit or tree, the index, the working tree}, made by git's own
diff (histogram, rename detection, full blob ids, binary data) and parsed into a Patch.

Guarantees: never touches the user's index, HEAD or files. The working tree side includes
untracked, non-ignored files (through a throw-away copy of the index), so new files an agent
wrote are reviewable. User diff settings (noprefix, mnemonic prefixes, external diff drivers,
textconv, color, relative) cannot change the output, so parsing is deterministic.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from pairtui.diff.model import Patch
from pairtui.diff.parse import read_patch, render_patch
from pairtui.errors import GitError, UsageError
from pairtui.git.tempindex import TempIndex

__all__ = ["INDEX", "WORKTREE", "diff_between", "diff_rev_range", "git_diff_bytes", "read_patch",
           "render_patch", "rev_range_bytes"]

INDEX = "INDEX"
WORKTREE = "WORKTREE"
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"

DIFF_FLAGS = (
    "--histogram", "-M", "--binary", "--no-color", "--no-ext-diff", "--no-textconv",
    "--full-index", "--no-relative", "--src-prefix=a/", "--dst-prefix=b/",
    "--ignore-submodules=all",
)
_CONFIG = ("-c", "core.quotePath=true", "-c", "diff.noprefix=false",
           "-c", "diff.mnemonicPrefix=false", "-c", "core.safecrlf=false")


def git_diff_bytes(repo_root: Path, old: str, new: str) -> bytes:
    """The raw patch git produces from `old` to `new` (each a commit-ish/tree, INDEX or
    WORKTREE)."""
    if old == new and old in (INDEX, WORKTREE):
        return b""
    if WORKTREE in (old, new) and INDEX not in (old, new):
        return _with_worktree_index(repo_root, old if new == WORKTREE else new,
                                    reverse=old == WORKTREE)
    if old == INDEX and new == WORKTREE:
        return _git(repo_root, "diff", *DIFF_FLAGS)
    if old == WORKTREE and new == INDEX:
        return _git(repo_root, "diff", "-R", *DIFF_FLAGS)
    if new == INDEX:
        return _git(repo_root, "diff", "--cached", *DIFF_FLAGS, _tree(repo_root, old))
    if old == INDEX:
        return _git(repo_root, "diff", "--cached", "-R", *DIFF_FLAGS, _tree(repo_root, new))
    return _git(repo_root, "diff", *DIFF_FLAGS, _tree(repo_root, old), _tree(repo_root, new))


def diff_between(repo_root: Path, old: str, new: str) -> Patch:
    """The change from `old` to `new` as a Patch (see git_diff_bytes for the sides)."""
    return read_patch(git_diff_bytes(Path(repo_root), old, new))


def diff_rev_range(repo_root: Path, revs: str) -> Patch:
    """"a..b" (a to b), "a...b" (merge-base of a and b to b), or a single commit (its own
    change against its first parent). An empty side means HEAD, as in git."""
    return read_patch(rev_range_bytes(Path(repo_root), revs))


def rev_range_bytes(repo_root: Path, revs: str) -> bytes:
    if "..." in revs:
        a, _, b = revs.partition("...")
        a, b = a or "HEAD", b or "HEAD"
        base = _git(repo_root, "merge-base", _commit(repo_root, a), _commit(repo_root, b))
        return git_diff_bytes(repo_root, base.decode().strip(), b)
    if ".." in revs:
        a, _, b = revs.partition("..")
        return git_diff_bytes(repo_root, a or "HEAD", b or "HEAD")
    commit = _commit(repo_root, revs)
    parents = _git(repo_root, "rev-list", "--parents", "-n", "1", commit).split()
    base = parents[1].decode() if len(parents) > 1 else EMPTY_TREE
    return git_diff_bytes(repo_root, base, commit)


def _with_worktree_index(repo_root: Path, tree_ish: str, reverse: bool) -> bytes:
    """tree vs working tree including untracked files, via a temporary copy of the index."""
    tree = _tree(repo_root, tree_ish)
    git_dir = Path(_git(repo_root, "rev-parse", "--absolute-git-dir").decode().strip())
    with TempIndex(git_dir) as index:
        index.copy_from(git_dir / "index")  # keeps the mtime: racy-clean files get re-hashed
        env = index.env
        _git(repo_root, "add", "-A", "--", ".", env=env)
        args = ["diff", "--cached", *DIFF_FLAGS]
        if reverse:
            args.insert(2, "-R")
        return _git(repo_root, *args, tree, env=env)


def head_tree_or_empty(repo_root: Path) -> str:
    """HEAD's tree, or the empty tree in a repo with no commits yet (so "the working tree's
    changes" means every file there)."""
    out = _run(repo_root, "rev-parse", "--verify", "--quiet", "HEAD^{tree}")
    return out.stdout.decode().strip() if out.returncode == 0 else EMPTY_TREE


def _tree(repo_root: Path, rev: str) -> str:
    out = _run(repo_root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{tree}}")
    if out.returncode != 0:
        raise UsageError(f"unknown revision or tree: {rev}")
    return out.stdout.decode().strip()


def _commit(repo_root: Path, rev: str) -> str:
    out = _run(repo_root, "rev-parse", "--verify", "--quiet", "--end-of-options",
               f"{rev}^{{commit}}")
    if out.returncode != 0:
        raise UsageError(f"unknown revision: {rev}")
    return out.stdout.decode().strip()


def _run(repo_root: Path, *args: str, env: dict[str, str] | None = None
         ) -> subprocess.CompletedProcess[bytes]:
    full_env = None
    if env:
        full_env = dict(os.environ)
        full_env.update(env)
    try:
        return subprocess.run(["git", *_CONFIG, *args], cwd=repo_root, capture_output=True,
                              env=full_env, check=False)
    except OSError as err:
        raise GitError(f"cannot run git: {err}") from err


def _git(repo_root: Path, *args: str, env: dict[str, str] | None = None) -> bytes:
    out = _run(repo_root, *args, env=env)
    if out.returncode != 0:
        reason = out.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]} failed: {reason[-1] if reason else out.returncode}")
    return out.stdout
