"""Building blocks of the inbox landing tests: a run made of arbitrary steps, the tree `git
apply` of a selection would give, and the person's whole state (files, index, HEAD)."""


from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from pairtui.agent.runs.inbox import Inbox
from pairtui.agent.runs.inbox_land import land_reviewed
from pairtui.agent.runs.records import RunRecord, RunStore
from pairtui.config import Config
from pairtui.diff.render import render_patch
from tests.conftest import git
from tests.support_git import worktree

Step = Callable[[Path], None]


def make_run_with(repo: Path, steps: list[tuple[str, Step, str]], run_id: str = "abc123") -> None:
    """Branch pairtui/<run_id> from HEAD, one chunk commit per (title, edit, verify)."""
    branch = f"pairtui/{run_id}"
    wt = repo.parent / f"wt-{run_id}"
    git(repo, "worktree", "add", "-q", "-b", branch, str(wt), "HEAD")
    for n, (title, edit, verify) in enumerate(steps, 1):
        edit(wt)
        git(wt, "add", "-A")
        git(wt, "commit", "-q", "-m", f"{title}\n\nPairtui-Session: 20261130-000000-aaaa\n"
            f"Pairtui-Chunk: {n}/{len(steps)} {title}\nPairtui-Verify: {verify} passed\n")
    git(repo, "worktree", "remove", "--force", str(wt))
    RunStore(repo / ".git").save(RunRecord(
        id=run_id, goal="adversarial", branch=branch, worktree=str(wt),
        git_dir=str(repo / ".git" / "worktrees" / run_id), created=time.time() - 90,
        state="done", exit_code=0, finished=time.time()))


def write(path: str, data: bytes | str) -> Step:
    def edit(wt: Path) -> None:
        (wt / path).parent.mkdir(parents=True, exist_ok=True)
        (wt / path).write_bytes(data.encode() if isinstance(data, str) else data)
    return edit


def commit_file(repo: Path, path: str, data: bytes | str, message: str = "add") -> None:
    write(path, data)(repo)
    git(repo, "add", "--", path)
    git(repo, "commit", "-q", "-m", message)


def expected_tree(repo: Path, patch: bytes) -> str:
    """HEAD's tree + `patch` by plain `git apply --cached` in a temp index: the reference."""
    index = repo / ".git" / "expected-index"
    env = {**os.environ, "GIT_INDEX_FILE": str(index)}
    subprocess.run(["git", "read-tree", "HEAD"], cwd=repo, env=env, check=True)
    subprocess.run(["git", "apply", "--cached", "-"], cwd=repo, env=env, input=patch, check=True)
    out = subprocess.run(["git", "write-tree"], cwd=repo, env=env, check=True, capture_output=True)
    index.unlink()
    return out.stdout.decode().strip()


def state(repo: Path) -> tuple:
    """Files, index and HEAD: what a refusal must leave as it was."""
    status = git(repo, "status", "--porcelain")  # first: it may refresh the index's stat data
    return (worktree(repo), (repo / ".git" / "index").read_bytes(), git(repo, "rev-parse", "HEAD"),
            status)


def land_and_compare(repo: Path, chunk, accepted) -> str:
    """Land `accepted`; the commit's tree must be HEAD-before + accepted hunks exactly."""
    want = expected_tree(repo, render_patch(accepted))
    landing = land_reviewed(Inbox(repo), Config(), "abc123", chunk, accepted)
    assert landing.result.commit, landing.result.message
    assert git(repo, "rev-parse", f"{landing.result.commit}^{{tree}}").strip() == want
    return landing.result.commit


LINES = "".join(f"line {i}\n" for i in range(1, 41))
