"""Imported checks headless: `pairtui run --plan` with another tool's plan runs its checks only
with --trust-plan-checks, never runs flagged ones, and the engine refuses an unconfirmed one."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from pairtui.agent.flow import Pairing
from pairtui.config import load_config
from pairtui.errors import PairtuiError, StateError, UsageError
from tests.conftest import git
from tests.support_engine import edit_chunk, run_cli, write_transcript

PHASED = """\
# Greeting Implementation Plan

## Phase 1: Add a greet function

### Changes Required:

**File**: `src/app.py`

### Success Criteria:

#### Automated Verification:
- [ ] greet works: `python -c "import sys; sys.path.insert(0, 'src'); import app; assert app.greet('Ann') == 'hello Ann'"`

#### Manual Verification:
- [ ] Looks right: `python -m http.server`
"""

SERVER = PHASED.replace("- [ ] greet works:", "- [ ] Serves: `npm start`\n- [ ] greet works:")


def _chunk1() -> list[dict]:
    return edit_chunk("src/app.py", "    return 'hi'\n",
                      "    return 'hi'\n\n\ndef greet(name):\n    return f'hello {name}'\n")


def _run(capsys, repo: Path, tmp_path: Path, plan_text: str, *flags: str) -> tuple[int, str]:
    plan = tmp_path / "phased.md"
    plan.write_text(plan_text)
    executor = write_transcript(tmp_path / "executor.jsonl", _chunk1())
    code, _, err = run_cli(capsys, "-C", str(repo), "run", "--plan", str(plan), "--yes",
                           "--executor", f"replay:{executor}", "--planner", f"replay:{executor}",
                           *flags)
    return code, err


def _subjects(repo: Path) -> list[str]:
    return git(repo, "log", "--format=%s").splitlines()


def test_run_plan_with_imported_checks_exits_2_naming_them_and_touches_nothing(git_repo, tmp_path,
                                                                              capsys):
    before = git(git_repo, "status", "--porcelain")
    code, err = _run(capsys, git_repo, tmp_path, PHASED)
    assert code == 2
    assert "chunk 1 `python -c" in err and "--trust-plan-checks" in err
    assert _subjects(git_repo) == ["initial"]
    assert git(git_repo, "status", "--porcelain") == before
    assert git(git_repo, "for-each-ref", "refs/pairtui") == ""


def test_trust_plan_checks_runs_the_imported_check_and_lands(git_repo, tmp_path, capsys):
    code, err = _run(capsys, git_repo, tmp_path, PHASED, "--trust-plan-checks")
    assert code == 0, err
    assert _subjects(git_repo) == ["Add a greet function", "initial"]
    assert "chunk 1: check passed" in err
    assert "http.server" not in err  # the manual step's command is never run


def test_flagged_command_is_refused_even_with_trust(git_repo, tmp_path, capsys):
    code, err = _run(capsys, git_repo, tmp_path, SERVER, "--trust-plan-checks")
    assert code == 2
    assert "`npm start` (starts a dev server or watcher)" in err
    assert _subjects(git_repo) == ["initial"]
    assert git(git_repo, "for-each-ref", "refs/pairtui") == ""


def test_flagged_chunk_runs_once_the_person_writes_their_own_verify(git_repo, tmp_path, capsys):
    own = SERVER.replace("### Changes Required:", "Verify: none\n\n### Changes Required:")
    code, err = _run(capsys, git_repo, tmp_path, own)
    assert code == 0, err
    assert _subjects(git_repo) == ["Add a greet function", "initial"]


def test_engine_refuses_to_run_an_unconfirmed_imported_check_until_confirmed(git_repo, tmp_path):
    executor = write_transcript(tmp_path / "executor.jsonl", _chunk1())
    config = load_config(git_repo, {"executor": f"replay:{executor}", "planner": f"replay:{executor}"})
    pairing = Pairing.open(git_repo, config, lambda event: None, goal="greet")
    pairing.set_plan_text(PHASED)
    pairing.approve_plan()
    with pytest.raises(StateError, match="imported from the plan and is not confirmed"):
        asyncio.run(pairing.execute(1))
    assert git(git_repo, "for-each-ref", "refs/pairtui") == ""
    pairing.confirm_check(1)
    asyncio.run(pairing.execute(1))
    assert asyncio.run(pairing.verify(1)) is True


def test_plan_with_flagged_checks_cannot_be_approved_or_confirmed(git_repo, tmp_path):
    executor = write_transcript(tmp_path / "executor.jsonl", _chunk1())
    config = load_config(git_repo, {"executor": f"replay:{executor}", "planner": f"replay:{executor}"})
    pairing = Pairing.open(git_repo, config, lambda event: None, goal="greet")
    pairing.set_plan_text(SERVER)
    with pytest.raises(UsageError, match="npm start"):
        pairing.confirm_check(1)
    with pytest.raises(PairtuiError, match="never run"):
        pairing.approve_plan()


def test_a_confirmed_check_that_the_plan_then_changes_needs_confirming_again(git_repo, tmp_path):
    from pairtui.agent import imported_checks

    executor = write_transcript(tmp_path / "executor.jsonl", _chunk1())
    config = load_config(git_repo, {"executor": f"replay:{executor}", "planner": f"replay:{executor}"})
    pairing = Pairing.open(git_repo, config, lambda event: None, goal="greet")
    pairing.set_plan_text(PHASED)
    pairing.confirm_check(1)
    assert imported_checks.is_confirmed(pairing.session, pairing.plan.chunk(1))
    pairing.set_plan_text(PHASED.replace("'hello Ann'", "'hello Bo'"))
    assert not imported_checks.is_confirmed(pairing.session, pairing.plan.chunk(1))
    assert [c.number for c in imported_checks.unconfirmed(pairing.plan, pairing.session)] == [1]
