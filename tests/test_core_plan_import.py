"""Plans from other tools: the shapes issue 18 saw refused, the checks it saw missed, and the
unsafe checks it saw taken. Each case is the smallest text showing the shape."""

from __future__ import annotations

import pytest

from pairtui.core.plan import parse_plan, render_plan
from pairtui.errors import PlanError


def titles(text: str) -> list[tuple[int, str]]:
    plan = parse_plan(text)
    assert render_plan(plan) == text
    return [(c.number, c.title) for c in plan.chunks]


# -- Seen 1: structures ------------------------------------------------------------------------


def test_single_task_without_numbered_steps_is_one_chunk():
    text = (
        "# Plan: Fix the flaky upload test\n\n## Context\n\nThe test races the worker.\n\n"
        "## Changes\n\n- `tests/test_upload.py`: wait for the job.\n\n## Verification\n\n"
        "- `pytest tests/test_upload.py -q`\n"
    )
    plan = parse_plan(text)
    assert [(c.number, c.title) for c in plan.chunks] == [(1, "Fix the flaky upload test")]
    assert plan.chunk(1).line == 1 and "wait for the job" in plan.chunk(1).body
    assert render_plan(plan) == text


@pytest.mark.parametrize(
    ("heads", "expected"),
    [
        (["## Phase 0.0: Setup", "## Phase 0.1: Schema", "## Phase 1.0: API"],
         [(1, "Setup"), (2, "Schema"), (3, "API")]),
        (["## Phase A: Setup", "## Phase B: Build"], [(1, "Setup"), (2, "Build")]),
        (["### 4a. Parse", "### 4b. Render"], [(1, "Parse"), (2, "Render")]),
        (["# Phase A - Setup", "# Phase B - Planning"], [(1, "Setup"), (2, "Planning")]),
    ],
)
def test_phases_numbered_with_dots_letters_or_sub_letters(heads: list[str], expected):
    text = "\n\nbody\n\n".join(heads) + "\n\nbody\n"
    assert titles(text) == expected


def test_top_level_phase_with_lettered_sub_steps_takes_the_sub_steps():
    text = "# Phase 4: Export\n\n### 4a. CSV writer\n\nx\n\n### 4b. CLI flag\n\ny\n"
    plan = parse_plan(text)
    assert plan.goal == "Phase 4: Export"
    assert [(c.number, c.title) for c in plan.chunks] == [(1, "CSV writer"), (2, "CLI flag")]


def test_numbered_notes_beside_a_phase_list_take_the_phases():
    text = (
        "# Plan\n\n## 1. Background\n\nwhy\n\n## 2. Risks\n\nsome\n\n"
        "## Phase 1: Schema\n\na\n\n## Phase 2: API\n\nb\n"
    )
    assert titles(text) == [(1, "Schema"), (2, "API")]


def test_numbered_notes_after_the_steps_are_notes():
    text = "# X\n\n## 1. Migration\n\na\n\n## 2. Hooks\n\nb\n\n## 3. Files summary\n\nc\n\n## 4. Do not\n\nd\n"
    plan = parse_plan(text)
    assert [c.title for c in plan.chunks] == ["Migration", "Hooks"]
    assert plan.notes.startswith("## 3. Files summary")


def test_prd_checkbox_task_list_with_sub_tasks():
    text = (
        "## Relevant Files\n\n- `app/api.ts`\n\n## Tasks\n\n"
        "- [ ] 1.0 Build the API\n  - [ ] 1.1 Route\n  - [ ] 1.2 Tests: `npm test -- api`\n"
        "- [ ] 2.0 Build the page\n  - [ ] 2.1 Component\n"
    )
    plan = parse_plan(text)
    assert [(c.number, c.title) for c in plan.chunks] == [(1, "Build the API"), (2, "Build the page")]
    assert "1.1 Route" in plan.chunk(1).body
    assert plan.chunk(1).line == 7
    assert render_plan(plan) == text


def test_kiro_tasks_md_with_flat_sub_tasks_and_optional_markers():
    text = (
        "# Implementation Plan\n\n- [x] 1. Set up the client\n- [x] 1.1 Create apiClient\n"
        "  - _Requirements: 1.1_\n\n- [ ] 2. Add the list view\n- [ ]* 2.1 Write tests\n\n"
        "- [ ] 3. Checkpoint - Ensure all tests pass\n"
    )
    assert titles(text) == [
        (1, "Set up the client"), (2, "Add the list view"), (3, "Checkpoint - Ensure all tests pass")
    ]


def test_execplan_prose_plan_of_work_splits_at_first_next_finally():
    text = (
        "# Tidy exports\n\n## Purpose / Big Picture\n\nUsers get CSV.\n\n## Plan of Work\n\n"
        "First, add `export_csv` to `shop/export.py` with a header row. Next, wire a `--csv` flag\n"
        "into `shop/cli.py`. Finally, document the flag in the README.\n\n"
        "## Validation and Acceptance\n\nRun `pytest -q tests/test_export.py` and expect it to pass.\n"
    )
    plan = parse_plan(text)
    assert len(plan.chunks) == 3
    assert plan.chunk(1).title.startswith("First, add `export_csv`")
    assert plan.chunk(2).body.startswith("Next, wire a `--csv` flag")
    assert plan.chunk(3).line == 10
    assert render_plan(plan) == text


def test_cursor_plan_whose_steps_are_only_front_matter_todos():
    text = (
        "---\nname: Rate limits\noverview: Add them\ntodos:\n  - id: a\n    content: Token bucket\n"
        "    status: pending\n  - id: b\n    content: Middleware\n    status: pending\n---\n\n"
        "# Rate limits\n\nSome notes.\n"
    )
    assert titles(text) == [(1, "Token bucket"), (2, "Middleware")]


# -- Seen 2: checks ----------------------------------------------------------------------------


def test_run_expected_pass_pairs_are_checks_and_expected_failures_are_not():
    text = (
        "# P\n\n### Task 1: Parser\n\n**Step 2: Run test to verify it fails**\n\n"
        "Run: `pytest tests/test_parser.py -v`\nExpected: FAIL with ImportError\n\n"
        "**Step 4: Run test to verify it passes**\n\nRun: `pytest tests/test_parser.py -v`\n"
        "Expected: PASS\n\n### Task 2: Docs\n\nRun: `grep -c parser README.md`\nExpected: 1\n"
    )
    plan = parse_plan(text)
    assert plan.chunk(1).verify == "pytest tests/test_parser.py -v"
    assert plan.chunk(2).verify == "grep -c parser README.md"
    assert plan.chunk(1).verify_source == "imported"


def test_step_verification_section_and_bold_verification_label():
    text = (
        "# P\n\n## Step 1 — Schema\n\nAdd it.\n\n### Step 1 — Verification\n\n"
        "```bash\nalembic upgrade head\n```\n\n## Step 2 — API\n\nAdd it.\n\n"
        "**Verification:** `pytest -q tests/api` passes.\n"
    )
    plan = parse_plan(text)
    assert plan.chunk(1).verify == "alembic upgrade head"
    assert plan.chunk(2).verify == "pytest -q tests/api"


def test_plan_level_validation_and_acceptance_is_the_default_check():
    text = (
        "# P\n\n## Plan of Work\n\n1. Add the model.\n2. Add the view.\n   Verify: `pytest -q tests/view`\n\n"
        "## Validation and Acceptance\n\n```bash\npytest -q\n```\n"
    )
    plan = parse_plan(text)
    assert plan.chunk(1).verify == "pytest -q"
    assert plan.chunk(2).verify == "pytest -q tests/view"
    assert {c.verify_source for c in plan.chunks} == {"imported"}


def test_canonical_verify_lines_are_the_persons_own():
    plan = parse_plan("# Goal: g\n\n## Chunk 1: A\nVerify: pytest -q\n\nDo it.\n")
    assert plan.chunk(1).verify == "pytest -q"
    assert plan.chunk(1).verify_source == "own" and not plan.chunk(1).check_is_imported


def test_verify_none_under_the_heading_means_no_check_even_with_criteria():
    text = (
        "# P\n\n## Phase 1: A\nVerify: none\n\n#### Automated Verification:\n- [ ] `make test`\n"
    )
    chunk = parse_plan(text).chunk(1)
    assert chunk.verify is None and not chunk.check_is_imported


# -- Seen 3: unsafe checks ---------------------------------------------------------------------


def test_http_route_in_backticks_is_never_a_command():
    text = (
        "# P\n\n## Phase 1: API\n\n### Success Criteria\n\n#### Automated Verification:\n"
        "- [ ] `GET /simulations/{id}` returns 200\n- [ ] `POST /simulations` creates one\n"
    )
    assert parse_plan(text).chunk(1).verify is None


def test_tool_named_in_prose_is_not_a_command():
    text = "# Tasks\n\n- [ ] 1. Install the CLI\n  - Verify: `claude` is on PATH\n"
    chunk = parse_plan(text).chunk(1)
    assert chunk.verify is None and chunk.flagged == ()
    own = parse_plan("## Chunk 1: X\nVerify: `claude` is on PATH\n").chunk(1)
    assert own.verify is None


@pytest.mark.parametrize(
    "command",
    ["cargo run -p client", "npm start", "pnpm dev", "docker compose up", "python manage.py runserver",
     "npm run watch", "jest --watch", "claude -p 'fix it'", "psql"],
)
def test_long_running_or_interactive_commands_are_flagged_not_run(command: str):
    text = f"# P\n\n## Phase 1: A\n\n#### Automated Verification:\n- [ ] Works: `{command} x`\n"
    if command == "psql":
        text = text.replace("`psql x`", "`psql -h db`")
    chunk = parse_plan(text).chunk(1)
    assert chunk.verify is None
    assert len(chunk.flagged) == 1 and chunk.flagged[0][1]
    assert chunk.check_is_imported


def test_grep_pipeline_described_as_returning_empty_is_flagged():
    text = (
        "# P\n\n## Phase 1: Remove render\n\n#### Automated Verification:\n"
        "- [ ] No callers left: `git grep -n foo | grep render` returns empty\n"
        "- [ ] Tests pass: `make test`\n"
    )
    chunk = parse_plan(text).chunk(1)
    assert chunk.verify == "make test"
    assert chunk.flagged == (("git grep -n foo | grep render",
                              "exit code means the opposite: the plan expects no output"),)


# -- Seen 4: fences ----------------------------------------------------------------------------


def test_fence_closes_only_with_a_bare_fence_of_its_kind():
    text = (
        "# P\n\n## Phase 1: Docs\n\n````markdown\n```python\n# not a heading\n```\n## Not a step\n"
        "````\n\nstill phase 1\n\n## Phase 2: Code\n\n```markdown\nx\n```python\n# comment\n```\n\n"
        "phase 2 text\n"
    )
    plan = parse_plan(text)
    assert [c.title for c in plan.chunks] == ["Docs", "Code"]
    assert "still phase 1" in plan.chunk(1).body
    assert "# comment" in plan.chunk(2).body and plan.goal == "P"


# -- Seen 5: the error -------------------------------------------------------------------------


def test_no_chunks_error_names_what_was_looked_for_and_what_the_file_uses():
    text = "# Ideas\n\nSome intro.\n\n**1. Schema** first\n\n**2. API** next\n"
    with pytest.raises(PlanError) as caught:
        parse_plan(text)
    assert caught.value.line == 5
    message = str(caught.value)
    assert "## Chunk 1: Title" in message and "- [ ] 1. Task" in message
    assert "bold lines" in message and "\n" not in message


def test_no_chunks_error_points_at_an_unnumbered_task_list():
    with pytest.raises(PlanError) as caught:
        parse_plan("# Tasks\n\nIntro\n\n- [ ] Write the schema\n- [ ] Add the API\n")
    assert caught.value.line == 5 and "no numbers" in str(caught.value)


def test_no_chunks_error_points_at_empty_front_matter_todos():
    with pytest.raises(PlanError) as caught:
        parse_plan("---\nname: Cache\noverview: speed\ntodos: []\n---\n\nJust notes.\n")
    assert caught.value.line == 4 and "front matter has no todos" in str(caught.value)


@pytest.mark.parametrize("name", ["canonical_billing.md", "canonical_minimal.md", "numbered_headings.md",
                                  "step_dash.md", "keyword_variants.md"])
def test_verify_lines_under_step_headings_stay_the_persons_own(name: str):
    from pathlib import Path

    text = (Path(__file__).parent / "plans" / name).read_text()
    plan = parse_plan(text)
    assert render_plan(plan) == text
    assert all(c.verify_source == "own" and not c.check_is_imported for c in plan.chunks)
