"""Plan markdown: tolerant parsing of real-looking plans, exact round trips, clear errors."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest

from pairtui.core.plan import Chunk, Plan, parse_plan, render_plan
from pairtui.errors import PlanError

PLANS = Path(__file__).parent / "plans"
ALL_PLANS = sorted(PLANS.glob("*.md"))
CANONICAL = ["canonical_billing.md", "canonical_minimal.md"]

# file -> (goal, [(number, title, files, verify)])
EXPECTED: dict[str, tuple[str, list[tuple[int, str, tuple[str, ...], str | None]]]] = {
    "canonical_billing.md": (
        "Split the billing module",
        [
            (
                1,
                "Move billing helpers into shop/billing.py",
                ("shop/utils.py", "shop/billing.py", "shop/__init__.py"),
                "pytest -q tests/test_billing.py",
            ),
            (
                2,
                "Point callers at the new module",
                ("shop/cart.py", "shop/checkout.py"),
                "pytest -q",
            ),
            (
                3,
                "Add tests for the tax rounding",
                ("tests/test_billing.py",),
                'pytest -q tests/test_billing.py -k "rounding and not slow"',
            ),
        ],
    ),
    "canonical_minimal.md": ("", [(1, "Print the version with --version", ("cli.py",), None)]),
    "numbered_headings.md": (
        "Add retries to the HTTP client",
        [
            (
                1,
                "Add a retry policy object",
                ("sync/http.py", "sync/retry.py"),
                "python -m pytest tests/test_retry.py -q",
            ),
            (2, "Use the policy in the client", ("sync/http.py",), "python -m pytest tests -q"),
            (3, "Log each retry at INFO", ("sync/http.py",), None),
        ],
    ),
    "step_dash.md": (
        "Replace the hand-written CSV parser with the csv module",
        [
            (
                1,
                "Characterise current behaviour",
                ("tests/test_import.py",),
                "pytest tests/test_import.py",
            ),
            (
                2,
                "Swap the implementation",
                ("importer/rows.py",),
                "pytest tests/test_import.py && ruff check importer",
            ),
            (3, "Delete the dead helpers", ("importer/rows.py", "importer/_split.py"), "pytest -q"),
        ],
    ),
    "phase_colon.md": (
        "Dark mode for the settings page",
        [
            (1, "Theme tokens", ("web/src/theme.ts",), "npm test -- theme"),
            (
                2,
                "Toggle in settings",
                ("web/src/Settings.tsx", "web/src/theme.ts"),
                "npm test -- settings",
            ),
        ],
    ),
    "cursor_plan_with_steps.plan.md": (
        "Add rate limiting to the public API",
        [
            (1, "Token bucket", ("api/ratelimit.py",), None),
            (2, "Middleware", ("api/middleware.py",), None),
            (3, "Tests", ("tests/test_ratelimit.py", "tests/conftest.py"), None),
        ],
    ),
    "cursor_plan_todos_only.plan.md": (
        "Migrate settings from INI to TOML",
        [
            (1, "Add a TOML reader alongside the INI reader", (), None),
            (2, "Write settings.ini -> config.toml migration with a backup", (), None),
            (3, "Update the README's configuration section", (), None),
        ],
    ),
    "claude_code_plan.md": (
        "Fix the login redirect loop",
        [
            (1, "Validate the next parameter", ("auth/views.py",), None),
            (
                2,
                "Stop the middleware from pointing at the login page",
                ("auth/middleware.py",),
                None,
            ),
            (3, "Regression test", ("auth/tests/test_login_redirect.py",), None),
        ],
    ),
    "humanlayer_phased.md": (
        "Webhook Delivery Retries Implementation Plan",
        [
            (
                1,
                "Delivery table",
                ("migrations/0042_webhook_delivery.py", "webhooks/models.py"),
                "python manage.py migrate && pytest webhooks/tests/test_models.py -q",
            ),
            (
                2,
                "Retry worker",
                ("webhooks/worker.py",),
                "pytest webhooks/tests/test_worker.py -q && mypy webhooks && ruff check webhooks",
            ),
        ],
    ),
    "phased_bold_labels.md": (
        "Speed up the search index build",
        [
            (1, "Measure", ("bench/build_index.py",), "python bench/build_index.py --docs 50000"),
            (
                2,
                "Batch the inserts",
                ("search/index.py",),
                "pytest tests/search -q && python bench/build_index.py --docs 50000 --max-seconds 20",
            ),
        ],
    ),
    "keyword_variants.md": (
        "Tidy the release script",
        [
            (1, "Fail fast", (), "bash -n scripts/release.sh"),
            (2, "Extract the changelog step", ("scripts/release.sh", "scripts/changelog.sh"), None),
            (3, "Dry-run flag", ("scripts/release.sh",), "./scripts/release.sh --dry-run 1.2.3"),
        ],
    ),
    "files_list_and_notes.md": (
        "Rename Customer to Account",
        [
            (
                10,
                "Rename the class",
                ("crm/models.py", "crm/admin.py", "crm/serializers.py"),
                "pytest -q crm -k 'model or admin'",
            ),
            (20, "Rename the API fields", ("crm/serializers.py", "docs/api.md"), None),
            (30, "Remove the alias", ("crm/models.py",), "pytest -q"),
        ],
    ),
}


def summary(plan: Plan) -> tuple[str, list[tuple[int, str, tuple[str, ...], str | None]]]:
    return plan.goal, [(c.number, c.title, c.files, c.verify) for c in plan.chunks]


def fields(plan: Plan) -> tuple:
    return summary(plan), plan.context, plan.notes, [c.body for c in plan.chunks]


def test_there_are_a_dozen_fixture_plans_and_each_has_expectations():
    assert len(ALL_PLANS) >= 12
    assert sorted(EXPECTED) == sorted(p.name for p in ALL_PLANS)


@pytest.mark.parametrize("path", ALL_PLANS, ids=lambda p: p.name)
def test_fixture_plan_parses_to_expected_chunks(path: Path):
    assert summary(parse_plan(path.read_text())) == EXPECTED[path.name]


@pytest.mark.parametrize("path", ALL_PLANS, ids=lambda p: p.name)
def test_render_gives_back_the_persons_exact_text(path: Path):
    text = path.read_text()
    assert render_plan(parse_plan(text)) == text


@pytest.mark.parametrize("path", ALL_PLANS, ids=lambda p: p.name)
def test_canonical_rendering_parses_back_to_the_same_plan(path: Path):
    plan = parse_plan(path.read_text())
    again = parse_plan(render_plan(plan, canonical=True))
    assert fields(again) == fields(plan)


@pytest.mark.parametrize("name", CANONICAL)
def test_canonical_plan_renders_identically_from_fields_alone(name: str):
    text = (PLANS / name).read_text()
    assert render_plan(replace(parse_plan(text), source="")) == text


def test_edited_plan_renders_from_its_fields_not_the_stale_source():
    plan = parse_plan((PLANS / "canonical_billing.md").read_text())
    retitled = replace(plan.chunk(2), title="Update every caller")
    edited = replace(plan, chunks=(plan.chunks[0], retitled, plan.chunks[2]))
    text = render_plan(edited)
    assert "## Chunk 2: Update every caller\nFiles: shop/cart.py, shop/checkout.py\n" in text
    assert summary(parse_plan(text))[1][1][1] == "Update every caller"


def test_plan_built_in_code_renders_canonical_markdown():
    plan = Plan(
        goal="Add a health endpoint",
        context="Load balancers need it.",
        chunks=(
            Chunk(1, "Route", files=("app.py",), verify="pytest -q", body="Return 200 with {}."),
            Chunk(2, "Docs"),
        ),
    )
    assert render_plan(plan) == (
        "# Goal: Add a health endpoint\n\nLoad balancers need it.\n\n"
        "## Chunk 1: Route\nFiles: app.py\nVerify: pytest -q\n\nReturn 200 with {}.\n\n"
        "## Chunk 2: Docs\n"
    )


def test_chunk_lookup_by_number_and_heading_line():
    plan = parse_plan((PLANS / "files_list_and_notes.md").read_text())
    assert plan.chunk(20).line == 14
    with pytest.raises(KeyError):
        plan.chunk(2)


def test_body_excludes_meta_lines_and_keeps_text():
    chunk = parse_plan((PLANS / "canonical_billing.md").read_text()).chunk(1)
    assert chunk.body.startswith("Move `round_tax`")
    assert "Files:" not in chunk.body and "Verify:" not in chunk.body


def test_headings_inside_code_fences_are_not_chunks():
    plan = parse_plan((PLANS / "canonical_minimal.md").read_text())
    assert len(plan.chunks) == 1
    assert "## not a chunk heading" in plan.chunk(1).body


def test_sections_after_the_chunks_become_notes_not_chunk_body():
    plan = parse_plan((PLANS / "humanlayer_phased.md").read_text())
    assert plan.notes.startswith("## Testing Strategy")
    assert "Testing Strategy" not in plan.chunk(2).body
    assert "#### Manual Verification" in plan.chunk(1).body


def test_manual_verification_commands_are_not_run():
    plan = parse_plan((PLANS / "humanlayer_phased.md").read_text())
    assert "runserver" not in (plan.chunk(1).verify or "")
    assert "diff old.txt" not in (
        parse_plan((PLANS / "phased_bold_labels.md").read_text()).chunk(2).verify or ""
    )


def test_cursor_front_matter_gives_goal_and_todos_become_chunks():
    plan = parse_plan((PLANS / "cursor_plan_todos_only.plan.md").read_text())
    assert plan.chunk(1).line == 8  # the todo's line in the front matter
    assert plan.context.startswith("The INI format")


def test_verify_none_means_no_check():
    assert parse_plan((PLANS / "files_list_and_notes.md").read_text()).chunk(20).verify is None


def test_crlf_plan_round_trips_and_parses_cleanly():
    text = (PLANS / "canonical_billing.md").read_text().replace("\n", "\r\n")
    plan = parse_plan(text)
    assert render_plan(plan) == text
    assert plan.chunk(1).verify == "pytest -q tests/test_billing.py"
    assert "\r" not in plan.chunk(1).title


def test_heading_without_title_and_numbers_in_titles():
    plan = parse_plan("## Phase 1\n\nbody\n\n## 2. Bump to 1.5 and tag\n")
    assert summary(plan)[1] == [(1, "", (), None), (2, "Bump to 1.5 and tag", (), None)]


def test_prose_verify_line_in_the_body_is_not_run_as_a_command():
    plan = parse_plan("## Chunk 1: Page\n\nRender it.\n\nVerify: the page shows the new header\n")
    assert plan.chunk(1).verify is None
    assert plan.chunk(1).body.endswith("Verify: the page shows the new header")
    backticked = parse_plan("## Chunk 1: Page\n\nRender it.\nVerify: `pytest -q tests/ui`\n")
    assert backticked.chunk(1).verify == "pytest -q tests/ui"


@pytest.mark.parametrize(
    "line",
    [
        "Files: a.py, docs/b.md",
        "Files: a.py docs/b.md",
        "Files: `a.py` and `docs/b.md`",
        "**Files:** a.py (new), docs/b.md (update the table)",
        "- Files: a.py & docs/b.md",
    ],
)
def test_files_line_shapes(line: str):
    assert parse_plan(f"## Chunk 1: X\n{line}\n").chunk(1).files == ("a.py", "docs/b.md")


def test_files_keep_leading_underscores_and_dots():
    plan = parse_plan("## Chunk 1: X\nFiles: _private.py, .github/ci.yml\n")
    assert plan.chunk(1).files == ("_private.py", ".github/ci.yml")


def test_paths_with_spaces_are_backticked_in_canonical_form():
    plan = Plan("g", (Chunk(1, "X", files=("docs/user guide.md", "a.py")),))
    text = render_plan(plan)
    assert "Files: `docs/user guide.md`, `a.py`\n" in text
    assert parse_plan(text).chunk(1).files == ("docs/user guide.md", "a.py")


def test_year_like_headings_are_not_chunks():
    plan = parse_plan("# Goal: x\n\n## 2024 roadmap\n\n## 1. Do it\n")
    assert [c.number for c in plan.chunks] == [1]
    assert "2024 roadmap" in plan.context


@pytest.mark.parametrize(
    ("name", "line", "words"),
    [
        ("no_chunks.md", 1, "no chunks"),
        ("duplicate.md", 11, "duplicate chunk number 2 (also used at line 7)"),
        ("unbalanced_quote.md", 5, "unbalanced quote"),
        ("unbalanced_backticks.md", 8, "unbalanced quote"),
    ],
)
def test_bad_plan_error_names_the_line(name: str, line: int, words: str):
    with pytest.raises(PlanError) as caught:
        parse_plan((PLANS / "bad" / name).read_text())
    assert caught.value.line == line
    assert str(caught.value).startswith(f"line {line}: ")
    assert words in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("text", ["", "\n\n", "just a note\n", "---\nname: x\n---\n"])
def test_empty_or_chunkless_text_is_a_plan_error(text: str):
    with pytest.raises(PlanError, match="no chunks"):
        parse_plan(text)


def test_mangled_plans_either_parse_and_round_trip_or_raise_plan_error():
    """Random line deletions, duplications and truncations never crash the parser."""
    rng = random.Random(20261125)
    texts = [p.read_text() for p in ALL_PLANS]
    for _ in range(400):
        lines = rng.choice(texts).splitlines(keepends=True)
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(lines))
            action = rng.choice(["drop", "dup", "cut", "quote"])
            if action == "drop" and len(lines) > 1:
                del lines[i]
            elif action == "dup":
                lines.insert(i, lines[i])
            elif action == "cut":
                lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)]
            else:
                lines[i] = lines[i].replace("`", "'", 1)
        text = "".join(lines)
        try:
            plan = parse_plan(text)
        except PlanError as exc:
            assert exc.line is not None and "\n" not in str(exc)
            continue
        assert render_plan(plan) == text
        assert fields(parse_plan(render_plan(plan, canonical=True))) == fields(plan)
