"""Files a restore would overwrite that no checkpoint holds.

Since git 2.34, `read-tree -m -u` treats ignored files as expendable: a restore that brings
back `out.dat` silently replaces an ignored `out.dat` the person has now. A snapshot holds
every file that is not ignored, so anything found at a path the restore creates (or where it
needs a directory) is ignored or brand new; the restore is refused instead. Cost follows
the number of paths the restore adds, not the size of the tree.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from pairtui.git.treediff import Change


def paths_in_the_way(root: Path, changes: Iterable[Change]) -> list[str]:
    changes = list(changes)
    in_snapshot = {c.path for c in changes if c.old is not None}
    blocked: list[str] = []
    for change in changes:
        if change.old is None and _blocked(root, change.path, in_snapshot):
            blocked.append(change.path)
    return blocked


def _blocked(root: Path, path: str, in_snapshot: set[str]) -> bool:
    parts = path.split("/")
    for depth in range(1, len(parts) + 1):
        prefix = "/".join(parts[:depth])
        full = os.path.join(root, prefix)
        try:
            is_dir = os.path.isdir(full) and not os.path.islink(full)
            exists = os.path.lexists(full)
        except OSError:
            return True
        if not exists:
            return False
        if depth < len(parts):
            if is_dir:
                continue  # a directory on the way: fine, keep walking down
            return prefix not in in_snapshot  # a file where a directory must go
        if is_dir:  # a directory where the file must go: only if all of it is in the snapshot
            return any(p not in in_snapshot for p in _files_under(full, prefix))
        return True  # something not in the snapshot sits exactly at the path
    return False


def _files_under(directory: str, prefix: str) -> Iterable[str]:
    for current, dirs, files in os.walk(directory):
        rel = os.path.relpath(current, directory)
        base = prefix if rel == "." else f"{prefix}/{rel}"
        for name in files + [d for d in dirs if os.path.islink(os.path.join(current, d))]:
            yield f"{base}/{name}"
