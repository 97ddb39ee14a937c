"""`git blame --porcelain` and commit messages, read with plain subprocesses.

What `pairtui why` stands on. Deliberately not through git/plumbing.py (GitPython): `why` is a
command people run in a loop and in scripts, so it starts git at once and imports nothing
heavy. Blame follows whole-file renames by itself (so a line keeps its commit after `git mv`);
`moves` / `copies` add blame's -M / -C for lines moved within or copied across files.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pairtui.errors import GitError, RepoStateError, UsageError

NOT_COMMITTED = "0" * 40


@dataclass(frozen=True)
class BlameLine:
    line: int        # 1-based line number in the file as it is now
    commit: str      # sha of the commit that last changed the line (NOT_COMMITTED: working tree)
    path: str        # the file's path in that commit (differs after a rename)
    orig_line: int   # the line's number in that commit
    text: str


@dataclass(frozen=True)
class Repo:
    root: Path
    git_dirs: tuple[Path, ...]  # the worktree's own git dir, then the common one if different


def start_blame(cwd: Path, path: str, first: int | None = None, last: int | None = None,
                moves: bool = False, copies: bool = False) -> subprocess.Popen:
    """Start blame at once (the caller does its own work while git walks history)."""
    args = ["git", "blame", "--porcelain"]
    args += ["-M"] if moves else []
    args += ["-C"] if copies else []
    if first is not None:
        args += ["-L", f"{first},{last if last is not None else first}"]
    return _popen([*args, "--", path], cwd)


def start_repo(cwd: Path) -> subprocess.Popen:
    return _popen(["git", "rev-parse", "--show-toplevel", "--absolute-git-dir", "--git-common-dir"], cwd)


def read_repo(proc: subprocess.Popen, cwd: Path) -> Repo:
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise RepoStateError(f"not a git repository: {cwd} ({_reason(err)})")
    root, git_dir, common = (os.fsdecode(line) for line in out.splitlines()[:3])
    dirs = [Path(git_dir)]
    common_dir = (Path(cwd) / common).resolve()
    if common_dir != Path(git_dir).resolve():
        dirs.append(common_dir)
    return Repo(Path(root), tuple(dirs))


def read_blame(proc: subprocess.Popen, path: str) -> list[BlameLine]:
    """The blamed lines; UsageError (one line, git's reason) for a path or range git refuses."""
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise UsageError(f"cannot trace {path}: {_reason(err)}")
    return parse_porcelain(out)


def parse_porcelain(data: bytes) -> list[BlameLine]:
    """Porcelain groups -> one BlameLine per line. A commit's headers come only with its first
    group; its `filename` may repeat per group when the commit touched several paths."""
    lines: list[BlameLine] = []
    names: dict[str, str] = {}
    commit, orig, final, name = "", 0, 0, ""
    for raw in data.split(b"\n"):
        if raw.startswith(b"\t"):
            lines.append(BlameLine(final, commit, name or names.get(commit, ""), orig,
                                   raw[1:].decode("utf-8", "replace")))
            name = ""
            continue
        head, _, rest = raw.partition(b" ")
        if len(head) == 40 and rest[:1].isdigit():
            numbers = rest.split(b" ")
            commit, orig, final = head.decode(), int(numbers[0]), int(numbers[1])
        elif head == b"filename":
            name = os.fsdecode(rest)
            names[commit] = name
    return lines


def read_messages(cwd: Path, shas: list[str]) -> dict[str, tuple[str, str, int]]:
    """sha -> (full message, author name, author time) for each commit, in one git process."""
    if not shas:
        return {}
    out = subprocess.run(["git", "show", "-s", "--no-walk=unsorted", "--format=%H%x00%an%x00%at%x00%B%x01",
                          *shas], cwd=cwd, capture_output=True)
    if out.returncode != 0:
        raise GitError(f"git show failed: {_reason(out.stderr)}")
    found = {}
    for record in out.stdout.decode("utf-8", "replace").split("\x01"):
        parts = record.lstrip("\n").split("\x00")
        if len(parts) == 4 and parts[0]:
            found[parts[0]] = (parts[3], parts[1], int(parts[2] or 0))
    return found


def _popen(args: list[str], cwd: Path) -> subprocess.Popen:
    try:
        return subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    except NotADirectoryError:
        raise UsageError(f"not a directory: {cwd}") from None


def _reason(err: bytes) -> str:
    text = err.decode("utf-8", "replace").strip().splitlines()
    line = next((x for x in text if x.startswith(("fatal: ", "error: "))), text[0] if text else "git failed")
    return line.split(": ", 1)[1] if line.startswith(("fatal: ", "error: ")) else line
