"""`pairtui log` lists worktree runs beside the sessions: state, branch, chunks landed of total,
each chunk's commit and check, newest first; real git, replay models."""

from __future__ import annotations

import json

from tests.conftest import git
from tests.support_engine import run_cli, write_chunk, write_transcript
from tests.test_runs_worktree import _executor, _plan


def test_log_lists_runs_with_state_branch_chunks_commits_and_checks(git_repo, tmp_path, capsys):
    files = ["a.txt", "b.txt"]
    plan, executor = _plan(tmp_path, "good", files), _executor(tmp_path, "good", files)
    assert run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan), "--worktree",
                   "--branch", "good", "--executor", f"replay:{executor}")[0] == 0
    bad = _plan(tmp_path, "bad", files, ["test -f a.txt", "false"])
    replies = write_transcript(tmp_path / "bad.jsonl", [
        t for f in files for t in write_chunk(f, f"{f}\n")] + [
        t for _ in range(4) for t in write_chunk("b.txt", "again\n")])
    assert run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(bad), "--worktree",
                   "--branch", "bad", "--executor", f"replay:{replies}")[0] == 1
    good_commits = git(git_repo, "rev-list", "--reverse", "main..good").split()
    bad_commits = git(git_repo, "rev-list", "--reverse", "main..bad").split()
    assert len(good_commits) == 2 and len(bad_commits) == 1

    code, out, err = run_cli(capsys, "-C", str(git_repo), "log", "--json")
    assert code == 0, err
    data = json.loads(out)
    runs = data["runs"]
    assert [r["branch"] for r in runs] == ["bad", "good"]  # newest first
    newer, older = runs
    assert (newer["state"], newer["chunks_landed"], newer["chunks_total"]) == ("failed", 1, 2)
    assert (older["state"], older["chunks_landed"], older["chunks_total"]) == ("done", 2, 2)
    assert [c["commit"] for c in older["chunks"]] == good_commits
    assert [c["verify"] for c in older["chunks"]] == ["test -f a.txt passed",
                                                      "test -f b.txt passed"]
    assert newer["chunks"][0]["commit"] == bad_commits[0]
    assert newer["chunks"][1]["status"] != "landed" and newer["chunks"][1]["commit"] is None
    assert {r["session"] for r in runs}.isdisjoint(s["id"] for s in data["sessions"])

    code, out, _ = run_cli(capsys, "-C", str(git_repo), "log")
    assert code == 0
    good_at, bad_at = out.index("branch good"), out.index("branch bad")
    assert bad_at < good_at, out
    run_lines = [line for line in out.splitlines() if line.startswith("run ")]
    assert len(run_lines) == 2 and "failed" in run_lines[0] and "1/2 chunks landed" in run_lines[0]
    assert "done" in run_lines[1] and "2/2 chunks landed" in run_lines[1]
    for sha in good_commits + bad_commits:
        assert sha[:10] in out
    assert "check: test -f b.txt passed" in out


def test_a_merged_run_is_listed_once_as_a_run(git_repo, tmp_path, capsys):
    files = ["a.txt"]
    plan, executor = _plan(tmp_path, "merged", files), _executor(tmp_path, "merged", files)
    assert run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan), "--worktree",
                   "--branch", "merged", "--executor", f"replay:{executor}")[0] == 0
    git(git_repo, "merge", "-q", "--ff-only", "merged")
    code, out, err = run_cli(capsys, "-C", str(git_repo), "log", "--json")
    assert code == 0, err
    data = json.loads(out)
    (run,) = data["runs"]
    assert data["sessions"] == [] and run["chunks_landed"] == 1
    code, out, _ = run_cli(capsys, "-C", str(git_repo), "log")
    assert out.count(git(git_repo, "rev-parse", "HEAD")[:10]) == 1
