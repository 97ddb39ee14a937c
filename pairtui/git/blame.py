"""`git blame --porcelain` and commit messages, read with plain subprocesses.

What `pairtui why` stands on. Kept apart from git/plumbing.py on purpose: `why` is a
command people run in a loop and in scripts, so it starts git at once and imports nothing
heavy. Blame follows whole-file renames by itself (so a line keeps its commit after `git mv`);
`moves` / `copies` add blame's -M / -C for lines moved within or copied across files.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from pairtui.errors import GitError, RepoStateError, UsageError

NOT_COMMITTED = "0" * 40
LOGGED = 300  # newest commits of the file whose messages are read alongside a whole-file blame


class BlameLine:
    """One line as blame tells it. (A plain class: `why` avoids importing dataclasses.)"""

    __slots__ = ("line", "commit", "path", "orig_line", "text")

    def __init__(self, line: int, commit: str, path: str, orig_line: int, text: str) -> None:
        self.line = line            # 1-based line number in the file as it is now
        self.commit = commit        # sha of the commit that last changed it (NOT_COMMITTED: not yet)
        self.path = path            # the file's path in that commit (differs after a rename)
        self.orig_line = orig_line  # the line's number in that commit
        self.text = text


class Repo:
    __slots__ = ("root", "git_dirs")

    def __init__(self, root: Path, git_dirs: tuple[Path, ...]) -> None:
        self.root = root
        self.git_dirs = git_dirs  # the worktree's own git dir, then the common one if different


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


def find_repo_fast(cwd: Path) -> Repo | None:
    """The repo around `cwd` found by looking for `.git` upwards, as git does in the plain case
    (no GIT_DIR / GIT_WORK_TREE, a .git folder or a `gitdir:` file): one git process fewer for
    `why`. None when that is not the case; the caller then asks git (start_repo)."""
    if os.environ.get("GIT_DIR") or os.environ.get("GIT_WORK_TREE"):
        return None
    here = Path(cwd).resolve()
    for root in (here, *here.parents):
        dot_git = root / ".git"
        if dot_git.is_dir():
            git_dir = dot_git
        elif dot_git.is_file():
            text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
            if not text.startswith("gitdir: "):
                return None
            git_dir = (root / text[len("gitdir: "):]).resolve()
        else:
            continue
        dirs = [git_dir]
        common = git_dir / "commondir"
        if common.is_file():
            dirs.append((git_dir / common.read_text(encoding="utf-8").strip()).resolve())
        return Repo(root, tuple(dirs))
    return None


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


_MESSAGE_FORMAT = "--format=%H%x00%an%x00%at%x00%B%x01"


def start_messages(cwd: Path, path: str) -> subprocess.Popen:
    """The messages of the commits that touched `path` under its current name: started with
    blame (it does not need blame's answer), so most messages are there when blame is done."""
    return _popen(["git", "log", f"--max-count={LOGGED}", _MESSAGE_FORMAT, "--", path], cwd)


def read_messages(cwd: Path, shas: list[str], started: subprocess.Popen | None = None
                  ) -> dict[str, tuple[str, str, int]]:
    """sha -> (full message, author name, author time) for each of `shas`: from `started`
    (start_messages), and one `git show` for any it lacks (history under an older name)."""
    found: dict[str, tuple[str, str, int]] = {}
    if started is not None:
        out, _ = started.communicate()
        found = _parse_messages(out) if started.returncode == 0 else {}
    missing = [sha for sha in shas if sha not in found]
    if missing:
        out = subprocess.run(["git", "show", "-s", "--no-walk=unsorted", _MESSAGE_FORMAT, *missing],
                             cwd=cwd, capture_output=True)
        if out.returncode != 0:
            raise GitError(f"git show failed: {_reason(out.stderr)}")
        found.update(_parse_messages(out.stdout))
    return {sha: found[sha] for sha in shas if sha in found}


def _parse_messages(data: bytes) -> dict[str, tuple[str, str, int]]:
    found = {}
    for record in data.decode("utf-8", "replace").split("\x01"):
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
