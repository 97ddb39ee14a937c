"""Does the working tree already hold a revision's version of some paths?

`pairtui review A..B` on a range whose result is already in the tree (say `HEAD~1..HEAD`)
cannot apply it again; knowing that the tree holds B for every path the range touches lets the
review keep or drop the change instead. Read-only: a temp index (a copy of the person's, so
stat data is reused) takes the working tree with `add -A`; the person's index, HEAD and files
are never written.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from pairtui.git.plumbing import Git
from pairtui.git.tempindex import TempIndex, locate_index


def range_end(revs: str) -> str:
    """The revision a range's change leads to: B of "A..B" / "A...B" (HEAD when empty), or the
    commit itself for a single revision."""
    for sep in ("...", ".."):
        if sep in revs:
            return revs.partition(sep)[2] or "HEAD"
    return revs


def worktree_holds(repo_root: Path, rev: str, paths: Iterable[str]) -> bool:
    """True when every one of `paths` is in the working tree exactly as in `rev` (content and
    mode; a path absent from `rev` must be absent from the tree too, untracked files count)."""
    wanted = {p for p in paths if p}
    if not wanted:
        return False
    git = Git(Path(repo_root))
    tree = git.try_run("rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{tree}}")
    if not tree.ok:
        return False
    git_dir, user_index = locate_index(git, Path(repo_root))
    with TempIndex(git_dir) as index:
        index.copy_from(user_index)
        git.run("add", "-A", "--", ".", env=index.env, what="comparing with the working tree")
        out = git.run("diff", "--cached", "--name-only", "-z", "--no-renames",
                      tree.stdout.decode().strip(), env=index.env,
                      what="comparing with the working tree")
    differing = {os.fsdecode(name) for name in out.split(b"\0") if name}
    return not (differing & wanted)
