"""Pictures of each main screen state, at a roomy 120x40 and a tight 80x24.

Data is scripted (FakePairing, opened `steps` enter-presses into the flow): fixed session id,
plan, model text and checkpoints, so a changed picture means a changed screen.
Baselines live in snapshots/test_ui_app_snapshots/.
"""

from __future__ import annotations

import pytest

from tests.support_ui import fake_app, settle, still_screen

SIZES = [pytest.param((120, 40), id="120x40"), pytest.param((80, 24), id="80x24")]

# enter-presses from a fresh session: plan, approve, then per chunk execute, verify, review, land
STATES = {
    "start": (0, None),
    "plan_ready": (1, None),
    "model_after_execute": (3, "2"),
    "verify_passed": (4, "3"),
    "review": (5, None),
    "review_after_accept": (5, "a"),  # the footer gains z (undo) once there is a step to undo
    "review_file_list": (5, "f"),
    "all_landed": (14, "1"),
}


def settled(keys: str | None, extra: tuple[str, ...] = ()):
    async def run_before(pilot) -> None:
        await settle(pilot, pilot.app)
        pilot.app.clear_notifications()
        for key in ((keys,) if keys else ()) + extra:
            await pilot.press(key)
            await pilot.pause(0.1)
        await settle(pilot, pilot.app)
        pilot.app.clear_notifications()
        await still_screen(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("state", list(STATES))
def test_snapshot_state(snap_compare, state, size):
    steps, key = STATES[state]
    app, _ = fake_app(steps=steps)
    assert snap_compare(app, terminal_size=size, run_before=settled(key))


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_rollback_confirmation(snap_compare, size):
    app, _ = fake_app(steps=3)
    assert snap_compare(app, terminal_size=size, run_before=settled(None, ("u",)))


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_help(snap_compare, size):
    app, _ = fake_app()
    assert snap_compare(app, terminal_size=size, run_before=settled(None, ("question_mark",)))


def test_snapshot_goal_prompt(snap_compare):
    app, _ = fake_app(goal=None)
    assert snap_compare(app, terminal_size=(80, 24), run_before=settled(None))
