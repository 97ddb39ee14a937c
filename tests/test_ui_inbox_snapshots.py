"""Pictures of the inbox: the list of finished runs, and a run opened on its first chunk, at
120x40. The run is built by hand with fixed titles, goal and id (no shas or ages on screen).
Baselines live in snapshots/test_ui_inbox_snapshots/."""

from __future__ import annotations

import time

import pytest

from pairtui.agent.runs.inbox_land import InboxEngine
from pairtui.config import Config
from pairtui.ui.screens.inbox import InboxScreen
from tests.support_inbox import make_run, three_chunks
from tests.support_ui import fake_app, settle, still_screen


def _opened(keys: tuple[str, ...]):
    async def run_before(pilot) -> None:
        app = pilot.app
        await settle(pilot, app)
        await pilot.press("i")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not (
                isinstance(app.screen, InboxScreen) and app.screen.runs and not app.screen.workers):
            await pilot.pause(0.05)
        for key in keys:
            await pilot.press(key)
            await pilot.pause(0.2)
        while time.monotonic() < deadline and app.screen.workers:
            await pilot.pause(0.05)
        app.clear_notifications()
        await still_screen(pilot)

    return run_before


@pytest.mark.parametrize("keys", [pytest.param((), id="runs"), pytest.param(("enter", "A", "N"), id="run")])
def test_snapshot_inbox(snap_compare, git_repo, keys):
    make_run(git_repo, three_chunks())
    app, _ = fake_app(inbox=lambda: InboxEngine(git_repo, Config()))
    assert snap_compare(app, terminal_size=(120, 40), run_before=_opened(keys))
