"""`pairtui run` end to end in real git repos, with scripted (replay) models and real checks."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import git
from tests.support_engine import (
    edit_chunk,
    error,
    run_cli,
    text,
    tool,
    turn,
    write_chunk,
    write_transcript,
)

PLAN = """\
# Goal: Greet people by name

## Chunk 1: Add a greet function
Files: src/app.py
Verify: python -c "import sys; sys.path.insert(0, 'src'); import app; assert app.greet('Ann') == 'hello Ann'"

Add greet(name) returning "hello <name>".

## Chunk 2: Add a test for greet
Files: tests/test_app.py
Verify: python -m pytest -q tests/test_app.py

Test greet with one name.
"""

GREET = "def hello():\n    return 'hi'\n\n\ndef greet(name):\n    return f'hello {name}'\n"
TEST = ("import sys\nsys.path.insert(0, 'src')\nimport app\n\n\n"
        "def test_greet():\n    assert app.greet('Bo') == 'hello Bo'\n")


def _chunk1(buggy: bool = False) -> list[dict]:
    body = "f'hallo {name}'" if buggy else "f'hello {name}'"
    return edit_chunk("src/app.py", "    return 'hi'\n",
                      f"    return 'hi'\n\n\ndef greet(name):\n    return {body}\n")


def _setup(tmp_path: Path, repo: Path, executor: list[dict]) -> tuple[Path, Path]:
    plan = tmp_path / "plan.md"
    plan.write_text(PLAN)
    return plan, write_transcript(tmp_path / "executor.jsonl", executor)


def _subjects(repo: Path) -> list[str]:
    return git(repo, "log", "--format=%s").splitlines()


def _user_edits(repo: Path) -> None:
    (repo / "README.md").write_text("# demo\n\nmy own notes, not committed\n")
    (repo / "scratch.txt").write_text("untracked scratch\n")


def _assert_user_edits_intact(repo: Path) -> None:
    assert (repo / "README.md").read_text() == "# demo\n\nmy own notes, not committed\n"
    assert (repo / "scratch.txt").read_text() == "untracked scratch\n"
    status = git(repo, "status", "--porcelain")
    assert " M README.md" in status and "?? scratch.txt" in status


def test_run_yes_lands_each_chunk_as_a_commit_and_keeps_user_edits(git_repo, tmp_path, capsys):
    _user_edits(git_repo)
    plan, executor = _setup(tmp_path, git_repo, [*_chunk1(), *write_chunk("tests/test_app.py", TEST)])
    code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan), "--yes",
                           "--executor", f"replay:{executor}", "--planner", f"replay:{executor}")
    assert code == 0, err
    assert _subjects(git_repo) == ["Add a test for greet", "Add a greet function", "initial"]
    assert git(git_repo, "show", "HEAD~1:src/app.py") == GREET
    assert git(git_repo, "show", "HEAD:tests/test_app.py") == TEST
    assert "Add greet(name)" in git(git_repo, "log", "-1", "--format=%b", "HEAD~1")
    _assert_user_edits_intact(git_repo)
    assert "chunk 1: check passed" in err and "chunk 2 landed" in err
    assert "edit_file src/app.py" in err


def test_run_without_yes_stops_after_first_chunk_for_review(git_repo, tmp_path, capsys):
    plan, executor = _setup(tmp_path, git_repo, _chunk1())
    code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan),
                           "--executor", f"replay:{executor}")
    assert code == 0, err
    assert _subjects(git_repo) == ["initial"]
    assert (git_repo / "src" / "app.py").read_text() == GREET
    assert "waiting for your review" in err and "`pairtui`" in err


def test_verify_fails_then_fix_round_passes(git_repo, tmp_path, capsys):
    fix = edit_chunk("src/app.py", "f'hallo {name}'", "f'hello {name}'", "Fixed the typo.")[1:]
    plan, executor = _setup(tmp_path, git_repo, [*_chunk1(buggy=True), *fix,
                                                  *write_chunk("tests/test_app.py", TEST)])
    code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan), "--yes",
                           "--executor", f"replay:{executor}")
    assert code == 0, err
    assert "check failed" in err and "fix round" in err
    assert git(git_repo, "show", "HEAD~1:src/app.py") == GREET
    assert len(_subjects(git_repo)) == 3


def test_verify_never_passes_rolls_back_chunk_exit_1_keeps_earlier_commit_and_user_edits(
        git_repo, tmp_path, capsys):
    _user_edits(git_repo)
    bad_test = TEST.replace("'hello Bo'", "'bye Bo'")
    no_fix = [turn(text("I could not find the problem."))]
    plan, executor = _setup(tmp_path, git_repo, [
        *_chunk1(), *write_chunk("tests/test_app.py", bad_test), *no_fix, *no_fix])
    code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan), "--yes",
                           "--executor", f"replay:{executor}")
    assert code == 1, err
    assert _subjects(git_repo) == ["Add a greet function", "initial"]
    assert not (git_repo / "tests" / "test_app.py").exists()
    assert "chunk 2 failed; rolled back" in err
    undo = err.split("what was there is kept in ")[1].split(" ")[0]
    assert git(git_repo, "rev-parse", "--verify", f"refs/pairtui/{undo}")  # the named checkpoint exists
    _assert_user_edits_intact(git_repo)


def test_provider_401_mid_run_exits_3_and_loses_nothing(git_repo, tmp_path, capsys):
    _user_edits(git_repo)
    plan, executor = _setup(tmp_path, git_repo, [*_chunk1(), error("auth")])
    code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan), "--yes",
                           "--executor", f"replay:{executor}")
    assert code == 3, err
    assert _subjects(git_repo) == ["Add a greet function", "initial"]
    assert "401" in err and "pairtui rollback 2" in err
    code, out, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan), "--json",
                             "--executor", f"replay:{executor}")
    assert code == 2  # chunk 2 is still in flight: the new run refuses, and says so in JSON too
    last = json.loads(out.splitlines()[-1])
    assert last["event"] == "RunFinished" and last["exit_code"] == 2 and "pairtui rollback 2" in last["error"]
    _assert_user_edits_intact(git_repo)
    state = _state(git_repo)
    assert [c["status"] for c in state["chunks"]] == ["landed", "executing"]


def test_path_escapes_are_refused_and_nothing_is_written_outside(git_repo, tmp_path, capsys):
    outside = tmp_path / "outside.txt"
    (git_repo / "link").symlink_to(tmp_path)
    attempts = [
        turn(tool("write_file", path="../outside.txt", content="x")),
        turn(tool("write_file", path=str(outside), content="x")),
        turn(tool("write_file", path="link/outside.txt", content="x")),
        turn(tool("write_file", path=".git/hooks/pre-commit", content="#!/bin/sh\nexit 1\n")),
    ]
    plan, executor = _setup(tmp_path, git_repo, [*attempts, *_chunk1(), *write_chunk("tests/test_app.py", TEST)])
    code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan), "--yes",
                           "--executor", f"replay:{executor}")
    assert code == 0, err
    assert not outside.exists()
    assert not (git_repo / ".git" / "hooks" / "pre-commit").exists()
    assert err.count("    ! write_file") == 4


def test_json_prints_one_event_per_line(git_repo, tmp_path, capsys):
    plan, executor = _setup(tmp_path, git_repo, [*_chunk1(), *write_chunk("tests/test_app.py", TEST)])
    code, out, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan), "--yes", "--json",
                             "--executor", f"replay:{executor}")
    assert code == 0, err
    events = [json.loads(line) for line in out.splitlines()]
    kinds = [e["event"] for e in events]
    assert kinds.count("ChunkLanded") == 2
    assert "CheckpointTaken" in kinds and "ToolStarted" in kinds and "VerifyFinished" in kinds
    steps = [e["checkpoint"]["step"] for e in events if e["event"] == "CheckpointTaken"]
    assert steps[:4] == ["start", "executed", "verified", "reviewed"]
    texts = [e["text"] for e in events if e["event"] == "ModelText"]
    assert "Reading src/app.py." in texts
    assert events[-1]["event"] == "RunFinished" and events[-1]["exit_code"] == 0


def test_run_refuses_a_repo_mid_merge_with_exit_4(git_repo, tmp_path, capsys):
    (git_repo / ".git" / "MERGE_HEAD").write_text(git(git_repo, "rev-parse", "HEAD"))
    plan, executor = _setup(tmp_path, git_repo, _chunk1())
    code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan),
                           "--executor", f"replay:{executor}")
    assert code == 4
    assert len(err.strip().splitlines()) == 1


def test_bad_plan_file_is_one_line_exit_2(git_repo, tmp_path, capsys):
    plan = tmp_path / "plan.md"
    plan.write_text("just some words, no chunks\n")
    code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan))
    assert code == 2
    assert len(err.strip().splitlines()) == 1


def _state(repo: Path) -> dict:
    sessions = sorted((repo / ".git" / "pairtui" / "sessions").iterdir())
    return json.loads((sessions[-1] / "state.json").read_text())


def test_run_goal_plans_first_then_lands(git_repo, tmp_path, capsys):
    planner = write_transcript(tmp_path / "planner.jsonl",
                               [turn(tool("read_file", path="src/app.py")), turn(text(PLAN))])
    _, executor = _setup(tmp_path, git_repo, [*_chunk1(), *write_chunk("tests/test_app.py", TEST)])
    code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--goal", "Greet people", "--yes",
                           "--planner", f"replay:{planner}", "--executor", f"replay:{executor}")
    assert code == 0, err
    assert "plan with 2 chunks" in err
    assert _subjects(git_repo) == ["Add a test for greet", "Add a greet function", "initial"]


def test_run_goal_without_a_key_exits_3_in_one_line(git_repo, capsys):
    code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--goal", "Greet people")
    assert code == 3
    assert "ANTHROPIC_API_KEY" in err.strip().splitlines()[-1]


def test_model_stuck_repeating_a_failing_call_is_rolled_back_exit_1(git_repo, tmp_path, capsys):
    bad = turn(tool("edit_file", path="src/app.py", old_string="nope", new_string="x"))
    half = turn(tool("write_file", path="src/half.py", content="half\n"))
    plan, executor = _setup(tmp_path, git_repo, [half, bad, bad, bad])
    code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan), "--yes",
                           "--executor", f"replay:{executor}")
    assert code == 1, err
    assert "same failing call 3 times" in err and "chunk 1 failed; rolled back" in err
    assert not (git_repo / "src" / "half.py").exists()


def test_after_a_provider_error_the_same_run_carries_on_from_the_session_plan(git_repo, tmp_path, capsys):
    half = turn(tool("write_file", path="tests/half.py", content="half\n"))
    plan, executor = _setup(tmp_path, git_repo, [*_chunk1(), half, error("auth")])
    code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan), "--yes",
                           "--executor", f"replay:{executor}")
    assert code == 3
    session_plan = err.split("--plan ")[1].split(" ")[0]
    fixed = write_transcript(tmp_path / "fixed.jsonl", write_chunk("tests/test_app.py", TEST))
    code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", session_plan, "--yes",
                           "--executor", f"replay:{fixed}")
    assert code == 0, err
    assert "carrying on with session" in err
    assert _subjects(git_repo) == ["Add a test for greet", "Add a greet function", "initial"]
    assert not (git_repo / "tests" / "half.py").exists()
