"""A scratch worktree: a throw-away detached checkout of one commit, under the repo's git dir.

Used to run a check on a state that is not in any worktree (a run's chunk with some hunks
rejected). `git worktree add --detach` writes only the new directory and its own git dir: the
person's worktree, index, HEAD, branches and stash are untouched, and no branch is made. The
worktree is removed (and pruned) on the way out, whatever happened inside.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

from pairtui.errors import GitError
from pairtui.git.plumbing import Git, first_line


def _common_dir(git: Git) -> Path:
    out = git.run("rev-parse", "--path-format=absolute", "--git-common-dir", what="finding the git dir")
    return Path(os.fsdecode(out).strip())


@contextlib.contextmanager
def scratch_worktree(repo_root: Path, commit: str) -> Iterator[Path]:
    """A detached worktree at `commit` in `<git dir>/pairtui/scratch/<random>`, removed after."""
    git = Git(repo_root)
    path = _common_dir(git) / "pairtui" / "scratch" / secrets.token_hex(4)
    path.mkdir(parents=True)  # ours alone (never another scratch's), so ours to remove
    try:  # from before `worktree add`: an interrupt just after it must not leave it behind
        made = git.try_run("worktree", "add", "--quiet", "--detach", str(path), commit)
        if not made.ok:
            raise GitError(f"could not make a scratch worktree: {first_line(made.stderr)}")
        yield path
    finally:
        git.try_run("worktree", "remove", "--force", "--force", str(path))
        shutil.rmtree(path, ignore_errors=True)  # half made: not a worktree git would remove
        git.try_run("worktree", "prune")
