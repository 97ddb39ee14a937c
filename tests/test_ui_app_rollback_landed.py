"""`u` on landed chunks of the demo, through the real TUI keys: an early chunk that later chunks
changed is refused with their names and nothing changes; a rollback's toast names the
checkpoint that undoes it."""

from __future__ import annotations

import subprocess

import pytest

from tests.support_ui import demo_app, press_enter_until, settle

pytestmark = pytest.mark.slow


def _git(repo, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          check=True).stdout


def _messages(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


async def _roll_back(pilot, app, number: int) -> None:
    chunks = app.query_one("#chunk-list")
    chunks.options.highlighted = number - 1
    await pilot.pause(0.05)
    await pilot.press("u")
    await pilot.pause(0.2)
    await pilot.press("y")
    await settle(pilot, app, timeout=30)


async def test_u_on_landed_chunks_names_what_blocks_and_what_undoes(tmp_path):
    app, repo = demo_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, app, timeout=20)
        await press_enter_until(pilot, app, lambda a: a.session.phase == "done", limit=40)
        refs, head = _git(repo, "for-each-ref", "refs/pairtui/"), _git(repo, "rev-parse", "HEAD")

        await _roll_back(pilot, app, 1)
        shown = _messages(app)
        assert "chunk 2 in shop/invoice.py" in shown and "roll back chunk 2 first" in shown
        assert _git(repo, "for-each-ref", "refs/pairtui/") == refs, "no stray checkpoint"
        assert _git(repo, "rev-parse", "HEAD") == head
        assert str(app.session.chunks[0].status) == "landed"

        await _roll_back(pilot, app, 3)
        assert str(app.session.chunks[2].status) == "rolled-back"
        undo = app.session.chunks[2].note.split("pairtui restore ")[1].split("`")[0]
        assert f"pairtui restore {undo}" in _messages(app)
        assert "revert commit" in _messages(app)
