"""The plan pane marks checks read from another tool's plan; `C` confirms them after showing
each, and flagged ones stay marked for an edit (real engine, real Textual)."""

from __future__ import annotations

import pytest

from pairtui.agent import imported_checks
from tests.support_ui import demo_app, settle

pytestmark = pytest.mark.slow

PHASED = """\
# Discounts Implementation Plan

## Phase 1: Move pricing

#### Automated Verification:
- [ ] Tests pass: `python -m pytest -q`

## Phase 2: Try it

#### Automated Verification:
- [ ] Page renders: `npm start`
"""


def checks_text(app) -> str:
    return str(app.query_one("#plan-checks").render())


async def _with_plan(pilot, app, text: str) -> None:
    await settle(pilot, app, timeout=20)
    await app._thread_call(lambda: app.pairing.set_plan_text(text))
    await app._show_session(app.pairing.session)
    await settle(pilot, app)


async def test_plan_pane_marks_imported_checks_and_C_confirms_them(tmp_path):
    app, _ = demo_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await _with_plan(pilot, app, PHASED)
        shown = checks_text(app)
        assert "chunk 1: `python -m pytest -q` · imported, not confirmed" in shown
        assert "chunk 2:" in shown and "flagged, never run: `npm start`" in shown
        await pilot.press("C")
        await pilot.pause(0.2)
        await pilot.press("y")
        await settle(pilot, app)
        assert imported_checks.confirmed(app.pairing.session) == {1: "python -m pytest -q"}
        assert "chunk 1: `python -m pytest -q` · confirmed" in checks_text(app)
        assert "flagged, never run" in checks_text(app)  # an edit is the only way on


async def test_own_verify_lines_are_not_marked(tmp_path):
    app, _ = demo_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await _with_plan(pilot, app, "# Goal: g\n\n## Chunk 1: A\nVerify: python -m pytest -q\n\nDo it.\n")
        assert not app.query_one("#plan-checks").display
