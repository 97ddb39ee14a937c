"""Pushing a run's branch to a remote: checked before the run, pushed after it, never forced.

`check_remote` is local only (no network): the remote must be configured, and a remote whose
URL is a path on this machine must exist, so a typo fails before a worktree is made.
`push_branch` is a plain `git push REMOTE refs/heads/B:refs/heads/B` (no --force: a remote
branch that moved is left as it is and the push says it was rejected), with git's terminal
prompt off so a background run never waits for a password nobody will type.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pairtui.errors import UsageError
from pairtui.git.plumbing import Git, first_line

_NO_PROMPT = {"GIT_TERMINAL_PROMPT": "0"}


@dataclass(frozen=True)
class PushResult:
    ok: bool
    message: str  # one line: what happened, or git's reason for refusing


def check_remote(root: Path, remote: str) -> None:
    """One-line UsageError unless `remote` is a configured remote whose local path (if any)
    exists; does not contact the remote."""
    git = Git(root)
    if not remote or remote.startswith("-"):
        raise UsageError(f"bad remote name {remote!r}")
    url = git.try_run("remote", "get-url", "--push", remote)
    if not url.ok:
        raise UsageError(f"no remote {remote!r} (`git remote -v` lists them; add one with "
                         "`git remote add NAME URL`)")
    where = os.fsdecode(url.stdout).strip()
    path = _local_path(where)
    if path is not None and not (root / path).exists():
        raise UsageError(f"remote {remote!r} points at {where}, which does not exist")


def _local_path(url: str) -> Path | None:
    """The path of a remote URL that names this machine's file system, else None."""
    if url.startswith("file://"):
        return Path(url[len("file://"):])
    if "://" in url:
        return None
    head = url.split("/", 1)[0]
    if ":" in head:  # scp-like host:path
        return None
    return Path(url).expanduser()


def push_branch(root: Path, remote: str, branch: str) -> PushResult:
    """`git push REMOTE BRANCH` (never forced); the result in one line."""
    ref = f"refs/heads/{branch}"
    out = Git(root).try_run("push", "--porcelain", remote, f"{ref}:{ref}", env=_NO_PROMPT)
    status = _porcelain_status(os.fsdecode(out.stdout), ref)
    if out.ok:
        return PushResult(True, f"pushed {branch} to {remote}")
    if status.startswith("[rejected]"):
        why = status[len("[rejected]"):].strip(" ()") or "rejected"
        return PushResult(False, f"rejected: {remote}'s {branch} has commits this branch does "
                                 f"not have ({why})")
    if status:
        return PushResult(False, status)
    return PushResult(False, first_line(out.stderr))


def _porcelain_status(stdout: str, ref: str) -> str:
    """The summary `git push --porcelain` gave for `ref`, e.g. "[rejected] (fetch first)"."""
    for line in stdout.splitlines():
        parts = line.split("\t")
        if len(parts) >= 3 and parts[1].startswith(f"{ref}:"):
            return " ".join(p for p in parts[2:] if p).strip()
    return ""
