"""The demo answers what its keys invite: `r` revises the plan from its own scripted turn, `c`
sends a hunk back and the script answers that comment, and chunk 2 still runs chunk 2's script.
Asking for more than the script holds says so in one line and changes nothing."""

from __future__ import annotations

import pytest

from pairtui.core.session import Phase
from tests.conftest import git
from tests.support_ui import demo_app, press_enter_until, settle

pytestmark = pytest.mark.slow

SIZE = (140, 40)


def status_of(app, number: int) -> str | None:
    for chunk in app.session.chunks if app.session else ():
        if chunk.number == number:
            return str(chunk.status)
    return None


def notices(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def revise(pilot, app, comment: str) -> None:
    await pilot.press("r")
    await pilot.pause(0.2)
    await pilot.press(*comment, "enter")
    await settle(pilot, app, timeout=20)


async def test_the_first_screen_says_where_the_demo_repo_is(tmp_path):
    app, repo = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app, timeout=20)
        banner = str(app.query_one("#plan-banner").render())
        assert f"Working in {repo}" in banner


async def test_r_in_the_demo_revises_the_plan_from_its_scripted_turn_once(tmp_path):
    app, repo = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app, timeout=20)
        await press_enter_until(pilot, app, lambda a: a.pairing.plan is not None)
        before = app.pairing.plan
        await revise(pilot, app, "make chunk 3 run every test")
        plan = app.pairing.plan
        assert len(app.session.plan_versions) == 2
        assert [c.title for c in plan.chunks] == [c.title for c in before.chunks]
        assert plan.chunks[2].verify == "python3 -m unittest -q" != before.chunks[2].verify
        assert "Plan v2" in str(app.query_one("#plan-banner").render())

        await revise(pilot, app, "and once more")
        assert len(app.session.plan_versions) == 2, "an unscripted revision changes nothing"
        said = [n for n in notices(app) if "no turn for a revision of the plan" in n]
        assert len(said) == 1 and said[0].count("\n") <= 1  # the line, then what to do

        await press_enter_until(pilot, app, lambda a: a.session.phase == Phase.DONE, limit=20)
    assert git(repo, "status", "--porcelain") == ""
    assert len(git(repo, "log", "--format=%s").splitlines()) == 4


async def test_c_replays_the_comment_turn_and_chunk_2_runs_its_own_script(tmp_path):
    app, repo = demo_app(tmp_path)
    invoice = repo / "shop" / "invoice.py"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app, timeout=20)
        await press_enter_until(pilot, app, lambda a: status_of(a, 1) == "reviewing")
        await settle(pilot, app)
        app.query_one("DiffView").focus()
        await pilot.pause(0.1)
        await pilot.press("c")
        await pilot.pause(0.2)
        await pilot.press(*"why this order?", "enter")
        await settle(pilot, app, timeout=20)
        assert "# the discount first, then VAT" in invoice.read_text()
        assert not (repo / "README.md").read_text().count("shop/pricing.py"), "not chunk 2's"

        await press_enter_until(pilot, app, lambda a: status_of(a, 2) == "executed")
        assert "def price_lines(" in invoice.read_text(), "chunk 2 ran chunk 2's script"
        assert "All of them live in `shop/pricing.py`" in (repo / "README.md").read_text()
        assert not (repo / "tests" / "test_pricing.py").exists(), "not chunk 3's"
        await press_enter_until(pilot, app, lambda a: a.session.phase == Phase.DONE, limit=20)
        assert [str(c.status) for c in app.session.chunks] == ["landed"] * 3
    first = git(repo, "log", "--format=%H", "--reverse").split()[1]
    assert "# the discount first, then VAT" in git(repo, "show", first)
    assert git(repo, "status", "--porcelain") == ""


async def test_a_second_comment_on_the_same_file_is_refused_and_changes_nothing(tmp_path):
    app, repo = demo_app(tmp_path)
    invoice = repo / "shop" / "invoice.py"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app, timeout=20)
        await press_enter_until(pilot, app, lambda a: status_of(a, 1) == "reviewing")
        await settle(pilot, app)
        for comment in ("first", "second"):
            view = app.query_one("DiffView")
            view.focus()
            await pilot.pause(0.1)
            if comment == "second":
                await press_enter_until(pilot, app, lambda a: status_of(a, 1) == "reviewing")
                await settle(pilot, app)
                app.query_one("DiffView").focus()
                await pilot.pause(0.1)
                session, text = app.session, invoice.read_text()
                refs = git(repo, "for-each-ref", "refs/pairtui")
            await pilot.press("c")
            await pilot.pause(0.2)
            await pilot.press(*comment, "enter")
            await settle(pilot, app, timeout=20)
        assert app.session == session and invoice.read_text() == text
        assert git(repo, "for-each-ref", "refs/pairtui") == refs
        assert any("no turn for a comment on chunk 1 (shop/invoice.py)" in n
                   for n in notices(app))
