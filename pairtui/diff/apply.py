"""Apply or reverse a (possibly filtered) patch to the working tree or the index.

Guarantees:
- byte-identical to `git apply` (`--reverse`, `--cached` for index=True) given the same patch
  (`render_patch(patch)`): hunks are applied in Python with git's own matching rules
  (pairtui.diff.fragments), a hunk without context as `git apply --unidiff-zero` would, binary
  files are checked and rebuilt by blob id (pairtui.diff.binary);
- all-or-nothing across files: every file is read, checked and patched in memory first; then
  each result goes to a temp file beside its target; only when every temp file is written are
  they moved into place with os.replace (modes kept or set as the patch says). A failure in that
  last step (ctrl+c included) puts back what was already moved, and names any file it could not;
  in index mode one `git update-index` does it all;
- paths that are absolute, contain "..", point into .git, or pass through a symlink are refused
  with UnsafePathError before anything is read.

Errors name the file and the hunk (its number in the patch it was read from).

Where git converts content (.gitattributes `text`/`eol`/`filter`, core.autocrlf) a patch
whose context does not match the bytes on disk is handed to `git apply`, checked first
(pairtui.diff.convert). Submodule entries are refused.

Design decision (issue 13): keep this Python applier rather than select in Python and let
`git apply --check` + `git apply` do every write. Weighed on two things:
- Correctness on real history (tests/test_diff_real_history.py, the corpus helper's harness:
  consecutive releases of attrs, click, idna, six, colorama x 6 diff flavours x 2 directions
  x 10-11 hunk subsets, against `git apply` of an independently filtered patch; for a short-id
  binary that names one blob, against the --full-index patch). On main: 2,358 of 2,880
  identical; 454 zero-context subsets refused, 15 applied in the wrong place (exit 0), 53
  short-id binaries refused with a wrong cause, 12 of 69 malformed variants applied. On this
  branch (the corpus helper's run; mine of its 2,640-subset version agrees): 2,880 identical (95 of them short-id
  binaries taken from the object store), 69 of 69 malformed variants refused, tree untouched.
  Every mismatch had been in parsing and positioning; none needed git to do the write.
- Speed (benchmarks/apply_bench.py, 1,000 of 2,000 hunks in 100 files, two runs on the shared,
  loaded 2-core machine, medians of 11): `git apply` 40 / 32 ms; parse + select + this applier
  97 / 72 ms; parse + select + render + `git apply --check` + `git apply` 96 / 62 ms; best runs
  52 vs 55 and 41 vs 41 ms. Within the noise: creating the 100 new files dominates (profiled:
  os.open of the temp files) and is the same work either way. Since then parsing builds no
  DiffLine for a hunk until asked (apply reads the patch lines): parse ~7 ms hot for the 2,000
  hunks (was ~16), select ~1.3 (was ~4). In runs interleaving main, this code and `git apply`,
  best of 21: 42 / 29 / 10 ms on a quiet machine. The rest is the atomic write: temp files
  renamed over their targets alone cost 0.74-0.92x a whole `git apply` (its floor row; here a
  rename over a file cost about twice git's unlink and re-create in place), so <= 1.0x would
  leave Python ~2 ms for parse, select and apply of 1,000 hunks.
At these figures and equal results the applier stays, because git cannot give what it gives:
one all-or-nothing step across files that ctrl+c cannot leave half-written (git writes file
by file), errors that name the hunk as the person numbered it (git names lines of a filtered
patch they never saw), `--unidiff-zero` per hunk (git's flag is per call and also loosens the
anchoring of every hunk with context), short-id binaries from the object store, and the index
apply behind staged rejects (pairtui.diff.reject). git still writes where it converts content.
No code was made dead by this decision.
"""

from __future__ import annotations

import itertools
import os
import stat
import subprocess
from collections import namedtuple

from pairtui.diff.binary import apply_binary
from pairtui.diff.convert import apply_with_git, uses_conversion
from pairtui.diff.fragments import apply_hunks
from pairtui.diff.model import FileDiff, FileStatus, Patch
from pairtui.diff.select import (  # the selection API lives in select.py; offered here too
    parse_spec,
    reverse_patch,
    select_hunks,
    select_lines,
    split_hunk,
)
from pairtui.diff.sources import SYMLINK, IndexSource, WorktreeSource
from pairtui.errors import GitError, PatchError, UnsafePathError

TYPE_CHECKING = False  # not typing's, and pathlib only for hints: see model.py
if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["apply_patch", "check_path", "parse_spec", "reverse_patch", "select_hunks",
           "select_lines", "split_hunk"]

GITLINK = "160000"


class _Result(namedtuple("_Result", "path content mode remove before")):
    """One file's planned outcome: remove `remove` (if set), write `content` at `path`.
    (A named tuple: a dataclass costs every command ~0.5 ms to create.)"""

    __slots__ = ()
    path: str | None
    content: bytes | None
    mode: str
    remove: str | None
    before: dict[str, tuple[bytes, str]]  # what the touched paths held (for putting back)


def apply_patch(repo_root: Path | str, patch: Patch, *, reverse: bool = False,
                index: bool = False) -> None:
    """Apply exactly `patch` (all of it or nothing) to the working tree, or to the index."""
    root = os.path.realpath(repo_root)
    if reverse:
        patch = reverse_patch(patch)
    removed = _check_distinct(patch)
    source = IndexSource(root) if index else WorktreeSource(root)
    results: list[_Result] = []
    number = 0
    try:
        for f in patch.files:
            first = number + 1
            number += 1 if (f.is_binary or not f.hunks) else len(f.hunks)
            results.append(_plan_file(root, f, f.number or first, source, index, removed))
    except PatchError as err:
        if index or isinstance(err, UnsafePathError) or not _converted(root, patch):
            raise
        try:
            apply_with_git(root, patch)  # eol/filter conversions: git knows them (convert.py)
        except PatchError:
            raise err from None
        return
    if index:
        _write_index(root, results)
    else:
        _write_worktree(root, results)


def _converted(root: str, patch: Patch) -> bool:
    paths = sorted({p for f in patch.files for p in (f.old_path, f.new_path) if p is not None})
    return uses_conversion(root, paths)


def _check_distinct(patch: Patch) -> set[str]:
    """Each path is written at most once and removed at most once (a rename may land on a
    path that another file of the patch removes, as in a swap). Returns the removed paths."""
    written: set[str] = set()
    removed: set[str] = set()
    for f in patch.files:
        if f.new_path is not None:
            if f.new_path in written:
                raise PatchError(f"{f.new_path}: the patch writes this file twice; split it")
            written.add(f.new_path)
        if f.old_path is not None and (f.new_path is None or (
                f.old_path != f.new_path and f.status is not FileStatus.COPIED)):
            if f.old_path in removed:
                raise PatchError(f"{f.old_path}: the patch removes this file twice; split it")
            removed.add(f.old_path)
    return removed


def check_path(root: Path, rel: str, number: int, *, on_disk: bool = True) -> Path:
    """The absolute path for repo-relative `rel`, or UnsafePathError."""
    from pathlib import Path  # here: the review command's apply needs no Path

    _check_rel(str(root), rel, number, on_disk)
    return Path(root).joinpath(*rel.split("/"))


def _check_rel(top: str, rel: str, number: int, on_disk: bool) -> None:
    parts = rel.split("/")
    if (not rel or rel.startswith("/") or "\0" in rel
            or any(p in ("", ".", "..") for p in parts)):
        raise UnsafePathError(f"{rel}: hunk {number}: unsafe path (outside the repository)")
    if ".git" in rel.lower() and any(p.lower().rstrip(". ") == ".git" for p in parts):
        raise UnsafePathError(f"{rel}: hunk {number}: unsafe path (inside .git)")
    if on_disk and len(parts) > 1:
        current = top
        for part in parts[:-1]:
            current = os.path.join(current, part)
            if os.path.islink(current):
                raise UnsafePathError(f"{rel}: hunk {number}: unsafe path (through a symlink)")


def _plan_file(root: str, f: FileDiff, number: int, source: WorktreeSource, index: bool,
               removed: set[str]) -> _Result:
    top = str(root)
    for rel in (f.old_path, f.new_path if f.new_path != f.old_path else None):
        if rel is not None:
            _check_rel(top, rel, number, not index)
    if GITLINK in (f.old_mode, f.new_mode):
        raise PatchError(f"{f.path}: hunk {number}: submodule changes cannot be applied")
    old, current_mode = b"", None
    before: dict[str, tuple[bytes, str]] = {}
    if f.old_path is not None:
        old, current_mode = source.read(f.old_path, f.old_mode, number)
        before[f.old_path] = (old, current_mode)
    if (f.new_path is not None and f.new_path != f.old_path and f.new_path not in removed
            and source.exists(f.new_path)):
        raise PatchError(f"{f.new_path}: hunk {number}: already exists")
    if f.is_binary:
        new = apply_binary(old, f, number, root)
    elif f.hunks:
        numbers = [h.number or number + i for i, h in enumerate(f.hunks)]
        new = apply_hunks(old, f.hunks, f.path, numbers)
    else:
        new = old
    if f.new_path is None:
        if new:
            raise PatchError(f"{f.old_path}: hunk {number}: deleting the file would lose "
                             "lines the patch does not show")
        return _Result(None, None, "", f.old_path, before)
    mode = _target_mode(f, current_mode)
    remove = f.old_path if f.old_path not in (None, f.new_path) and f.status is not \
        FileStatus.COPIED else None
    return _Result(f.new_path, new, mode, remove, before)


def _target_mode(f: FileDiff, current: str | None) -> str:
    """As git: the patch's new mode when it states one (mode change, new file, or the mode on
    its index line), else the file's own."""
    if f.old_path is None or f.mode_changed or (f.old_oid and f.new_oid and f.new_mode):
        return f.new_mode or current or "100644"
    return current or f.new_mode or "100644"


def _write_worktree(root: str, results: list[_Result]) -> None:
    """Phase 2: every result into a temp file beside its target (nothing visible changes)."""
    top = str(root)
    temps: list[tuple[str, str]] = []
    made_dirs: list[str] = []
    present: set[str] = {top}
    try:
        for r in results:
            if r.path is None or r.content is None:
                continue
            target = os.path.join(top, r.path)
            _make_dirs(os.path.dirname(target), present, made_dirs)
            temps.append((_write_temp(target, r.content, r.mode), target))
    except BaseException as err:  # nothing visible changed yet: drop the temps and report
        _discard(temps, made_dirs)
        if not isinstance(err, OSError):
            raise
        raise PatchError(f"cannot write the patched files: {err}") from err
    _commit(top, results, temps, made_dirs)


def _make_dirs(directory: str, present: set[str], made: list[str]) -> None:
    missing: list[str] = []
    d = directory
    while d not in present and not os.path.isdir(d):
        missing.append(d)
        d = os.path.dirname(d)
    for d in reversed(missing):
        os.mkdir(d)
        made.append(d)
    present.add(directory)


def _write_temp(target: str, content: bytes, mode: str) -> str:
    """A new file beside `target` holding `content`; permissions as git gives them (0777 or
    0666 less the umask, applied by the kernel at creation)."""
    if mode == SYMLINK:
        temp = _temp_name(target)
        os.symlink(os.fsdecode(content), temp)
        return temp
    perm = 0o777 if mode == "100755" else 0o666
    while True:
        temp = _temp_name(target)
        try:
            fd = os.open(temp, _CREATE, perm)
            break
        except FileExistsError:
            continue
    try:
        view = memoryview(content)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)
    return temp


_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
_serial = itertools.count()


def _temp_name(target: str) -> str:
    head, name = os.path.split(target)
    return os.path.join(head, f".{name[:40]}.{os.getpid()}.{next(_serial)}.pairtui-tmp")


def _discard(temps: list[tuple[str, str]], made_dirs: list[str]) -> None:
    for temp, _ in temps:
        try:
            os.unlink(temp)
        except OSError:
            pass
    for d in reversed(made_dirs):
        try:
            os.rmdir(d)
        except OSError:
            pass


def _commit(top: str, results: list[_Result], temps: list[tuple[str, str]],
            made_dirs: list[str]) -> None:
    """Phase 3: move every result into place; on failure put back what was already changed."""
    backups: dict[str, tuple[bytes, str] | None] = {}
    known = {os.path.join(top, rel): saved for r in results for rel, saved in r.before.items()}

    def remember(path: str) -> None:
        if path in backups:
            return
        if path in known:
            backups[path] = known[path]
            return
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            backups[path] = None
            return
        if stat.S_ISLNK(st.st_mode):
            backups[path] = (os.fsencode(os.readlink(path)), SYMLINK)
        else:
            with open(path, "rb") as fh:
                backups[path] = (fh.read(), "100755" if st.st_mode & 0o100 else "100644")

    try:
        for r in results:
            if r.remove is not None:
                path = os.path.join(top, r.remove)
                remember(path)
                os.unlink(path)
        for temp, target in temps:
            remember(target)
            os.replace(temp, target)
    except BaseException as err:  # OSError, and ctrl+c or any other interruption mid-way too
        lost = [os.path.relpath(p, top) for p in _restore(backups)]
        _discard(temps, made_dirs)
        if lost:
            note = f"could not put back {', '.join(lost)}; restore them from the checkpoint"
            if not isinstance(err, OSError):
                err.add_note(f"pairtui: {note}")
                raise
            raise PatchError(f"cannot write the patched files: {err}; {note}") from err
        if not isinstance(err, OSError):
            raise
        raise PatchError(f"cannot write the patched files (nothing changed): {err}") from err
    for r in results:
        if r.remove is not None:
            _prune_empty_dirs(os.path.dirname(os.path.join(top, r.remove)), top)


def _restore(backups: dict[str, tuple[bytes, str] | None]) -> list[str]:
    """Put every backed-up path back as it was; returns the paths that could not be."""
    lost: list[str] = []
    for path, saved in backups.items():
        try:
            if os.path.lexists(path):
                os.unlink(path)
            if saved is not None:
                os.replace(_write_temp(path, saved[0], saved[1]), path)
        except OSError:
            lost.append(path)
    return lost


def _prune_empty_dirs(directory: str, top: str) -> None:
    """As git: a directory emptied by removing a file goes too (never the repo root)."""
    while directory != top and directory.startswith(top + os.sep):
        try:
            os.rmdir(directory)
        except OSError:
            return
        directory = os.path.dirname(directory)


def _write_index(root: str, results: list[_Result]) -> None:
    """Store the new blobs, then change every index entry in one `git update-index`."""
    lines = [b"0 " + b"0" * 40 + b"\t" + _name(r.remove) for r in results
             if r.remove is not None]  # removals first: a rename may land on a removed path
    for r in results:
        if r.path is None or r.content is None:
            continue
        oid = _git(root, ["hash-object", "-w", "--stdin"], r.content).strip()
        lines.append(r.mode.encode() + b" " + oid + b"\t" + _name(r.path))
    if lines:
        _git(root, ["update-index", "-z", "--index-info"], b"\0".join(lines) + b"\0")


def _name(rel: str) -> bytes:
    return rel.encode("utf-8", "surrogateescape")


def _git(root: str, args: list[str], stdin: bytes) -> bytes:
    out = subprocess.run(["git", *args], cwd=root, input=stdin, capture_output=True)
    if out.returncode != 0:
        raise GitError(f"git {args[0]} failed: {out.stderr.decode(errors='replace').strip()}")
    return out.stdout

