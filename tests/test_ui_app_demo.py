"""The app on the real engine and the demo repo: what a newcomer does with `pairtui demo`,
checked in the temp repo with real git (commits, working tree) after each scenario."""

from __future__ import annotations

import pytest

from pairtui.core.session import Phase
from tests.conftest import git
from tests.support_ui import demo_app, press_enter_until, settle

pytestmark = pytest.mark.slow


def status_of(app, number: int) -> str | None:
    for chunk in app.session.chunks if app.session else ():
        if chunk.number == number:
            return str(chunk.status)
    return None


async def test_demo_enter_takes_three_chunks_from_plan_to_commits(tmp_path):
    app, repo = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app, timeout=20)
        await press_enter_until(pilot, app, lambda a: a.session.phase == Phase.DONE, limit=20)
        plan = app.pairing.plan
        assert [str(c.status) for c in app.session.chunks] == ["landed"] * 3
        assert "Done: 3 of 3 chunks landed" in str(app.query_one("#plan-banner").render())
    subjects = git(repo, "log", "--format=%s").splitlines()
    assert subjects == [c.title for c in reversed(plan.chunks)] + ["The shop before the refactor"]
    assert git(repo, "status", "--porcelain") == "", "everything the chunks did is committed"
    assert (repo / "shop" / "pricing.py").exists()


async def test_rollback_of_an_executed_chunk_restores_the_tree(tmp_path):
    app, repo = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app, timeout=20)
        await press_enter_until(pilot, app, lambda a: status_of(a, 1) == "executed")
        assert (repo / "shop" / "pricing.py").exists()
        await pilot.press("u")
        await pilot.pause(0.2)
        await pilot.press("y")
        await settle(pilot, app)
        assert status_of(app, 1) == "rolled-back"
    assert not (repo / "shop" / "pricing.py").exists()
    assert git(repo, "status", "--porcelain") == ""
    assert len(git(repo, "log", "--format=%s").splitlines()) == 1, "no commit was made"


async def test_quit_then_reopen_resumes_the_same_session(tmp_path):
    app, repo = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app, timeout=20)
        await press_enter_until(pilot, app, lambda a: status_of(a, 1) == "verified")
        session_id = app.session.id
        await pilot.press("q")
    assert app.return_value == 0

    again, _ = demo_app(tmp_path, goal=None)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot, again, timeout=20)
        assert again.session.id == session_id
        assert status_of(again, 1) == "verified"
        await press_enter_until(pilot, again, lambda a: status_of(a, 1) == "landed")
    assert git(repo, "log", "-1", "--format=%s").strip() == again.pairing.plan.chunk(1).title
