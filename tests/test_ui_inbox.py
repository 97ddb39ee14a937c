"""The inbox in the TUI (`i`), through Textual's Pilot on real git: a finished run's chunks
reviewed in the hunk viewer and landed on main, one commit each."""

from __future__ import annotations

import time

import pytest

from pairtui.agent.runs.inbox_land import InboxEngine
from pairtui.config import Config
from pairtui.ui.screens.inbox import EMPTY, InboxScreen
from tests.conftest import git
from tests.support_git import worktree
from tests.support_inbox import LIB, base_repo, make_run, three_chunks
from tests.support_ui import fake_app, settle


async def _until(pilot, predicate, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await pilot.pause(0.05)
        if predicate():
            return
    raise AssertionError("the inbox did not get there in time")


def _app(repo):
    app, _ = fake_app(inbox=lambda: InboxEngine(repo, Config()))
    return app


async def _open_inbox(pilot, app) -> InboxScreen:
    await settle(pilot, app)
    await pilot.press("i")
    await _until(pilot, lambda: isinstance(app.screen, InboxScreen) and app.screen.engine is not None
                 and not app.screen.workers)
    return app.screen


async def _open_run(pilot, screen: InboxScreen) -> None:
    await pilot.press("enter")
    await _until(pilot, lambda: screen.run is not None and screen.query("#inbox-chunks"))
    await pilot.pause(0.1)


async def _comment_on_first_hunk(pilot, app, text: str) -> InboxScreen:
    screen = await _open_inbox(pilot, app)
    await _open_run(pilot, screen)
    await pilot.press("c")
    await pilot.pause(0.2)
    await pilot.press(*text, "enter")
    return screen


def _notes(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


async def _land(pilot, screen: InboxScreen) -> None:
    """Press L and wait for the landing's own report (it ends every landing): on a loaded
    machine the landing may not have started yet when the screen is first seen idle."""
    app = screen.app
    before = set(map(id, app._notifications))

    def reported() -> bool:
        return any(n.title == "Inbox: landing" and id(n) not in before for n in app._notifications)

    await pilot.press("L")
    await _until(pilot, lambda: reported() and not screen.busy
                 and not [w for w in screen.workers if w.is_running])


async def test_inbox_lands_two_of_three_chunks_one_commit_each_and_rejects_the_third(git_repo):
    make_run(git_repo, three_chunks())
    (git_repo / "README.md").write_text("# demo\n\nmy own notes\n")  # the person's dirty work
    app = _app(git_repo)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await _open_inbox(pilot, app)
        assert "tidy the demo" in screen.runs[0].line()
        await _open_run(pilot, screen)
        assert [c.label for c in screen.chunks][0] == "1/3 Add the notes module"
        await pilot.press("A")       # chunk 1: accept all
        await pilot.press("N", "A")  # chunk 2: accept all
        await pilot.press("N", "x")  # chunk 3: reject its one hunk
        await pilot.pause(0.1)
        await _land(pilot, screen)
        notes = _notes(app)
        assert "rejected: nothing landed" in notes and "Greet by name" in notes
        assert len(screen.landed) == 2
        assert [screen._review(c).disabled for c in screen.chunks] == [True, True, False]
        await pilot.press("escape")  # back to the list: every chunk decided, the run has left it
        await _until(pilot, lambda: screen.run is None and not screen.workers)
        assert str(screen.query_one("#inbox-empty").render()) == EMPTY
    assert git(git_repo, "log", "--format=%s", "main").splitlines() == [
        "Greet by name", "Add the notes module", "initial"]
    assert not (git_repo / "CHANGES.md").exists()
    assert git(git_repo, "show", "--format=", "--name-only", "HEAD~1").split() == ["notes.py"]
    assert git(git_repo, "show", "--format=", "--name-only", "HEAD").split() == ["src/app.py"]
    assert (git_repo / "README.md").read_text() == "# demo\n\nmy own notes\n"
    assert git(git_repo, "status", "--porcelain") == " M README.md\n"


async def test_empty_inbox_says_so(git_repo):
    app = _app(git_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_inbox(pilot, app)
        assert str(screen.query_one("#inbox-empty").render()) == EMPTY
        await pilot.press("escape")
        await pilot.pause(0.1)
        assert not isinstance(app.screen, InboxScreen)


async def test_a_run_whose_branch_is_gone_is_named_and_not_opened(git_repo):
    record = make_run(git_repo, three_chunks())
    git(git_repo, "branch", "-D", record.branch)
    app = _app(git_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_inbox(pilot, app)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert screen.run is None and "no longer exists" in _notes(app)


async def test_an_overlap_with_dirty_work_is_refused_and_the_tree_is_unchanged(git_repo):
    make_run(git_repo, three_chunks()[1:2])
    (git_repo / "src" / "app.py").write_text("def hello():\n    return 'hello there'\n")
    before, head = worktree(git_repo), git(git_repo, "rev-parse", "HEAD")
    app = _app(git_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_inbox(pilot, app)
        await _open_run(pilot, screen)
        await pilot.press("A")
        await _land(pilot, screen)
        assert "not landed" in _notes(app) and "src/app.py" in _notes(app)
        assert screen.landed == {}
    assert worktree(git_repo) == before and git(git_repo, "rev-parse", "HEAD") == head


async def test_a_rejected_hunk_that_breaks_the_check_lands_nothing(git_repo):
    base_repo(git_repo)
    lines = LIB.replace("line 2\n", "line 2 TOP\n").replace("line 19\n", "line 19 BOTTOM\n")
    make_run(git_repo, [("Mark both ends", {"lib.txt": lines}, "grep -q BOTTOM lib.txt")])
    head = git(git_repo, "rev-parse", "HEAD")
    app = _app(git_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_inbox(pilot, app)
        await _open_run(pilot, screen)
        await pilot.press("a", "x")  # keep the top hunk, reject the bottom one
        await pilot.pause(0.1)
        await _land(pilot, screen)
        assert "check `grep -q BOTTOM lib.txt` failed" in _notes(app)
        assert screen.landed == {}
    assert git(git_repo, "rev-parse", "HEAD") == head
    assert (git_repo / "lib.txt").read_text() == LIB
    assert len(git(git_repo, "worktree", "list").splitlines()) == 1


async def test_an_unreviewed_chunk_stops_the_landing_there(git_repo):
    make_run(git_repo, three_chunks())
    app = _app(git_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_inbox(pilot, app)
        await _open_run(pilot, screen)
        await pilot.press("A", "P")  # chunk 1 accepted; chunk 2 never looked at
        await _land(pilot, screen)
        assert "stopped at chunk 2/3 Greet by name: it is not reviewed yet" in _notes(app)
        assert len(screen.landed) == 1
    assert git(git_repo, "log", "-1", "--format=%s").strip() == "Add the notes module"


@pytest.fixture
def real_run(git_repo, tmp_path, capsys) -> str:
    """A finished two-chunk `run --worktree` (made before the test's event loop starts)."""
    from tests.test_inbox_followup import _real_run

    return _real_run(git_repo, tmp_path, capsys)


async def test_a_comment_starts_a_follow_up_round_and_its_chunk_comes_back(git_repo, tmp_path,
                                                                          real_run):
    import asyncio

    from pairtui.agent.runs.records import RunStore
    from tests.support_engine import write_chunk, write_transcript
    from tests.test_inbox_followup import _wait_done

    run_id = real_run
    store = RunStore(git_repo / ".git")
    record = store.load(run_id)
    revise = write_transcript(tmp_path / "revise.jsonl", write_chunk("a.txt", "a.txt, shorter\n"))
    store.save(record.__class__(**{**record.__dict__,
                                   "options": {**record.options, "executor": f"replay:{revise}"}}))
    app = _app(git_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _comment_on_first_hunk(pilot, app, "make it shorter")
        await _until(pilot, lambda: "follow-up round started" in _notes(app))
        assert await asyncio.to_thread(_wait_done, store, run_id) == "done"
        await pilot.press("L")  # chunk 1 holds a hunk sent back: nothing lands
        await _until(pilot, lambda: "sent back for a follow-up round" in _notes(app))
        await pilot.press("escape")
        await _until(pilot, lambda: screen.run is None and not screen.workers)
        assert screen.runs[0].chunks == 3


async def test_a_comment_on_a_run_without_its_worktree_says_why_in_one_line(git_repo):
    make_run(git_repo, three_chunks())
    app = _app(git_repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await _comment_on_first_hunk(pilot, app, "why?")
        await _until(pilot, lambda: "is gone; no follow-up round started" in _notes(app))


async def test_rejecting_a_chunk_the_next_needs_refuses_the_next_by_its_check(git_repo):
    """Chunk 2's check needs chunk 1; chunk 1 rejected, chunk 2 accepted whole: `L` re-checks
    chunk 2 on main (its run's "passed" was on a tree with chunk 1) and lands nothing."""
    check = "grep -q helper notes.py"
    make_run(git_repo, [("Add the helper", {"notes.py": "helper = 1\n"}, "test -f notes.py"),
                        ("Use the helper", {"use.py": "from notes import helper\n"}, check)])
    head = git(git_repo, "rev-parse", "HEAD")
    app = _app(git_repo)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await _open_inbox(pilot, app)
        await _open_run(pilot, screen)
        await pilot.press("x")       # chunk 1: reject its one hunk
        await pilot.press("N", "A")  # chunk 2: accept all
        await pilot.pause(0.1)
        await _land(pilot, screen)
        notes = _notes(app)
        assert "chunk 1/2 Add the helper rejected" in notes
        assert f"not landed: chunk 2/2 Use the helper: its check `{check}` failed" in notes
        assert screen.landed == {}
    assert git(git_repo, "rev-parse", "HEAD") == head
    assert not (git_repo / "use.py").exists()


async def test_a_fresh_repo_says_how_to_reach_the_inbox_past_the_goal_question(git_repo):
    """No session yet: the goal question comes first; it says esc then i, and that works."""
    from pairtui.ui.screens.prompt import PromptScreen

    make_run(git_repo, three_chunks())
    app, _ = fake_app(goal=None, inbox=lambda: InboxEngine(git_repo, Config()))
    async with app.run_test(size=(120, 40)) as pilot:
        await _until(pilot, lambda: isinstance(app.screen, PromptScreen)
                     and app.screen.query("Static"))  # composed, not only pushed
        shown = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert "esc, then i opens the inbox" in shown
        await pilot.press("escape")
        await _until(pilot, lambda: not isinstance(app.screen, PromptScreen))
        assert "i opens the inbox" in _notes(app)
        await pilot.press("i")
        await _until(pilot, lambda: isinstance(app.screen, InboxScreen) and app.screen.runs)
        assert [r.id for r in app.screen.runs] == ["abc123"]


async def test_review_marks_survive_leaving_the_run_and_the_app_and_are_what_lands(git_repo):
    make_run(git_repo, three_chunks())
    app = _app(git_repo)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await _open_inbox(pilot, app)
        await _open_run(pilot, screen)
        await pilot.press("A")       # chunk 1: accepted
        await pilot.press("N", "N", "x")  # chunk 3: rejected; chunk 2 left for later
        await _until(pilot, lambda: not screen.workers)
        await pilot.press("escape")  # back to the list of runs
        await _until(pilot, lambda: screen.run is None and not screen.workers)
        await _open_run(pilot, screen)
        assert [screen._state(c) for c in screen.chunks] == ["accepted", "pending", "rejected"]
    app = _app(git_repo)  # pairtui quit and started again
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await _open_inbox(pilot, app)
        await _open_run(pilot, screen)
        assert [screen._state(c) for c in screen.chunks] == ["accepted", "pending", "rejected"]
        await pilot.press("N", "A")  # chunk 2: accepted; the others as they were left
        await _land(pilot, screen)
        assert len(screen.landed) == 2, _notes(app)
    assert git(git_repo, "log", "--format=%s", "main").splitlines() == [
        "Greet by name", "Add the notes module", "initial"]
    assert not (git_repo / "CHANGES.md").exists()


async def test_o_in_the_inbox_says_where_the_change_lives_and_edits_nothing(git_repo):
    make_run(git_repo, three_chunks())
    before = worktree(git_repo)
    app = _app(git_repo)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await _open_inbox(pilot, app)
        await _open_run(pilot, screen)
        await pilot.press("o")
        await pilot.pause(0.2)
        assert "lives on its branch" in _notes(app)
    assert worktree(git_repo) == before
