"""Moving the working tree from one snapshot tree to another, touching only what differs.

`read-tree -m -u` walks both whole trees, so its cost follows the repository's size; a
restore here costs what its changes cost. It keeps read-tree's two safety checks:
- a path the restore replaces or deletes must still be as the pre-restore snapshot saw it
  (else someone wrote it meanwhile: refuse; like read-tree's own check, a write in the
  moment between this check and the switch is not seen);
- a path the restore creates must be free (else it holds an ignored or brand-new file that no
  checkpoint has: refuse). git >= 2.34's read-tree would overwrite ignored files here.
Then files that go away are removed (and directories left empty by that), and the new
versions are written by `git checkout-index` from a small index holding only those paths,
so git's own modes, symlinks and checkout filters apply. Removals come first so a directory
can replace a file and the other way round.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from pairtui.errors import GitError
from pairtui.git.crashpoints import crash_point
from pairtui.git.in_the_way import paths_in_the_way
from pairtui.git.plumbing import Git
from pairtui.git.tempindex import TempIndex
from pairtui.git.treediff import Change, index_info

GITLINK = "160000"
_CLOCK_MARGIN_NS = 20_000_000  # file times come from a coarse clock that lags up to a tick (<=10 ms)


def _shown(paths: list[str]) -> str:
    return ", ".join(paths[:5]) + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")


def switch_problems(git: Git, root: Path, changes: list[Change], scan_started_ns: int) -> list[str]:
    """Reasons the switch would lose bytes (empty: safe). Reads only."""
    problems: list[str] = []
    blocked = paths_in_the_way(root, changes)
    if blocked:
        problems.append(f"it would overwrite {_shown(blocked)}, which no checkpoint holds "
                        "(ignored or just created)")
    moved = changed_since_snapshot(git, root, changes, scan_started_ns)
    if moved:
        problems.append(f"{_shown(moved)} changed while restoring")
    return problems


def changed_since_snapshot(git: Git, root: Path, changes: list[Change], scan_started_ns: int) -> list[str]:
    """Paths the switch would replace or delete whose content is no longer the snapshot's.

    A file whose inode changed (ctime, which no program can set back) before the snapshot's
    scan began was read by that scan as it is now. Only files changed since then (with a
    margin for the kernel's coarse file clock) are hashed and compared, in Python, and by
    `git hash-object` (with the repo's filters) only when the raw bytes differ."""
    moved: list[str] = []
    recent: list[Change] = []
    for change in changes:
        if change.old is None or change.old.mode == GITLINK:
            continue
        full = os.path.join(root, change.path)
        try:
            st = os.lstat(full)
        except FileNotFoundError:
            continue  # deleted meanwhile: its content is in the snapshot
        if st.st_ctime_ns < scan_started_ns - _CLOCK_MARGIN_NS:
            continue
        if stat.S_ISLNK(st.st_mode):
            if _blob_sha(os.readlink(os.fsencode(full)), change.old.sha) != change.old.sha:
                moved.append(change.path)
        elif not stat.S_ISREG(st.st_mode) or b"\n" in os.fsencode(change.path):
            moved.append(change.path)  # not a file any more, or cannot be listed: refuse
        elif _file_sha(full, change.old.sha) != change.old.sha:
            recent.append(change)  # differs as raw bytes; git's filters may still make it equal
    if recent:
        listing = b"".join(os.fsencode(c.path) + b"\n" for c in recent)
        hashes = git.run("hash-object", "--stdin-paths", input=listing).decode().split()
        moved += [c.path for c, sha in zip(recent, hashes, strict=True)
                  if c.old is not None and sha != c.old.sha]
    return moved


def _blob_sha(content: bytes, like: str) -> str:
    """git's blob id of raw bytes, in the repo's hash (told by the length of a known id)."""
    import hashlib  # here: only a restore hashes files; snapshots need not load OpenSSL

    digest = hashlib.sha256 if len(like) == 64 else hashlib.sha1
    return digest(b"blob %d\0" % len(content) + content).hexdigest()


def _file_sha(path: str, like: str) -> str:
    try:
        with open(path, "rb") as f:
            return _blob_sha(f.read(), like)
    except OSError:
        return ""


def switch_files(git: Git, root: Path, git_dir: Path, changes: list[Change]) -> None:
    """Make each changed path in the working tree hold its new entry (or nothing)."""
    for change in changes:
        if change.new is None and change.old is not None and change.old.mode != GITLINK:
            _remove(root, change.path)
    crash_point("restore:files-removed")
    writes = [(c.path, c.new) for c in changes if c.new is not None]
    if not writes:
        return
    with TempIndex(git_dir) as small:
        git.run("update-index", "-z", "--index-info", input=index_info(writes), env=small.env,
                what="restore (git update-index)")
        git.run("checkout-index", "-a", "-f", env=small.env, what="restore (git checkout-index)")


def _remove(root: Path, path: str) -> None:
    full = os.path.join(root, path)
    parent_dir = os.path.dirname(full)
    if os.path.realpath(parent_dir) != os.path.join(os.path.realpath(root), os.path.dirname(path)).rstrip("/"):
        return  # a directory on the way became a symlink: never delete through it
    try:
        os.unlink(full)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise GitError(f"restore could not remove {path}: {exc.strerror}") from exc
    parent = os.path.dirname(path)
    while parent:  # as git does: drop the directories this removal left empty
        try:
            os.rmdir(os.path.join(root, parent))
        except OSError:
            break
        parent = os.path.dirname(parent)
