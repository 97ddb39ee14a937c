"""A corpus of real history nobody here wrote, and a hunk filter that does not use pairtui.

Sdists of consecutive releases of well-known packages (downloaded once with pip into a cache
outside the repository: $PAIRTUI_CORPUS_CACHE, else ~/.cache/pairtui-tests/sdists) become one
commit per release in a temp repo (one `git fast-import`), plus one-file commits beside each
release (the file with the most changed lines). `filter_patch` keeps chosen hunks of a git diff
and recomputes the side it is applied to, working on the patch text alone, so the reference
(`git apply` of its output) shares no code with pairtui's parser or selector.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

# Resolved at import: the suite's autouse fixture points HOME at a fresh temp dir per test.
CACHE = Path(os.environ.get("PAIRTUI_CORPUS_CACHE")
             or Path.home() / ".cache" / "pairtui-tests" / "sdists")

# Consecutive releases. attrs carries PNGs that change and a path with a space; idna carries
# multi-megabyte generated tables; click files without a final newline; colorama a file with
# CRLF line ends (demos/demo09.py, added in 0.4.5).
PACKAGES: dict[str, tuple[str, ...]] = {
    "attrs": ("22.2.0", "23.1.0", "23.2.0", "24.1.0", "24.2.0"),
    "click": ("8.1.4", "8.1.5", "8.1.6", "8.1.7"),
    "idna": ("3.4", "3.5", "3.6", "3.7"),
    "colorama": ("0.4.4", "0.4.5", "0.4.6"),
}

FLAVOURS: dict[str, tuple[str, ...]] = {
    "U3": ("-U3",),
    "U1": ("-U1",),
    "U0": ("-U0",),
    "U7": ("-U7",),
    "binary-M": ("--binary", "-M"),
    "full-index": ("--full-index",),
}


@dataclass(frozen=True)
class Change:
    """One commit of the corpus: `old` -> `new` (commit ids) and what it is."""

    name: str  # "attrs 23.1.0..23.2.0" or "attrs 23.1.0..23.2.0 one-file"
    old: str
    new: str
    paths: tuple[str, ...]  # every path the change touches (both sides of renames)


def sdist(name: str, version: str) -> Path:
    """The cached sdist, downloaded with pip the first time; OSError says why it is missing."""
    CACHE.mkdir(parents=True, exist_ok=True)
    for found in CACHE.glob(f"{name}-{version}.tar.gz"):
        return found
    out = subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps",
                          "--retries", "1", "--timeout", "15", "--no-binary", ":all:",
                          f"{name}=={version}", "-d", str(CACHE)],
                         capture_output=True, text=True, timeout=300)
    for found in CACHE.glob(f"{name}-{version}.tar.gz"):
        return found
    last = (out.stderr.strip().splitlines() or ["no output"])[-1]
    raise OSError(f"cannot download the {name} {version} sdist with pip: {last}")


def fetch_all() -> None:
    """Download the missing sdists side by side (pip spends most of ~12 s each waiting on
    metadata builds); the first failure is raised."""
    missing = [(n, v) for n, vs in PACKAGES.items() for v in vs
               if not any(CACHE.glob(f"{n}-{v}.tar.gz"))]
    with ThreadPoolExecutor(max_workers=6) as pool:
        for future in [pool.submit(sdist, n, v) for n, v in missing]:
            future.result()


def _git(repo: Path, *args: str, stdin: bytes | None = None) -> bytes:
    return subprocess.run(["git", *args], cwd=repo, input=stdin, check=True,
                          capture_output=True).stdout


def _release_files(path: Path) -> list[tuple[str, str, bytes]]:
    """(mode, path below the top folder, content) of each file in an sdist."""
    out: list[tuple[str, str, bytes]] = []
    with tarfile.open(path) as tar:
        for m in tar.getmembers():
            rel = m.name.split("/", 1)[1] if "/" in m.name else ""
            if not rel:
                continue
            if m.issym():
                out.append(("120000", rel, m.linkname.encode()))
            elif m.isfile():
                data = tar.extractfile(m).read()  # type: ignore[union-attr]
                out.append(("100755" if m.mode & 0o111 else "100644", rel, data))
    return out


def build_corpus(repo: Path) -> list[Change]:
    """The repo with one commit per release (each package in its own folder) and a one-file
    commit beside each release; the Changes to test, in history order."""
    fetch_all()
    _git(repo.parent, "init", "-q", "-b", "main", str(repo))
    stream = bytearray()
    mark = 0
    marks: list[tuple[str, str, int]] = []
    for name, versions in PACKAGES.items():
        for version in versions:
            mark += 1
            msg = f"{name} {version}".encode()
            stream += b"commit refs/heads/main\nmark :%d\n" % mark
            stream += b"committer Corpus <corpus@example.com> 1700000000 +0000\n"
            stream += b"data %d\n%s\n" % (len(msg), msg)
            stream += b"D %s\n" % name.encode()
            for mode, rel, data in _release_files(sdist(name, version)):
                stream += b"M %s inline %s/%s\ndata %d\n" % (mode.encode(), name.encode(),
                                                            rel.encode(), len(data))
                stream += data + b"\n"
            marks.append((name, version, mark))
    stream += b"done\n"
    _git(repo, "fast-import", "--quiet", "--done", stdin=bytes(stream))
    _git(repo, "checkout", "-q", "-f", "main")
    ids = _git(repo, "rev-list", "--reverse", "main").decode().split()
    changes: list[Change] = []
    for i in range(1, len(marks)):
        (name, old_v, _), (same, new_v, _) = marks[i - 1], marks[i]
        if name != same:
            continue
        label = f"{name} {old_v}..{new_v}"
        old, new = ids[i - 1], ids[i]
        changes.append(Change(label, old, new, _touched(repo, old, new)))
        one = _one_file_commit(repo, old, new, label)
        if one:
            changes.append(one)
    return changes


def _touched(repo: Path, old: str, new: str, *paths: str) -> tuple[str, ...]:
    out = _git(repo, "diff", "--name-only", "--no-renames", "-z", old, new, "--", *paths)
    return tuple(sorted(p for p in out.decode("utf-8", "surrogateescape").split("\0") if p))


def _one_file_commit(repo: Path, old: str, new: str, label: str) -> Change | None:
    """A commit on top of `old` changing only the text file with the most changed lines."""
    best: tuple[int, str] | None = None
    for row in _git(repo, "diff", "--numstat", "--no-renames", "-z", old, new).split(b"\0"):
        added, removed, path = (row.split(b"\t", 2) + [b"", b""])[:3]
        if added.isdigit() and removed.isdigit() and int(added) and int(removed):
            score = int(added) + int(removed)
            if best is None or score > best[0]:
                best = (score, path.decode("utf-8", "surrogateescape"))
    if best is None:
        return None
    path = best[1]
    env = dict(os.environ, GIT_INDEX_FILE=str(repo / ".git" / "one-file-index"))
    subprocess.run(["git", "read-tree", old], cwd=repo, env=env, check=True)
    entry = _git(repo, "ls-tree", new, "--", path).decode().split()
    subprocess.run(["git", "update-index", "--cacheinfo", f"{entry[0]},{entry[2]},{path}"],
                   cwd=repo, env=env, check=True)
    tree = subprocess.run(["git", "write-tree"], cwd=repo, env=env, check=True,
                          capture_output=True, text=True).stdout.strip()
    commit = _git(repo, "commit-tree", tree, "-p", old, "-m", f"{label}: {path} only"
                  ).decode().strip()
    return Change(f"{label} one-file", old, commit, (path,))


def make_patch(repo: Path, change: Change, flavour: str) -> bytes:
    return _git(repo, "diff", "--no-color", "--no-ext-diff", *FLAVOURS[flavour],
                change.old, change.new)


# ---- the independent hunk filter -------------------------------------------------------------

HUNK = re.compile(rb"^@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@")


@dataclass
class FileText:
    """One file of a git diff as text: header lines, then hunks (each its own lines)."""

    header: list[bytes]
    hunks: list[list[bytes]]

    @property
    def units(self) -> int:
        """Numbers this file takes in the patch: one per hunk, or one for a whole-file change."""
        return len(self.hunks) or 1


def split_patch(data: bytes) -> list[FileText]:
    files: list[FileText] = []
    for line in data.splitlines(keepends=True):
        if line.startswith(b"diff --git "):
            files.append(FileText([line], []))
        elif line.startswith(b"@@ -") and files:
            files[-1].hunks.append([line])
        elif files and files[-1].hunks:
            files[-1].hunks[-1].append(line)
        elif files:
            files[-1].header.append(line)
    return files


def _counts(header: bytes) -> tuple[int, int, int, int]:
    m = HUNK.match(header)
    assert m, header
    old_len = int(m.group(2)[1:]) if m.group(2) else 1
    new_len = int(m.group(4)[1:]) if m.group(4) else 1
    return int(m.group(1)), old_len, int(m.group(3)), new_len


def _moved(header: bytes, old_start: int, new_start: int) -> bytes:
    m = HUNK.match(header)
    assert m
    head = b"@@ -%d%s +%d%s @@" % (old_start, m.group(2) or b"", new_start, m.group(4) or b"")
    return head + header[m.end():]


def _before(start: int, length: int) -> int:
    return start - 1 if length else start


def _start(before: int, length: int) -> int:
    return before + 1 if length else before


def _content_only(f: FileText) -> list[bytes]:
    """The header of a plain modification at the file's new path (for un-applying some hunks of
    a renamed or mode-changed file: the new name and mode stay)."""
    new = next(ln for ln in f.header if ln.startswith(b"+++ "))[4:].rstrip(b"\n").rstrip(b"\t")
    old = new.replace(b"b/", b"a/", 1)
    return [b"diff --git %s %s\n" % (old, new), b"--- %s\n" % old, b"+++ %s\n" % new]


def filter_patch(files: list[FileText], chosen: set[int], *, reverse: bool = False) -> bytes:
    """The patch with only the chosen 1-based units, positions recomputed on the side applied
    to (old side forward, new side for `git apply -R`)."""
    out = bytearray()
    number = 0
    for f in files:
        picked = [i for i in range(f.units) if number + i + 1 in chosen]
        number += f.units
        if not picked:
            continue
        header = f.header
        if reverse and len(picked) < len(f.hunks) and _renamed_or_mode(f):
            header = _content_only(f)
        out += b"".join(header)
        delta = 0
        for i in picked if f.hunks else []:
            lines = f.hunks[i]
            a, b, c, d = _counts(lines[0])
            if reverse:
                a = _start(_before(c, d) - delta, b)
            else:
                c = _start(_before(a, b) + delta, d)
            delta += d - b
            out += _moved(lines[0], a, c) + b"".join(lines[1:])
    return bytes(out)


def _renamed_or_mode(f: FileText) -> bool:
    return any(ln.startswith((b"rename from ", b"copy from ", b"old mode ")) for ln in f.header)


def short_binary_ids(f: FileText) -> list[str]:
    """The abbreviated ids of a binary change printed without data ("Binary files ... differ")."""
    if f.hunks or not any(ln.startswith(b"Binary files ") for ln in f.header):
        return []
    index = next((ln for ln in f.header if ln.startswith(b"index ")), b"")
    ids = index.split()[1].decode().split("..") if index else []
    return ids if ids and any(len(i) < 40 for i in ids) else []


def full_binaries(repo: Path, change: Change) -> dict[bytes, FileText]:
    """Each file of the change as `git diff --binary --full-index` prints it, by its first line
    (the same `diff --git` line the other flavours print, renames detected alike)."""
    data = _git(repo, "diff", "--binary", "--full-index", change.old, change.new)
    return {f.header[0]: f for f in split_patch(data)}
