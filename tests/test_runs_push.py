"""`pairtui run --worktree --push REMOTE`: a finished run's branch goes to a real bare remote.

Real git throughout: the remote is a bare repository on disk (a file-path remote), the runs use
replay models. Background runs are killed by pid (process group) at the end, never by name.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import git
from tests.support_engine import run_cli, text, turn, write_chunk, write_transcript
from tests.test_runs_worktree import _person_state, _plan, _runs, _started_id, _wait

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def remote(git_repo: Path, tmp_path: Path) -> Path:
    """A bare repository registered as the repo's remote `origin`, by a relative path (as
    people write it: relative to the repo, which the run's worktree is not in)."""
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    git(git_repo, "remote", "add", "origin", "../remote.git")
    git(git_repo, "push", "-q", "origin", "main")
    return bare




def _executor(tmp_path: Path, name: str, files: list[str]) -> Path:
    turns = [t for f in files for t in write_chunk(f, f"{f} from {name}\n")]
    return write_transcript(tmp_path / f"{name}.jsonl", turns)


def _run(capsys, repo: Path, plan: Path, executor: Path, *extra: str) -> tuple[int, str, str]:
    return run_cli(capsys, "-C", str(repo), "run", "--plan", str(plan), "--worktree",
                   "--executor", f"replay:{executor}", *extra)


def _push_lines(err: str) -> list[str]:
    return [line for line in err.splitlines()
            if line.startswith(("pairtui: push", "pairtui: nothing pushed"))]


def _remote_sha(bare: Path, branch: str) -> str:
    return git(bare, "rev-parse", "--verify", "-q", f"refs/heads/{branch}", check=False).strip()


def test_a_done_run_pushes_its_branch_to_the_remote_and_says_so(
        git_repo, remote, tmp_path, capsys):
    files = ["a.txt", "b.txt"]
    plan, executor = _plan(tmp_path, "shipped", files), _executor(tmp_path, "shipped", files)
    code, _, err = _run(capsys, git_repo, plan, executor, "--branch", "feature/shipped",
                        "--push", "origin")
    assert code == 0, err
    assert _remote_sha(remote, "feature/shipped") == git(
        git_repo, "rev-parse", "refs/heads/feature/shipped").strip()
    assert git(remote, "log", "--format=%s", "main..feature/shipped").splitlines() == [
        "Add b.txt", "Add a.txt"]
    pushed = _push_lines(err)
    assert pushed == ["pairtui: pushed feature/shipped to origin"], err
    (row,) = _runs(git_repo)
    assert (row["state"], row["exit_code"]) == ("done", 0)
    assert row["push"]["remote"] == "origin" and row["push"]["state"] == "pushed"
    listing = subprocess.run([sys.executable, "-m", "pairtui", "-C", str(git_repo), "runs"],
                             capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert "pushed feature/shipped to origin" in listing.stdout


def test_push_rejected_because_the_remote_branch_moved_keeps_the_run_done_and_exits_4(
        git_repo, remote, tmp_path, capsys):
    other = tmp_path / "other"  # someone else pushed to the same branch name meanwhile
    git(tmp_path, "clone", "-q", str(remote), str(other))
    (other / "theirs.txt").write_text("theirs\n")
    git(other, "add", "theirs.txt")
    git(other, "-c", "user.name=T", "-c", "user.email=t@x", "commit", "-qm", "Theirs")
    git(other, "push", "-q", "origin", "HEAD:refs/heads/feature/moved")
    theirs = _remote_sha(remote, "feature/moved")
    files = ["a.txt"]
    plan, executor = _plan(tmp_path, "moved", files), _executor(tmp_path, "moved", files)
    code, _, err = _run(capsys, git_repo, plan, executor, "--branch", "feature/moved",
                        "--push", "origin")
    assert code == 4, err
    assert _remote_sha(remote, "feature/moved") == theirs  # nothing forced over their work
    assert git(git_repo, "log", "--format=%s", "main..feature/moved").splitlines() == ["Add a.txt"]
    said = _push_lines(err)
    assert len(said) == 1 and said[0].startswith("pairtui: push to origin failed: "), err
    assert "rejected" in said[0] and "git push origin feature/moved" in said[0]
    (row,) = _runs(git_repo)
    assert row["state"] == "done" and row["chunks_landed"] == 1 and row["exit_code"] == 4
    assert row["push"]["state"] == "failed" and "rejected" in row["push"]["message"]
    code, out, _ = run_cli(capsys, "-C", str(git_repo), "runs")
    assert code == 0 and "done" in out and "push failed: " in out and "rejected" in out
    code, out, _ = run_cli(capsys, "-C", str(git_repo), "runs", "--follow", row["id"])
    assert code == 4 and f"run {row['id']} done" in out and "push failed" in out


def test_a_done_run_without_a_landed_commit_pushes_nothing_and_says_so(
        git_repo, remote, tmp_path, capsys):
    plan = tmp_path / "noop.md"
    plan.write_text("# Goal: noop\n\n## Chunk 1: Look around\nVerify: true\n\nChange nothing.\n")
    executor = write_transcript(tmp_path / "noop.jsonl", [turn(text("Nothing to change."))])
    code, _, err = _run(capsys, git_repo, plan, executor, "--branch", "noop", "--push", "origin")
    assert code == 0, err
    assert _remote_sha(remote, "noop") == ""
    assert "pairtui: nothing pushed to origin: no chunk landed a commit" in err
    (row,) = _runs(git_repo)
    assert row["state"] == "done" and row["push"]["state"] == "skipped"


def test_a_failed_run_is_not_pushed(git_repo, remote, tmp_path, capsys):
    files = ["a.txt", "b.txt"]
    plan = _plan(tmp_path, "half", files, ["test -f a.txt", "false"])
    executor = write_transcript(tmp_path / "half.jsonl", [
        t for f in files for t in write_chunk(f, f"{f}\n")] + [
        t for _ in range(4) for t in write_chunk("b.txt", "again\n")])
    code, _, err = _run(capsys, git_repo, plan, executor, "--branch", "half", "--push", "origin")
    assert code == 1, err
    assert _remote_sha(remote, "half") == ""
    assert "pairtui: nothing pushed to origin: the run failed" in err
    (row,) = _runs(git_repo)
    assert row["state"] == "failed" and row["push"]["state"] == "skipped"


def test_push_without_worktree_or_to_a_missing_remote_is_one_line_and_makes_nothing(
        git_repo, remote, tmp_path, capsys):
    plan, executor = _plan(tmp_path, "x", ["a.txt"]), _executor(tmp_path, "x", ["a.txt"])
    git(git_repo, "remote", "add", "gone", str(tmp_path / "no-such-dir.git"))
    before = _person_state(git_repo)
    branches = git(git_repo, "branch", "--list")
    code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan),
                           "--push", "origin", "--executor", f"replay:{executor}")
    assert code == 2 and err == "pairtui: --push needs --worktree\n", err
    for bad, said in (("nope", "no remote 'nope'"), ("gone", "remote 'gone'")):
        for extra in ((), ("--background",)):
            code, _, err = _run(capsys, git_repo, plan, executor, "--push", bad, *extra)
            assert code == 2 and err.count("\n") == 1 and said in err, err
    assert _person_state(git_repo) == before
    assert git(git_repo, "branch", "--list") == branches
    assert git(git_repo, "worktree", "list").count("\n") == 1
    assert not list((git_repo / ".git" / "pairtui").glob("runs/*.json"))


def test_a_background_run_pushes_when_it_finishes(git_repo, remote, tmp_path, process_groups):
    files = ["c.txt"]
    plan, executor = _plan(tmp_path, "later", files), _executor(tmp_path, "later", files)
    out = subprocess.run([sys.executable, "-m", "pairtui", "-C", str(git_repo), "run", "--plan",
                          str(plan), "--executor", f"replay:{executor}", "--worktree",
                          "--background", "--push", "origin"],
                         capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    run_id = _started_id(out.stdout)
    record = json.loads((git_repo / ".git" / "pairtui" / "runs" / f"{run_id}.json").read_text())
    if record.get("pid"):
        process_groups.append(record["pid"])
    row = _wait(git_repo, run_id, ("done", "failed"))
    assert row["state"] == "done" and row["push"]["state"] == "pushed", row
    assert _remote_sha(remote, row["branch"]) == git(
        git_repo, "rev-parse", f"refs/heads/{row['branch']}").strip()
    log = Path(row["log"]).read_text()
    assert f"pairtui: pushed {row['branch']} to origin" in log


def test_resume_with_push_pushes_the_run_it_finishes(git_repo, remote, tmp_path, process_groups):
    from tests.test_runs_worktree import _background, _blocking_plan, _cli, _until

    plan, executor, gate = _blocking_plan(tmp_path)
    run_id = _background(git_repo, plan, executor, process_groups)
    _until(lambda: (gate / "started").exists())
    row = _wait(git_repo, run_id, ("running",))
    os.killpg(row["pid"], signal.SIGKILL)
    _wait(git_repo, run_id, ("interrupted",))
    (gate / "go").touch()
    bad = _cli(git_repo, "run", "--resume", run_id, "--push", "nope")
    assert bad.returncode == 2 and "no remote 'nope'" in bad.stderr
    assert _wait(git_repo, run_id, ("interrupted",), timeout=5)
    out = _cli(git_repo, "run", "--resume", run_id, "--push", "origin")
    assert out.returncode == 0, out.stderr
    row = _wait(git_repo, run_id, ("done",), timeout=5)
    assert row["chunks_landed"] == 2 and row["push"]["state"] == "pushed"
    assert _remote_sha(remote, row["branch"]) == git(
        git_repo, "rev-parse", f"refs/heads/{row['branch']}").strip()
