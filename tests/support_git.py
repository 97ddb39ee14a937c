"""Helpers for the git tests: byte-exact pictures of a working tree and of the user's git state,
and a child-process entry point for the crash tests."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def git(cwd: Path, *args: str, check: bool = True, env: dict | None = None) -> str:
    """Real git; stdout as text."""
    out = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True,
        env={**os.environ, **env} if env else None,
    )
    if check and out.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {out.stderr}")
    return out.stdout


def commit_all(repo: Path, message: str = "commit") -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def worktree(repo: Path) -> dict[bytes, tuple[str, bytes]]:
    """Every file, symlink and directory under repo except .git: path -> (kind, content).

    kind is "file", "exec" (executable file), "link" (content = target) or "dir"."""
    picture: dict[bytes, tuple[str, bytes]] = {}
    base = os.fsencode(repo)

    def walk(rel: bytes) -> None:
        with os.scandir(os.path.join(base, rel) if rel else base) as entries:
            for entry in entries:
                name = os.path.join(rel, entry.name) if rel else entry.name
                if name == b".git":
                    continue
                if entry.is_symlink():
                    picture[name] = ("link", os.readlink(entry.path))
                elif entry.is_dir():
                    picture[name] = ("dir", b"")
                    walk(name)
                else:
                    mode = entry.stat().st_mode
                    kind = "exec" if mode & stat.S_IXUSR else "file"
                    with open(entry.path, "rb") as f:
                        picture[name] = (kind, f.read())

    walk(b"")
    return picture


def user_state(repo: Path) -> dict[str, bytes]:
    """What pairtui promises not to touch: index bytes, HEAD, refs other than its own, the
    stash, and HEAD's reflog."""
    git_dir = Path(git(repo, "rev-parse", "--absolute-git-dir").strip())
    common = Path(git(repo, "rev-parse", "--git-common-dir").strip())
    if not common.is_absolute():
        common = repo / common

    def read(path: Path) -> bytes:
        return path.read_bytes() if path.exists() else b"<absent>"

    refs = subprocess.run(
        ["git", "for-each-ref", "--format=%(refname) %(objectname)"],
        cwd=repo, capture_output=True, check=True,
    ).stdout
    return {
        "index": read(git_dir / "index"),
        "HEAD": read(git_dir / "HEAD"),
        "logs/HEAD": read(git_dir / "logs" / "HEAD"),
        "refs": b"\n".join(line for line in refs.splitlines() if b"refs/pairtui/" not in line),
        "stash": read(common / "logs" / "refs" / "stash"),
    }


def fsck_clean(repo: Path) -> None:
    out = subprocess.run(["git", "fsck", "--no-progress"], cwd=repo, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr + out.stdout
    bad = [line for line in (out.stdout + out.stderr).splitlines() if not line.startswith("dangling ")]
    assert not bad, bad


def run_child(op: str, repo: Path, *extra: str, crash_after: str | None = None,
              new_session: bool = False) -> subprocess.Popen:
    """Start `crash_child` in a fresh interpreter (optionally dying at a crash point)."""
    env = dict(os.environ)
    env.pop("PAIRTUI_CRASH_AFTER", None)
    if crash_after:
        env["PAIRTUI_CRASH_AFTER"] = crash_after
    code = "import sys; from tests.support_git import crash_child; crash_child(sys.argv[1:])"
    return subprocess.Popen(
        [sys.executable, "-c", code, op, str(repo), *extra],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        start_new_session=new_session,
    )


def crash_child(argv: list[str]) -> None:
    """One operation, run in a child process that a test may kill at any moment.

    snapshot REPO | restore REPO ID | land REPO START_TREE REVIEWED_TREE"""
    from pairtui.git.checkpoints import Checkpoints
    from pairtui.git.land import land_chunk

    op, repo = argv[0], Path(argv[1])
    checkpoints = Checkpoints(repo, "crash")
    print("ready", flush=True)
    if op == "snapshot":
        print(checkpoints.snapshot("executed", 1).id, flush=True)
    elif op == "restore":
        print(checkpoints.restore(argv[2]).id, flush=True)
    elif op == "land":
        print(land_chunk(repo, argv[2], argv[3], "Land the chunk").commit, flush=True)
    else:
        raise SystemExit(f"unknown op {op}")
