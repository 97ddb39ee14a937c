"""The plan pane brings the current chunk's heading to its top once the plan is laid out,
however long the layout takes (it used to scroll before the Markdown had its final size and
stay at the top of the plan, or a line short on a busy machine)."""

from __future__ import annotations

import pytest

from pairtui.ui.widgets.plan_pane import PlanPane
from tests.support_ui import fake_app, settle


async def _heading_top_gap(pilot, app) -> tuple[float, float]:
    """(scroll now, scroll a fresh scroll-to-heading gives) for the current chunk."""
    pane = app.query_one(PlanPane)
    heading = pane.query_one(".-current-chunk")
    where = pane.scroll_y
    pane.scroll_to_widget(heading, top=True, animate=False)
    await pilot.pause(0.1)
    return where, pane.scroll_y


@pytest.mark.parametrize("steps, chunk", [(3, 1), (6, 2)])
async def test_current_chunk_heading_is_at_the_top_of_a_small_plan_pane(steps, chunk):
    app, _ = fake_app(steps=steps)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        pane = app.query_one(PlanPane)
        assert pane.max_scroll_y > 0, "the plan must be taller than the pane for this test"
        assert app.pairing.session.current == chunk
        where, wanted = await _heading_top_gap(pilot, app)
        assert wanted > 0
        assert where == wanted
