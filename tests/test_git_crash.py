"""Crash safety: a child process is SIGKILLed at every named point of snapshot, restore and
land (and at random moments of snapshot and restore); afterwards no byte the person wrote is
lost, `git fsck` is clean, and a fresh snapshot / restore / landing works."""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import pytest

from pairtui.git.checkpoints import Checkpoints
from pairtui.git.crashpoints import POINTS
from pairtui.git.land import sync_index_after_land
from tests.support_git import commit_all, fsck_clean, git, run_child, user_state, worktree

SNAPSHOT_POINTS = [p for p in POINTS if p.startswith("snapshot:")]
RESTORE_POINTS = SNAPSHOT_POINTS + [p for p in POINTS if p.startswith("restore:")]
LAND_POINTS = [p for p in POINTS if p.startswith("land:")]


def build(repo: Path, files: int = 40) -> None:
    """A committed project, then the person's own uncommitted work on top."""
    for i in range(files):
        (repo / "pkg" / f"m{i % 4}").mkdir(parents=True, exist_ok=True)
        (repo / "pkg" / f"m{i % 4}" / f"f{i}.txt").write_text(f"file {i}\n" * 5)
    (repo / "tool.sh").write_text("#!/bin/sh\n")
    os.chmod(repo / "tool.sh", 0o755)
    os.symlink("README.md", repo / "readme-link")
    commit_all(repo, "project")
    (repo / "README.md").write_text("# my uncommitted edit\n")
    (repo / "mine.txt").write_bytes(b"my notes\r\nwith CRLF\r\n")


def agent_work(repo: Path, files: int = 40) -> None:
    """What a chunk does: edits, new files in a new directory, a deletion, a mode change."""
    for i in range(0, files, 2):
        path = repo / "pkg" / f"m{i % 4}" / f"f{i}.txt"
        path.write_text(path.read_text() + "agent line\n")
    (repo / "agent" / "deep").mkdir(parents=True)
    for i in range(5):
        (repo / "agent" / "deep" / f"new{i}.py").write_text(f"x = {i}\n")
    (repo / "pkg" / "m1" / "f1.txt").unlink()
    os.chmod(repo / "tool.sh", 0o644)


def finish(child) -> int:
    child.wait(timeout=60)
    return child.returncode


def crash_checkpoints(repo: Path, step: str | None = None) -> list:
    return [c for c in Checkpoints(repo, "check").list(all_sessions=True)
            if c.session == "crash" and (step is None or c.step == step)]


@pytest.mark.parametrize("point", SNAPSHOT_POINTS)
def test_killed_snapshot_loses_nothing(git_repo: Path, point: str):
    build(git_repo)
    files, state = worktree(git_repo), user_state(git_repo)

    assert finish(run_child("snapshot", git_repo, crash_after=point)) == -signal.SIGKILL

    assert worktree(git_repo) == files and user_state(git_repo) == state
    fsck_clean(git_repo)
    for cp in crash_checkpoints(git_repo):  # a ref, if written, names a whole snapshot
        assert cp.tree == Checkpoints(git_repo, "after").snapshot("check").tree
    git_dir = git_repo / ".git"
    Checkpoints(git_repo, "after").snapshot("again")
    assert list((git_dir / "pairtui" / "tmp").iterdir()) == []  # the dead child's temp swept


def check_restore_recoverable(repo: Path, before: dict, target_files: dict, target_id: str) -> None:
    """The person's files (`before`) come back exactly, and the restore can be finished."""
    fsck_clean(repo)
    saved = crash_checkpoints(repo, "pre-restore")
    cps = Checkpoints(repo, "recover")
    pending = cps.pending_restore()
    if pending is not None:
        assert saved and pending.pre_restore == saved[-1].id and pending.target == target_id
    if saved:
        cps.restore(saved[-1])
    assert worktree(repo) == before
    assert cps.pending_restore() is None
    cps.restore(target_id)
    assert worktree(repo) == target_files


def restore_scenario(repo: Path) -> tuple[str, dict, dict]:
    build(repo)
    target = Checkpoints(repo, "s1").snapshot("start", 1)
    target_files = worktree(repo)
    agent_work(repo)
    return target.id, worktree(repo), target_files


@pytest.mark.parametrize("point", RESTORE_POINTS)
def test_killed_restore_can_be_undone_and_finished(git_repo: Path, point: str):
    target_id, before, target_files = restore_scenario(git_repo)
    state = user_state(git_repo)

    assert finish(run_child("restore", git_repo, target_id, crash_after=point)) == -signal.SIGKILL

    assert user_state(git_repo) == state
    if point.startswith("snapshot:"):  # still saving: nothing touched yet
        assert worktree(git_repo) == before
    check_restore_recoverable(git_repo, before, target_files, target_id)


def test_restore_killed_at_random_moments_is_always_recoverable(git_repo: Path):
    rng = random.Random(4)
    target_id, before, target_files = restore_scenario(git_repo)
    for attempt in range(6):
        child = run_child("restore", git_repo, target_id, new_session=True)
        assert child.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0, 0.12))
        try:
            os.killpg(child.pid, signal.SIGKILL)  # the child and any git it is running
        except ProcessLookupError:
            pass
        finish(child)
        now = worktree(git_repo)
        assert now in (before, target_files) or crash_checkpoints(git_repo, "pre-restore"), attempt
        check_restore_recoverable(git_repo, before, target_files, target_id)
        recover = Checkpoints(git_repo, "recover")
        recover.restore([c for c in recover.list() if c.step == "pre-restore"][-1])
        assert worktree(git_repo) == before  # ready for the next attempt


def test_snapshot_killed_at_random_moments_leaves_everything_intact(git_repo: Path):
    rng = random.Random(7)
    build(git_repo, files=200)
    agent_work(git_repo, files=200)
    files, state = worktree(git_repo), user_state(git_repo)
    for _ in range(5):
        child = run_child("snapshot", git_repo, new_session=True)
        assert child.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0, 0.08))
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        finish(child)
        assert worktree(git_repo) == files and user_state(git_repo) == state
        fsck_clean(git_repo)
    cp = Checkpoints(git_repo, "after").snapshot("check")
    for written in crash_checkpoints(git_repo):
        assert written.tree == cp.tree


@pytest.mark.parametrize("point", LAND_POINTS)
def test_killed_landing_loses_nothing_and_can_be_completed(git_repo: Path, point: str):
    build(git_repo)
    cps = Checkpoints(git_repo, "s1")
    start = cps.snapshot("start", 1)
    agent_work(git_repo)
    reviewed = cps.snapshot("reviewed", 1)
    old_head = git(git_repo, "rev-parse", "HEAD").strip()
    files, state = worktree(git_repo), user_state(git_repo)

    child = run_child("land", git_repo, start.tree, reviewed.tree, crash_after=point)
    assert finish(child) == -signal.SIGKILL

    assert worktree(git_repo) == files  # landing never writes the working tree
    fsck_clean(git_repo)
    head = git(git_repo, "rev-parse", "HEAD").strip()
    if head == old_head:
        assert user_state(git_repo) == state  # nothing happened: simply land again
        from pairtui.git.land import land_chunk

        head = land_chunk(git_repo, start.tree, reviewed.tree, "Land the chunk").commit
    else:
        assert git(git_repo, "rev-parse", "HEAD~1").strip() == old_head
        sync_index_after_land(git_repo, head)  # what resuming does
    assert git(git_repo, "log", "-1", "--format=%s", head).strip() == "Land the chunk"
    assert git(git_repo, "diff", "--cached", "--name-only") == ""
    assert git(git_repo, "status", "--porcelain").split("\n")[:2] == [" M README.md", "?? mine.txt"]
