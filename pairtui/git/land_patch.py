"""Land a patch made elsewhere (a run's chunk, as reviewed) on the person's current branch.

A run's chunk is not in the person's working tree, so before the landing code (land.py) can
commit it the working tree has to take it, exactly as if pairtui's executor had written it:

1. `start` is a checkpoint of the person's working state (their dirty work included).
2. The patch is applied, each time in a temporary index (`git apply --cached --3way`), to
   HEAD's tree (the tree to commit) and to that checkpoint's tree (the person's files with
   the patch: the reviewed tree). Nothing is written yet; if the patch does not fit either
   the landing stops with PatchDoesNotFitError, naming the files (their edits, or the branch
   moved on since the run began), and nothing has changed.
3. The working tree moves from start to reviewed for the patch's paths only (switch.py: it
   refuses if a file changed since the checkpoint).
4. land_chunk commits HEAD's tree -> HEAD + patch: exactly the patch, even a part of it the
   person had also made in their files; their other edits stay uncommitted. If the
   landing fails, the working tree is switched back, so a chunk lands whole or not.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Sequence
from pathlib import Path

from pairtui.errors import GitError
from pairtui.git.checkpoints import Checkpoint
from pairtui.git.land import LandResult, land_chunk
from pairtui.git.plumbing import Git, first_line
from pairtui.git.repo import read_head
from pairtui.git.switch import switch_files, switch_problems
from pairtui.git.tempindex import TempIndex, locate_index
from pairtui.git.treediff import Change, changed_paths, tree_changes


class PatchDoesNotFitError(GitError):
    """The patch does not apply to the person's version of some files; nothing was written."""

    def __init__(self, paths: Sequence[str], dirty: bool) -> None:
        self.paths = tuple(paths)
        shown = ", ".join(self.paths[:5]) or "its files"
        if dirty:
            why = (f"the chunk changes lines you have also changed (uncommitted) in {shown}; "
                   "commit or stash your edits there, then land it again")
        else:
            why = (f"the chunk no longer applies to {shown} on your branch (it changed since "
                   "the run began)")
        super().__init__(f"{why}; nothing was landed for it")


def patch_paths(git: Git, patch: bytes) -> list[str]:
    """The paths a git patch touches (both sides of a rename), as `git apply --numstat` says."""
    out = git.try_run("apply", "--numstat", "-z", "-", input=patch)
    paths: list[str] = []
    fields = out.stdout.split(b"\0")
    i = 0
    while i < len(fields):
        parts = fields[i].split(b"\t")
        if len(parts) == 3 and parts[2]:
            paths.append(os.fsdecode(parts[2]))
            i += 1
        elif len(parts) == 3:  # a rename: old and new paths follow
            paths.extend(os.fsdecode(p) for p in fields[i + 1:i + 3])
            i += 3
        else:
            i += 1
    return [p for p in paths if p]


# Before 2.32, `git apply --3way` matched context first and merged only when that failed: a
# hunk whose context also occurs elsewhere could land in the wrong function. Never guess.
THREE_WAY_FIRST = (2, 32)


def require_three_way_first(git: Git) -> None:
    """A one-line GitError on a git older than THREE_WAY_FIRST, before anything is written."""
    out = git.try_run("version")
    found = re.search(rb"(\d+)\.(\d+)", out.stdout)
    version = (int(found.group(1)), int(found.group(2))) if found else (0, 0)
    if version < THREE_WAY_FIRST:
        have = first_line(out.stdout.decode("utf-8", "replace")) or "unknown"
        raise GitError(f"landing a run's chunk needs git {THREE_WAY_FIRST[0]}.{THREE_WAY_FIRST[1]} "
                       f"or later ({have}); nothing was landed")


def tree_with_patch(repo_root: Path, base_tree: str, patch: bytes) -> str | None:
    """The tree `base_tree` + `patch` (built in a temp index, three-way where the context
    moved); None when it does not apply. Writes only objects."""
    git = Git(repo_root)
    require_three_way_first(git)
    git_dir, _ = locate_index(git, Path(repo_root))
    with TempIndex(git_dir) as index:
        git.run("read-tree", base_tree, env=index.env, what="landing (git read-tree)")
        applied = git.try_run("apply", "--cached", "--3way", "--whitespace=nowarn", "-",
                              env=index.env, input=patch)
        if not applied.ok:
            return None
        done = git.try_run("write-tree", env=index.env)
        return done.stdout.decode().strip() if done.ok else None


def exact_patch(repo_root: Path, base: str, patch: bytes) -> bytes | None:
    """`patch` (made on commit `base`, maybe only some of its hunks) re-made by git from
    `base` to `base` + patch, with full blob ids: applied elsewhere it is then a three-way
    merge from `base`, never a guess by context (a partial patch has no blob ids, and `git
    apply` puts a hunk wherever its context first matches, in another function alike).
    None when it does not apply to `base`."""
    git = Git(repo_root)
    base_tree = git.line("rev-parse", f"{base}^{{tree}}", what="reading the chunk's parent")
    tree = tree_with_patch(repo_root, base_tree, patch)
    if tree is None:
        return None
    return git.run("diff-tree", "-p", "--histogram", "-M", "--binary", "--full-index",
                   "--no-ext-diff", "--no-textconv", "--src-prefix=a/", "--dst-prefix=b/",
                   base_tree, tree, what="re-making the chunk's patch")


def land_patch(
    repo_root: Path,
    start: Checkpoint,
    scan_started_ns: int,
    patch: bytes,
    subject: str,
    body: str = "",
    trailers: Sequence[tuple[str, str]] = (),
    include_overlapping_user_edits: bool = False,
) -> LandResult:
    """Put `patch` in the working tree and commit exactly it on HEAD, all or nothing (see the
    module docstring). `start` must be a checkpoint of the working state taken just before,
    `scan_started_ns` the clock (time.time_ns) read before it was taken."""
    git = Git(repo_root)
    head = read_head(git)
    head_tree = git.line("rev-parse", f"{head.commit}^{{tree}}") if head.commit else \
        git.run("hash-object", "-w", "-t", "tree", "--stdin", input=b"").decode().strip()  # unborn
    committed = tree_with_patch(repo_root, head_tree, patch)
    reviewed = tree_with_patch(repo_root, start.tree, patch) if committed else None
    if committed is None or reviewed is None:
        paths = patch_paths(git, patch)
        dirty = changed_paths(git, head.commit, start.tree) if head.commit else set()
        mine = [p for p in paths if p in dirty] if committed else []
        raise PatchDoesNotFitError(mine or paths, bool(mine))
    changes = tree_changes(git, start.tree, reviewed)
    if not changes and committed == head_tree:
        return LandResult(None, "nothing to land: your files already have these changes")
    root = Path(repo_root)
    problems = switch_problems(git, root, changes, scan_started_ns)
    if problems:
        raise GitError(f"cannot put the chunk in your files: {'; '.join(problems)}; nothing was landed")
    git_dir, _ = locate_index(git, root)
    switch_files(git, root, git_dir, changes)
    try:
        # HEAD -> HEAD + patch: the commit is the patch on HEAD, whatever the person's files
        # already hold of it (a change they also made stays in the commit, theirs stay out).
        result = land_chunk(root, head_tree, committed, subject, body,
                            include_overlapping_user_edits, trailers=trailers)
    except BaseException:
        _switch_back(git, root, git_dir, changes)
        raise
    if result.commit is None:
        _switch_back(git, root, git_dir, changes)
    return result


def _switch_back(git: Git, root: Path, git_dir: Path, changes: list[Change]) -> None:
    back = [c._replace(old=c.new, new=c.old) for c in changes]
    try:
        switch_files(git, root, git_dir, back)
    except GitError as err:
        raise GitError(f"the landing failed and your files could not be put back "
                       f"({first_line(str(err))}); the checkpoint taken before holds them") from err


def now_ns() -> int:
    """The clock a checkpoint's scan is compared with (switch.py's safety check)."""
    return time.time_ns()
