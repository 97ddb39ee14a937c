"""Keeping the model's paths inside the repository, and listing the files it may see.

Every path a tool touches goes through `resolve_in_repo`: a path that resolves outside the
repository (by `..`, an absolute path, or a symlink pointing out) or into `.git` raises
UnsafePathError before anything is read or written. `ignored_paths` says which paths git
ignores: checkpoints leave those out, so the tools must not change them.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path, PurePosixPath

from pairtui.errors import UnsafePathError


def _is_git_dir_part(part: str) -> bool:
    return part.lower() == ".git"


def resolve_in_repo(repo_root: Path, path: str, *, follow_last: bool = True) -> Path:
    """The absolute path for repo-relative `path`, guaranteed inside `repo_root` and outside .git.

    `follow_last=False` keeps a final symlink itself (for deleting or moving the link) while
    still resolving every directory above it. Raises UnsafePathError naming the path.
    """
    if not isinstance(path, str) or not path.strip():
        raise UnsafePathError("empty path")
    if "\x00" in path:
        raise UnsafePathError(f"{path!r}: NUL byte in path")
    root = repo_root.resolve()
    raw = Path(os.path.expanduser(path)) if path.startswith("~") else Path(path)
    candidate = raw if raw.is_absolute() else root / raw
    if follow_last:
        resolved = candidate.resolve()
    else:
        resolved = candidate.parent.resolve() / candidate.name
        if candidate.name in ("", ".", ".."):
            resolved = candidate.resolve()
    if resolved != root and not resolved.is_relative_to(root):
        raise UnsafePathError(f"{path}: outside the repository (resolves to {resolved})")
    relative = resolved.relative_to(root)
    if any(_is_git_dir_part(part) for part in relative.parts):
        raise UnsafePathError(f"{path}: inside .git, which tools never touch")
    return resolved


def repo_relative(repo_root: Path, absolute: Path) -> str:
    """Posix repo-relative form of an absolute path inside the repository ("." for the root)."""
    rel = absolute.relative_to(repo_root.resolve()).as_posix()
    return rel or "."


def list_repo_files(repo_root: Path) -> list[str]:
    """Repo-relative paths of tracked and untracked, non-ignored files that exist, sorted.

    Uses git's own ignore rules; outside a git work tree falls back to walking the directory
    (skipping .git). Symlinked files are listed, symlinked directories are not entered.
    """
    root = repo_root.resolve()
    try:
        out = subprocess.run(
            ["git", "ls-files", "-co", "--exclude-standard", "-z"],
            cwd=root, capture_output=True, check=True, timeout=60,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return _walk_files(root)
    names = {os.fsdecode(name) for name in out.split(b"\0") if name}
    return sorted(name for name in names if os.path.lexists(root / name))


def ignored_paths(repo_root: Path, paths: Iterable[str]) -> set[str]:
    """Which of the repo-relative `paths` git ignores (tracked files never count), in one git
    call. Outside a git work tree nothing is ignored."""
    wanted = [p for p in dict.fromkeys(paths) if p and p != "."]
    if not wanted:
        return set()
    try:
        done = subprocess.run(
            ["git", "check-ignore", "--stdin", "-z"], cwd=repo_root.resolve(),
            input=b"".join(os.fsencode(p) + b"\0" for p in wanted),
            capture_output=True, timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return set()
    if done.returncode not in (0, 1):  # 128: not a git work tree
        return set()
    return {os.fsdecode(name) for name in done.stdout.split(b"\0") if name}


def _walk_files(root: Path) -> list[str]:
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not _is_git_dir_part(d))
        for name in filenames:
            found.append((Path(dirpath) / name).relative_to(root).as_posix())
    return sorted(found)


@lru_cache(maxsize=256)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    """Translate a glob with `**` (any depth), `*` and `?` (within one segment) to a regex."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def glob_matches(path: str, pattern: str | None) -> bool:
    """Whether repo-relative `path` matches `pattern`; a pattern without "/" also matches
    the file name alone (so "*.py" finds Python files at any depth, as people expect)."""
    if not pattern:
        return True
    pattern = pattern.strip().removeprefix("./")
    regex = _glob_regex(pattern)
    if regex.match(path):
        return True
    if "/" not in pattern.rstrip("/") and regex.match(PurePosixPath(path).name):
        return True
    # A plain folder name ("shop" or "shop/") means everything under it.
    return not any(c in pattern for c in "*?[") and path.startswith(pattern.rstrip("/") + "/")


def filter_files(paths: Sequence[str], pattern: str | None) -> list[str]:
    return [p for p in paths if glob_matches(p, pattern)]
