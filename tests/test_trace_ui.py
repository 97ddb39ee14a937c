"""`t` on a hunk in the demo's review shows where it came from, through the engine's trace_hunk."""

from __future__ import annotations

import pytest

from tests.support_ui import demo_app, press_enter_until, settle

pytestmark = pytest.mark.slow


def status_of(app, number: int) -> str | None:
    return next((str(c.status) for c in app.session.chunks if c.number == number), None) if app.session else None


async def test_t_on_a_hunk_names_its_tool_call_and_check(tmp_path):
    app, _ = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app, timeout=20)
        await press_enter_until(pilot, app, lambda a: status_of(a, 1) == "reviewing")
        assert app.query_one("#review-pane").chunk == 1
        app.clear_notifications()
        await pilot.press("t")
        await settle(pilot, app)
        await pilot.pause(0.3)
        notes = [n.message for n in app._notifications]
    story = next(n for n in notes if n.startswith("Chunk 1: Extract the pricing rules"))
    assert story.splitlines()[1] == ("call #4 edit_file shop/invoice.py (replaced 4 lines with 3) "
                                     "(first run, turn 3, replay:executor.jsonl)")
    assert "check: python3 -m unittest -q tests/test_invoice.py passed (exit 0)" in story
