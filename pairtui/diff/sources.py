"""Where apply reads the current content of the files a patch touches: the working tree, or
the index (for `apply_patch(..., index=True)`). Reads only; apply.py does every write."""

from __future__ import annotations

import os
import stat
import subprocess

from pairtui.errors import GitError, PatchError

TYPE_CHECKING = False  # not typing's, and pathlib only for hints: see model.py
if TYPE_CHECKING:
    from pathlib import Path

SYMLINK = "120000"


class WorktreeSource:
    """The files as they are on disk (a symlink read as its target, like git)."""

    def __init__(self, root: Path | str) -> None:
        self.root = root
        self.top = str(root)

    def read(self, rel: str, mode: str | None, number: int) -> tuple[bytes, str]:
        path = os.path.join(self.top, rel)
        try:
            return self._read(path, rel, mode, number)
        except (FileNotFoundError, NotADirectoryError):
            raise PatchError(f"{rel}: hunk {number}: file does not exist") from None
        except OSError as err:
            raise PatchError(f"{rel}: hunk {number}: cannot read it: {err.strerror}") from None

    def _read(self, path: str, rel: str, mode: str | None, number: int) -> tuple[bytes, str]:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            if mode not in (None, SYMLINK):
                raise PatchError(f"{rel}: hunk {number}: wrong type (a symlink, not a file)")
            return os.fsencode(os.readlink(path)), SYMLINK
        if not stat.S_ISREG(st.st_mode):
            raise PatchError(f"{rel}: hunk {number}: not a regular file")
        if mode == SYMLINK:
            raise PatchError(f"{rel}: hunk {number}: wrong type (a file, not a symlink)")
        with open(path, "rb") as fh:
            return fh.read(), "100755" if st.st_mode & 0o100 else "100644"

    def exists(self, rel: str) -> bool:
        return os.path.lexists(os.path.join(self.top, rel))

    def read_blob(self, oid: str) -> bytes | None:
        out = subprocess.run(["git", "cat-file", "blob", oid], cwd=self.root, capture_output=True)
        return out.stdout if out.returncode == 0 else None


class IndexSource(WorktreeSource):
    """The files as the index holds them (apply --cached)."""

    def __init__(self, root: Path | str) -> None:
        super().__init__(root)
        out = subprocess.run(["git", "ls-files", "-s", "-z"], cwd=root, capture_output=True)
        if out.returncode != 0:
            raise GitError("git ls-files failed: " + out.stderr.decode(errors="replace").strip())
        self.entries: dict[str, tuple[str, str]] = {}
        for rec in out.stdout.split(b"\0"):
            if rec:
                meta, _, name = rec.partition(b"\t")
                mode, oid, _stage = meta.decode().split()
                self.entries[name.decode("utf-8", "surrogateescape")] = (mode, oid)

    def read(self, rel: str, mode: str | None, number: int) -> tuple[bytes, str]:
        entry = self.entries.get(rel)
        if entry is None:
            raise PatchError(f"{rel}: hunk {number}: does not exist in the index")
        data = self.read_blob(entry[1])
        if data is None:
            raise PatchError(f"{rel}: hunk {number}: cannot read it from the index")
        return data, entry[0]

    def exists(self, rel: str) -> bool:
        return rel in self.entries
