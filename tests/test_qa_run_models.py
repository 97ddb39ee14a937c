"""QA: `pairtui run --plan` checks the executor model can be built (key present, transcript
found) before it takes a checkpoint or starts a chunk, so a typo costs one line and leaves no
half-started session that blocks the next run."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import git
from tests.support_engine import edit_chunk, run_cli, write_transcript

PLAN = """\
# Goal: Say hello louder

## Chunk 1: Shout hello
Files: src/app.py
Verify: python -c "print('ok')"

Return 'HI'.
"""


def _plan(tmp_path: Path) -> Path:
    plan = tmp_path / "plan.md"
    plan.write_text(PLAN)
    return plan


def test_missing_executor_key_is_one_line_and_starts_nothing(git_repo, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_AUTH_TOKEN", raising=False)
    code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(_plan(tmp_path)),
                           "--yes", "--executor", "anthropic:some-model")
    assert code == 3
    assert err.strip().splitlines() == [err.strip()] and "ANTHROPIC_API_KEY" in err
    assert git(git_repo, "for-each-ref", "refs/pairtui") == ""


def test_missing_transcript_then_the_fixed_command_runs(git_repo, tmp_path, capsys):
    plan = _plan(tmp_path)
    code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan), "--yes",
                           "--executor", f"replay:{tmp_path / 'typo.jsonl'}")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "not found" in err

    transcript = write_transcript(tmp_path / "executor.jsonl",
                                  edit_chunk("src/app.py", "return 'hi'", "return 'HI'"))
    code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan), "--yes",
                           "--executor", f"replay:{transcript}")
    assert code == 0, err
    assert git(git_repo, "log", "-1", "--format=%s").strip() == "Shout hello"
