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


def model_pane_text(app) -> str:
    from pairtui.ui.widgets.markdown_text import MarkdownText
    from pairtui.ui.widgets.model_pane import ToolEntry

    pane = app.query_one("#model-pane")
    parts = [t.source for t in pane.query(MarkdownText)]
    parts += [str(e.query_one("#tool-line").render()) for e in pane.query(ToolEntry)]
    parts += [str(s.render()) for s in pane.query(".step-divider")]
    return "\n".join(parts)


async def test_reopening_brings_back_the_transcript_checkpoints_and_review_marks(tmp_path):
    from pairtui.ui.widgets.diff_review import HunkState

    app, repo = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app, timeout=20)
        await press_enter_until(pilot, app, lambda a: status_of(a, 1) == "reviewing")
        said = model_pane_text(app)
        view = app.query_one("#diff-view")
        first = view.book.refs[0]
        await pilot.press("a")  # accept the first hunk, then quit mid-review
        await settle(pilot, app)
        assert view.state_of(first) is HunkState.ACCEPTED
        for _ in range(200):  # the marks are saved by a worker
            if app.pairing.review_marks(1):
                break
            await pilot.pause(0.05)
        assert list(app.pairing.review_marks(1).values()) == ["accepted"]
        await pilot.press("q")

    again, _ = demo_app(tmp_path, goal=None)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot, again, timeout=20)
        text = model_pane_text(again)
        assert "earlier in this session" in text
        assert "read_file shop/invoice.py" in text, "the tool calls so far are shown again"
        assert "Writing the rules once" in said and "Writing the rules once" in text
        lines = str(again.query_one("#checkpoint-lines").render())
        assert "-verified" in lines and "-start" in lines
        view = again.query_one("#diff-view")
        assert view.state_of(view.book.refs[0]) is HunkState.ACCEPTED, "the mark survived"
        assert all(view.state_of(r) is HunkState.PENDING for r in view.book.refs[1:])


async def test_each_hunk_names_only_the_calls_that_wrote_its_lines(tmp_path):
    app, _ = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app, timeout=20)
        await press_enter_until(pilot, app, lambda a: status_of(a, 1) == "reviewing")
        view = app.query_one("#diff-view")
        labels = {}
        for fi, hi in view.book.refs:
            f = view.patch.files[fi]
            labels[(f.path, hi)] = view._origin(f.path, f.hunks[hi] if f.hunks else None)
        import_hunk = labels[("shop/invoice.py", 0)]
        assert import_hunk.count("#") == 1, import_hunk  # one call wrote the import line
        assert labels[("shop/invoice.py", 0)] != labels[("shop/invoice.py", 1)]
        assert labels[("shop/pricing.py", 0)].endswith("write_file #3")
