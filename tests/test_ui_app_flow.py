"""The pairing app driven with Pilot against a scripted engine: stepping, cancelling, editing,
rolling back and errors, as a person would do them."""

from __future__ import annotations

from textual.widgets import Input, TabbedContent, TextArea

from pairtui.core.session import Phase
from pairtui.errors import ProviderError
from pairtui.ui.screens.confirm import ConfirmScreen
from pairtui.ui.screens.help import HelpScreen
from pairtui.ui.screens.plan_editor import PlanEditorScreen
from pairtui.ui.screens.prompt import PromptScreen
from pairtui.ui.widgets.chunk_list import ChunkList
from pairtui.ui.widgets.model_pane import ModelPane
from pairtui.ui.widgets.verify_pane import VerifyPane
from tests.support_ui import fake_app, press_enter_until, settle


def statuses(app) -> list[str]:
    return [str(c.status) for c in app.session.chunks]


async def test_enter_walks_every_chunk_from_plan_to_landed():
    app, holder = fake_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.session.plan_versions, "enter asks the planner for a plan"
        assert app.query_one(TabbedContent).active == "plan-tab"
        await press_enter_until(pilot, app, lambda a: a.session.phase == Phase.DONE)
        assert statuses(app) == ["landed", "landed", "landed"]
        calls = holder["pairing"].calls
        assert [c for c in calls if c.startswith("land")] == ["land:1", "land:2", "land:3"]
        assert "patch:1" in calls, "the diff is shown for review before landing"


async def test_review_step_shows_the_chunk_diff():
    app, _ = fake_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await press_enter_until(pilot, app, lambda a: a.session.chunks
                                and statuses(a)[0] == "reviewing")
        assert app.query_one(TabbedContent).active == "diff-tab"
        assert app.query_one("#review-pane").chunk == 1


async def test_escape_cancels_streaming_within_200ms_and_keeps_text():
    app, holder = fake_app(delay=0.2)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("enter")
        pane = app.query_one(ModelPane)
        for _ in range(100):  # until some of the answer is on screen
            await pilot.pause(0.05)
            if pane.query(".thinking"):
                break
        assert app.busy
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.cancel_latency is not None and app.cancel_latency < 0.2
        assert pane.chars_written > 0
        assert "Reading" in "".join(str(s.render()) for s in pane.query(".thinking"))
        assert not app.session.plan_versions, "a cancelled plan is not kept as the plan"
        await pilot.press("enter")  # and the step can be retried
        await pilot.pause(0.1)
        assert holder["pairing"].calls.count("make_plan") == 2


async def test_escape_cancels_a_running_check():
    app, _ = fake_app(verify_delay=2.0)
    async with app.run_test(size=(120, 40)) as pilot:
        await press_enter_until(pilot, app, lambda a: a.session.chunks
                                and statuses(a)[0] == "executed")
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert app.query_one(VerifyPane).state == "running"
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.cancel_latency is not None and app.cancel_latency < 0.2
        assert app.query_one(VerifyPane).state == "idle"
        assert app.query_one(VerifyPane).log.line_count >= 1, "output so far is kept"


async def test_rollback_asks_first_and_says_what_changes():
    app, holder = fake_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await press_enter_until(pilot, app, lambda a: a.session.chunks
                                and statuses(a)[0] == "executed")
        await pilot.press("u")
        await pilot.pause(0.1)
        assert isinstance(app.screen, ConfirmScreen)
        assert "checkpoint taken before chunk 1" in str(app.screen._body)
        await pilot.press("n")
        await settle(pilot, app)
        assert "rollback:1" not in holder["pairing"].calls, "no means nothing changes"
        await pilot.press("u")
        await pilot.pause(0.1)
        await pilot.press("y")
        await settle(pilot, app)
        assert "rollback:1" in holder["pairing"].calls
        assert statuses(app)[0] == "rolled-back"


async def test_plan_that_does_not_parse_is_shown_inline_and_not_saved():
    app, holder = fake_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        versions = len(app.session.plan_versions)
        await pilot.press("e")
        await pilot.pause(0.2)
        assert isinstance(app.screen, PlanEditorScreen)
        app.screen.query_one(TextArea).load_text("just some words, no chunks\n")
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert isinstance(app.screen, PlanEditorScreen), "the editor stays open"
        error = app.screen.query_one("#plan-error")
        assert error.display and "does not parse" in str(error.render())
        assert len(app.session.plan_versions) == versions
        from tests.support_ui import PLAN_TEXT

        app.screen.query_one(TextArea).load_text(PLAN_TEXT.replace("Round tax", "Round VAT"))
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert not isinstance(app.screen, PlanEditorScreen)
        assert "Round VAT" in app.session.plan_versions[-1]


async def test_revise_sends_the_comment_to_the_planner():
    app, holder = fake_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        await pilot.press("r")
        await pilot.pause(0.1)
        assert isinstance(app.screen, PromptScreen)
        app.screen.query_one(Input).value = "merge chunks 2 and 3"
        await pilot.press("enter")
        await settle(pilot, app)
        assert "revise:merge chunks 2 and 3" in holder["pairing"].calls
        assert len(app.session.plan_versions) == 2


async def test_no_goal_asks_for_one_first():
    app, holder = fake_app(goal=None)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(100):  # the prompt is pushed, then composed: wait for its input
            await pilot.pause(0.05)
            if isinstance(app.screen, PromptScreen) and app.screen.query(Input):
                break
        assert isinstance(app.screen, PromptScreen)
        app.screen.query_one(Input).value = "Add a CHANGELOG"
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.session.goal == "Add a CHANGELOG"


async def test_provider_error_becomes_a_notification_not_a_crash():
    app, _ = fake_app(fail_with=ProviderError("401 invalid x-api-key"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.is_running
        notes = [n.message for n in app._notifications]
        assert any("401 invalid x-api-key" in n and "retry" in n for n in notes), notes
        assert app.busy is None


async def test_help_screen_and_palette_list_the_keys():
    app, _ = fake_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("question_mark")
        await pilot.pause(0.1)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for title in ("Next step: Make plan", "Edit plan", "Checkpoints", "Keys", "Quit"):
            assert title in titles
        for title in ("Revise plan", "Run check", "Show diff", "Roll back chunk"):
            assert title not in titles, title  # not possible before there is a plan
        assert titles.count("Keys") == 1 and titles.count("Quit") == 1


async def test_checkpoints_are_listed_as_they_are_taken():
    app, _ = fake_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await press_enter_until(pilot, app, lambda a: a.session.chunks
                                and statuses(a)[0] == "executed")
        lines = str(app.query_one("#checkpoint-lines").render())
        assert "1-start" in lines and "2-executed" in lines
        assert isinstance(app.query_one(ChunkList), ChunkList)


async def test_quit_exits_cleanly_with_the_session_kept():
    app, holder = fake_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        await pilot.press("q")
        await pilot.pause(0.1)
    assert app.return_value == 0
    assert app.session is not None and app.session.plan_versions


async def test_repo_gone_mid_merge_says_how_to_get_out():
    from pairtui.errors import RepoStateError

    app, _ = fake_app(fail_with=RepoStateError("a merge is in progress in this repository"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        notes = [n.message for n in app._notifications]
        assert any("merge is in progress" in n and "git merge --abort" in n for n in notes)
        assert app.is_running and app.busy is None


async def test_verify_timeout_says_what_to_do():
    from pairtui.agent.events import StepStarted, VerifyFinished, VerifyOutput

    app, _ = fake_app(steps=3)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        for event in (StepStarted(1, "verifying"), VerifyOutput("collecting ..."),
                      VerifyFinished(1, False, "pytest -q", None, "", timed_out=True)):
            app._inbox.put(event)
        await pilot.pause(0.2)
        pane = app.query_one(VerifyPane)
        status = str(pane.query_one("#verify-status").render())
        assert pane.state == "timed-out"
        assert "timed out after 300s" in status and "verify_timeout" in status
        assert pane.log.lines[0] == "collecting ..."
