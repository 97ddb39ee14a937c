"""Review inside the chunk flow, on the real engine: what the person rejects, un-rejects or
rejects line by line is what the working tree holds afterwards."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.support_ui import demo_app, fake_vim, press_enter_until, settle

pytestmark = pytest.mark.slow


def status_of(app, number: int) -> str | None:
    for chunk in app.session.chunks if app.session else ():
        if chunk.number == number:
            return str(chunk.status)
    return None


async def _to_review(pilot, app):
    await settle(pilot, app, timeout=20)
    await press_enter_until(pilot, app, lambda a: status_of(a, 1) == "reviewing")
    await settle(pilot, app)
    view = app.query_one("DiffView")
    view.focus()
    await pilot.pause(0.1)
    return view


async def test_reject_then_undo_in_chunk_review_changes_the_file_and_back(tmp_path):
    app, repo = demo_app(tmp_path)
    invoice = repo / "shop" / "invoice.py"
    async with app.run_test(size=(140, 40)) as pilot:
        await _to_review(pilot, app)
        executed = invoice.read_bytes()
        assert b"from shop.pricing import" in executed
        await pilot.press("x")
        await settle(pilot, app)
        rejected = invoice.read_bytes()
        assert b"from shop.pricing import" not in rejected
        assert b'COUPONS = {"WELCOME10"' in rejected  # the first hunk is undone on disk
        assert b"discount_rate(customer, subtotal, coupon)" in rejected  # the other hunk stays
        await pilot.press("z")
        await settle(pilot, app)
        assert invoice.read_bytes() == executed
        assert "re-verify" in app.session.chunks[0].note


async def test_rejecting_chosen_lines_keeps_the_rest_of_the_hunk(tmp_path):
    app, repo = demo_app(tmp_path)
    invoice = repo / "shop" / "invoice.py"
    async with app.run_test(size=(140, 40)) as pilot:
        await _to_review(pilot, app)
        executed = invoice.read_text()
        await pilot.press("space")  # marks the hunk's first changed line: a removed blank line
        await pilot.press("x")
        await settle(pilot, app)
        text = invoice.read_text()
    assert "from shop.pricing import" in text, "the unmarked added line stays"
    assert "COUPONS = {" not in text, "the unmarked removed line stays removed"
    assert text.count("\n") == executed.count("\n") + 1, "only the marked blank line came back"
    assert text.replace("Customer\n\nfrom shop.pricing", "Customer\nfrom shop.pricing") == executed


def _subjects(repo) -> list[str]:
    import subprocess

    out = subprocess.run(["git", "-C", str(repo), "log", "--format=%s"], capture_output=True,
                         text=True, check=True)
    return out.stdout.splitlines()


async def test_enter_after_rejecting_a_needed_hunk_checks_and_lands_nothing_until_undone(tmp_path):
    app, repo = demo_app(tmp_path)
    invoice = repo / "shop" / "invoice.py"
    async with app.run_test(size=(140, 40)) as pilot:
        await _to_review(pilot, app)
        before = _subjects(repo)
        await pilot.press("x")  # the first hunk adds `from shop.pricing import ...`
        await settle(pilot, app)
        assert b"from shop.pricing import" not in invoice.read_bytes()
        await pilot.press("A")
        await pilot.press("enter")
        await settle(pilot, app, timeout=60)
        assert _subjects(repo) == before, "nothing landed"
        assert status_of(app, 1) == "reviewing"
        assert app.query_one("#verify-pane").state != "running"
        assert "nothing landed" in app.session.chunks[0].note
        shown = "\n".join(str(line) for line in app.query_one("#verify-pane").log.lines)
        assert f"python: {sys.prefix}/bin/python (verify_env)" in shown, "says which python ran"

        await pilot.press("z")  # undoes `A` (it changed nothing on disk) ...
        await pilot.press("z")  # ... then the reject, through the engine
        await settle(pilot, app)
        assert b"from shop.pricing import" in invoice.read_bytes()
        await pilot.press("enter")
        await settle(pilot, app, timeout=60)
        assert status_of(app, 1) == "landed"
    subjects = _subjects(repo)
    assert len(subjects) == len(before) + 1
    assert subjects[0] == "Extract the pricing rules into shop/pricing.py"


async def test_o_opens_the_hunk_line_in_the_editor_and_the_hand_edit_is_checked_then_lands(
        tmp_path, monkeypatch):
    from pairtui.ui.widgets.diff_review import new_side_line

    app, repo = demo_app(tmp_path)
    log = fake_vim(tmp_path, monkeypatch, app, "\\n# checked by hand\\n")
    async with app.run_test(size=(140, 40)) as pilot:
        view = await _to_review(pilot, app)
        hunk = view.book.hunk(view.cursor.ref)
        await pilot.press("o")
        await settle(pilot, app)
        line, path = log.read_text().split()
        assert line == f"+{new_side_line(hunk)}" and Path(path) == repo / "shop" / "invoice.py"
        view = app.query_one("DiffView")
        assert any(dl.raw == b"# checked by hand" for f in view.patch.files for h in f.hunks
                   for dl in h.lines), "the diff was read again with the edit"
        notes = [str(n.message) for n in app._notifications]
        assert any("the check runs again before it lands" in n for n in notes), notes
        assert app.pairing.needs_check(1), "marked at once, not only when landing"
        await pilot.press("A", "enter")  # "Check & land": the check runs on the edit, then it lands
        await settle(pilot, app, timeout=60)
        assert status_of(app, 1) == "landed", app.session.chunks[0].note
    shown = _subjects(repo)
    assert shown[0] == "Extract the pricing rules into shop/pricing.py"
    import subprocess

    landed = subprocess.run(["git", "-C", str(repo), "show", "HEAD:shop/invoice.py"],
                            capture_output=True, text=True, check=True).stdout
    assert landed.endswith("# checked by hand\n")
