"""A comment in the inbox starts a follow-up round in the run's own worktree: a real detached
run process (replay executor) whose commit comes back to the inbox as the run's next chunk."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest

from pairtui.agent.runs.followup import start_followup
from pairtui.agent.runs.inbox import Inbox
from pairtui.agent.runs.records import RunStore
from pairtui.config import Config
from pairtui.errors import UsageError
from tests.conftest import git
from tests.support_engine import run_cli, write_chunk, write_transcript
from tests.support_git import worktree
from tests.support_inbox import make_run, three_chunks


def _real_run(repo: Path, tmp_path: Path, capsys) -> str:
    plan = tmp_path / "plan.md"
    plan.write_text("# Goal: two files\n\n" + "\n".join(
        f"## Chunk {i}: Add {f}\nFiles: {f}\nVerify: test -f {f}\n\nWrite {f}.\n"
        for i, f in enumerate(["a.txt", "b.txt"], 1)))
    executor = write_transcript(tmp_path / "exec.jsonl",
                                [t for f in ["a.txt", "b.txt"] for t in write_chunk(f, f"{f} body\n")])
    code, _, err = run_cli(capsys, "-C", str(repo), "run", "--plan", str(plan), "--worktree",
                           "--executor", f"replay:{executor}")
    assert code == 0, err
    [run] = Inbox(repo).runs()
    return run.id


def _wait_done(store: RunStore, run_id: str, timeout: float = 60.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        record = store.load(run_id)
        if record is not None and record.effective_state not in ("queued", "running"):
            return record.effective_state
        time.sleep(0.2)
    record = store.load(run_id)
    if record is not None and record.pid:
        os.killpg(record.pid, signal.SIGKILL)
    raise AssertionError("the follow-up round did not end in time")


def test_a_comment_starts_a_follow_up_round_whose_commit_comes_back_to_the_inbox(
        git_repo, tmp_path, capsys):
    run_id = _real_run(git_repo, tmp_path, capsys)
    inbox = Inbox(git_repo)
    store = inbox.store
    record = store.load(run_id)
    revise = write_transcript(tmp_path / "revise.jsonl", write_chunk("b.txt", "b.txt, shorter\n"))
    store.save(record.__class__(**{**record.__dict__,
                                   "options": {**record.options, "executor": f"replay:{revise}"}}))
    person = worktree(git_repo)
    head = git(git_repo, "rev-parse", "HEAD")
    chunk = inbox.chunks(run_id)[1]
    file = chunk.patch.files[0]
    said = start_followup(inbox, Config(), run_id, chunk, file, file.hunks[0], "make it shorter")
    assert "follow-up round started" in said
    plan = (store.run_dir(run_id) / "input-plan.md").read_text()
    assert "make it shorter" in plan and "Verify: test -f b.txt" in plan and "+b.txt body" in plan
    assert _wait_done(store, run_id) == "done", (store.run_dir(run_id) / "run.log").read_text()
    chunks = inbox.chunks(run_id)
    assert len(chunks) == 3
    assert chunks[2].label.startswith("1/1 Revise b.txt as the review of")
    assert git(git_repo, "show", f"{chunks[2].commit}:b.txt") == "b.txt, shorter\n"
    # each chunk's check comes from the session that made it, the follow-up's from its own
    from pairtui.agent.runs.inbox_land import check_command

    record = store.load(run_id)
    assert [check_command(record, c, Config()) for c in chunks] == [
        "test -f a.txt", "test -f b.txt", "test -f b.txt"]
    assert worktree(git_repo) == person and git(git_repo, "rev-parse", "HEAD") == head
    assert [r.id for r in inbox.runs()] == [run_id]
    assert json.loads(store.path(run_id).read_text())["note"].startswith("follow-up round")


def test_a_follow_up_needs_a_done_run_with_its_worktree(git_repo):
    make_run(git_repo, three_chunks())  # its worktree was removed
    inbox = Inbox(git_repo)
    chunk = inbox.chunks("abc123")[0]
    file = chunk.patch.files[0]
    with pytest.raises(UsageError, match="worktree .* is gone"):
        start_followup(inbox, Config(), "abc123", chunk, file, file.hunks[0], "why?")
    inbox.store.update("abc123", state="failed")
    with pytest.raises(UsageError, match="pairtui run --resume abc123"):
        start_followup(inbox, Config(), "abc123", chunk, file, file.hunks[0], "why?")
    assert inbox.store.load("abc123").state == "failed"
