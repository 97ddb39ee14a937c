"""Asking before the model runs a command: once, always for this session, or refused."""

from __future__ import annotations

import asyncio

from pairtui.ui.app import PairApp
from pairtui.ui.screens.permission import PermissionScreen
from tests.support_ui import fake_app, settle


async def _ask(pilot, app: PairApp, what: str, key: str | None) -> bool:
    """Ask as the engine does (from a worker), answer with `key` if a dialog shows."""
    worker = app.run_worker(app.ask_permission(what))
    for _ in range(100):
        if worker.is_finished or isinstance(app.screen, PermissionScreen):
            break
        await pilot.pause(0.02)
    if key is not None:
        assert isinstance(app.screen, PermissionScreen), "the person is asked"
        assert what in app.screen._what
        await pilot.press(key)
    return await asyncio.wait_for(worker.wait(), 5)


async def test_run_once_asks_again_next_time():
    app, _ = fake_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        assert await _ask(pilot, app, "run_command: pytest -q", "y") is True
        assert await _ask(pilot, app, "run_command: pytest -q", "n") is False


async def test_always_allows_the_same_command_for_the_session_only():
    app, _ = fake_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        assert await _ask(pilot, app, "run_command: pytest -q", "a") is True
        assert await _ask(pilot, app, "run_command: pytest -q", None) is True, "not asked again"
        assert not isinstance(app.screen, PermissionScreen)
        # another command is another question
        assert await _ask(pilot, app, "run_command: rm -rf build", "escape") is False


async def test_refusing_is_the_default_focus():
    app, _ = fake_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        worker = app.run_worker(app.ask_permission("run_command: make"))
        for _ in range(100):
            if isinstance(app.screen, PermissionScreen):
                break
            await pilot.pause(0.02)
        await pilot.press("enter")  # the focused button
        assert await asyncio.wait_for(worker.wait(), 5) is False


async def test_always_for_an_mcp_tool_covers_its_other_arguments_not_other_tools():
    app, _ = fake_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        assert await _ask(pilot, app, 'mcp__docs__search {"q": "a"}', "a") is True
        assert await _ask(pilot, app, 'mcp__docs__search {"q": "b"}', None) is True
        assert await _ask(pilot, app, 'mcp__docs__delete {"id": 1}', "n") is False
