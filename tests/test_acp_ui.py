"""The TUI on the real engine with an ACP agent (the scripted fake) as planner and executor:
the person sees its work in the model pane, answers its command request, and esc stops it."""

from __future__ import annotations

import asyncio

from pairtui.core.session import Phase
from pairtui.ui.screens.permission import PermissionScreen
from pairtui.ui.widgets.model_pane import ModelPane
from tests.support_acp import GREET, PLAN, events_of, fake_config
from tests.support_ui import settle


async def _until(pilot, predicate, timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if predicate():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not reached")


async def test_an_acp_agent_plans_executes_asks_and_is_cancelled_in_the_tui(git_repo, tmp_path):
    from pairtui.agent.flow import Pairing
    from pairtui.ui.app import PairApp

    script = [
        [{"say": PLAN}],
        [{"tool": "t1", "title": "Edit src/app.py", "kind": "edit", "path": "src/app.py"},
         {"write": "src/app.py", "content": GREET}, {"done": "t1", "status": "completed"},
         {"permission": "t2", "title": "Run pytest -q", "kind": "execute"},
         {"say": "Waiting for the tests."}, {"hang": True}],
    ]
    config, log = fake_config(tmp_path, script)
    holder: dict = {}

    def open_pairing(sink, goal, ask):
        holder["pairing"] = Pairing.open(git_repo, config, sink, goal=goal, ask_permission=ask)
        return holder["pairing"]

    app = PairApp(open_pairing, "Greet people by name", planner=config.planner,
                  executor=config.executor, verify_timeout=300.0)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot, app)
            await pilot.press("enter")  # the agent plans
            await settle(pilot, app)
            assert [c.title for c in app.session.plan.chunks] == ["Add a greet function"]
            await pilot.press("enter")  # approve
            await settle(pilot, app)
            assert app.session.phase == Phase.EXECUTING
            await pilot.press("enter")  # the agent executes
            await _until(pilot, lambda: isinstance(app.screen, PermissionScreen))
            assert "acp:fake: Run pytest -q" in app.screen._what
            await pilot.press("y")
            await _until(pilot, lambda: events_of(log, "permission"))
            assert events_of(log, "permission")[0]["chosen"] == "once"
            await _until(pilot, lambda: app.query_one(ModelPane).chars_written > 0)
            await pilot.pause(0.2)
            assert app.busy
            await pilot.press("escape")
            await settle(pilot, app)
            assert app.cancel_latency is not None and app.cancel_latency < 0.2
            assert (git_repo / "src" / "app.py").read_text() == GREET
            await _until(pilot, lambda: events_of(log, "cancel"))
    finally:
        if "pairing" in holder:
            await asyncio.wait_for(holder["pairing"].aclose(), 10)
