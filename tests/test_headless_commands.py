"""`pairtui plan`, `pairtui rollback`, `pairtui demo` and run_command's headless rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pairtui.commands import demo
from tests.conftest import git
from tests.support_engine import (
    edit_chunk,
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

Add greet(name).

## Chunk 2: Add notes
Files: NOTES.md

Write NOTES.md.
"""
ORIGINAL = "def hello():\n    return 'hi'\n"
GREET = edit_chunk("src/app.py", "    return 'hi'\n", "    return 'hi'\n\n\ndef greet(name):\n    return name\n")


def _run(capsys, repo: Path, tmp_path: Path, executor: list[dict], *extra: str) -> tuple[int, str, str]:
    plan = tmp_path / "plan.md"
    plan.write_text(PLAN)
    spec = f"replay:{write_transcript(tmp_path / 'executor.jsonl', executor)}"
    return run_cli(capsys, "-C", str(repo), "run", "--plan", str(plan), "--executor", spec, *extra)


def test_plan_writes_the_plan_in_the_git_dir_and_prints_its_path(git_repo, tmp_path, capsys):
    planner = write_transcript(tmp_path / "planner.jsonl", [turn(tool("list_files")), turn(text(PLAN))])
    code, out, err = run_cli(capsys, "-C", str(git_repo), "plan", "--goal", "Greet people",
                             "--planner", f"replay:{planner}")
    assert code == 0, err
    path = Path(out.strip())
    assert path.read_text() == PLAN and path.is_relative_to(git_repo / ".git")
    state = json.loads((path.parent / "state.json").read_text())
    assert state["phase"] == "planning" and state["goal"] == "Greet people"
    assert git(git_repo, "status", "--porcelain") == ""  # nothing in the working tree


def test_rollback_after_a_review_stop_restores_the_chunk_start(git_repo, tmp_path, capsys):
    (git_repo / "README.md").write_text("# demo\nmine\n")
    code, _, err = _run(capsys, git_repo, tmp_path, GREET)
    assert code == 0, err
    assert "def greet" in (git_repo / "src" / "app.py").read_text()
    code, _, err = run_cli(capsys, "-C", str(git_repo), "rollback")
    assert code == 0, err
    assert (git_repo / "src" / "app.py").read_text() == ORIGINAL
    assert (git_repo / "README.md").read_text() == "# demo\nmine\n"
    assert "chunk 1: rolled back to" in err


def test_rollback_of_a_landed_chunk_reverts_it_with_a_new_commit(git_repo, tmp_path, capsys):
    code, _, err = _run(capsys, git_repo, tmp_path, [*GREET, *write_chunk("NOTES.md", "n\n")], "--yes")
    assert code == 0, err
    code, _, err = run_cli(capsys, "-C", str(git_repo), "rollback", "1")
    assert code == 0, err
    assert git(git_repo, "log", "-1", "--format=%s") == 'Revert "Add a greet function"\n'
    assert (git_repo / "src" / "app.py").read_text() == ORIGINAL
    assert (git_repo / "NOTES.md").read_text() == "n\n"


def test_rollback_without_a_session_is_one_line_exit_2(git_repo, capsys):
    code, _, err = run_cli(capsys, "-C", str(git_repo), "rollback")
    assert code == 2 and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("allowed", [False, True])
def test_run_command_in_headless_mode_only_when_the_config_allows(allowed, git_repo, tmp_path, capsys):
    if allowed:
        (git_repo / ".pairtui.toml").write_text("allow_run_command_headless = true\n")
        code, _, err = run_cli(capsys, "-C", str(git_repo), "trust", "--yes")
        assert code == 0, err
    executor = [turn(tool("run_command", command="echo ran > ran.txt")), turn(text("Done."))]
    code, _, err = _run(capsys, git_repo, tmp_path, executor)
    assert code == 0, err
    assert (git_repo / "ran.txt").exists() is allowed
    assert ("! run_command: running commands is not allowed" in err) is not allowed


def test_an_untrusted_repo_config_cannot_let_the_model_run_commands(git_repo, tmp_path, capsys):
    (git_repo / ".pairtui.toml").write_text("allow_run_command_headless = true\n")
    executor = [turn(tool("run_command", command="echo ran > ran.txt")), turn(text("Done."))]
    code, _, err = _run(capsys, git_repo, tmp_path, executor)
    assert code == 0, err
    assert not (git_repo / "ran.txt").exists()
    assert "! run_command: running commands is not allowed" in err
    notice = [line for line in err.splitlines() if "pairtui trust" in line]
    assert len(notice) == 1 and "allow_run_command_headless" in notice[0], err


def test_demo_headless_lands_three_commits(tmp_path, capsys):
    where = tmp_path / "demo"
    code, _, err = run_cli(capsys, "demo", "--headless", "--dir", str(where))
    assert code == 0, err
    subjects = git(where, "log", "--format=%s").splitlines()
    assert subjects == ["Add tests for the pricing rules",
                        "Price the CSV export and refunds through the same rules",
                        "Extract the pricing rules into shop/pricing.py",
                        "The shop before the refactor"]
    assert str(where) in err and err.count("check passed") == 3
    assert git(where, "status", "--porcelain") == ""


def test_demo_refuses_a_directory_that_is_not_empty(tmp_path, capsys):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "file").write_text("x")
    code, _, err = run_cli(capsys, "demo", "--headless", "--dir", str(tmp_path / "busy"))
    assert code == 2 and "not empty" in err


def test_demo_without_headless_opens_the_tui_on_the_prepared_repo(tmp_path, capsys, monkeypatch):
    import pairtui.ui.launch

    seen = {}

    def fake_run_tui(repo_root, config, goal=None):
        seen.update(repo=repo_root, config=config, goal=goal)
        return 0

    monkeypatch.setattr(pairtui.ui.launch, "run_tui", fake_run_tui)
    code, _, _ = run_cli(capsys, "demo", "--dir", str(tmp_path / "d"))
    assert code == 0
    assert seen["repo"] == (tmp_path / "d").resolve()
    assert seen["config"].planner == f"replay:{demo.ASSETS / 'demo' / 'planner.jsonl'}"
    assert seen["goal"] == "Put the shop's pricing rules in one place"
    assert git(seen["repo"], "log", "--format=%s") == "The shop before the refactor\n"


def test_demo_sets_a_local_identity_when_git_has_none(tmp_path, monkeypatch):
    for var in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(var, raising=False)
    repo = demo.prepare_demo_repo(str(tmp_path / "d"))
    assert git(repo, "config", "user.name") == "pairtui demo\n"
    assert git(repo, "log", "--format=%an") == "pairtui demo\n"


def test_run_on_the_plan_from_pairtui_plan_continues_that_session(git_repo, tmp_path, capsys):
    planner = write_transcript(tmp_path / "planner.jsonl", [turn(text(PLAN))])
    code, out, _ = run_cli(capsys, "-C", str(git_repo), "plan", "--goal", "Greet people",
                           "--planner", f"replay:{planner}")
    plan_path = Path(out.strip())
    plan_path.write_text(PLAN.replace("Write NOTES.md.", "Write NOTES.md with one line."))
    executor = write_transcript(tmp_path / "executor.jsonl", [*GREET, *write_chunk("NOTES.md", "n\n")])
    spec = f"replay:{executor}"
    code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan_path), "--yes",
                           "--executor", spec)
    assert code == 0, err
    sessions = list((git_repo / ".git" / "pairtui" / "sessions").iterdir())
    assert len(sessions) == 1
    state = json.loads((sessions[0] / "state.json").read_text())
    assert len(state["plan_versions"]) == 2 and state["phase"] == "done"


def test_a_new_run_refuses_while_a_chunk_waits_for_review(git_repo, tmp_path, capsys):
    code, _, err = _run(capsys, git_repo, tmp_path, GREET)
    assert code == 0, err
    code, _, err = _run(capsys, git_repo, tmp_path, GREET)
    assert code == 2
    assert "chunk 1 of session" in err and "pairtui rollback 1" in err
    assert len(err.strip().splitlines()) == 1
