"""The keys a person sees: the footer offers only what is possible now, the help lists every
key on one screen, the palette has each command once, toasts do not pile up, and a missing
key is said before anything is asked."""

from __future__ import annotations

from textual.widgets import Static

from pairtui.ui.screens.checkpoints import CheckpointsScreen
from pairtui.ui.screens.help import DIFF_KEYS, SESSION_KEYS, HelpScreen
from pairtui.ui.screens.prompt import PromptScreen
from tests.support_ui import fake_app, settle


async def wait_for(pilot, condition, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the screen did not get there")


def shown_keys(app) -> set[str]:
    """Keys the footer shows now (enabled and marked to show)."""
    return {key for key, active in app.screen.active_bindings.items()
            if active.binding.show and active.enabled}


async def test_footer_shows_only_the_keys_possible_now():
    app, _ = fake_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        start = shown_keys(app)
        assert {"enter", "e", "question_mark", "q"} <= start
        assert not start & {"r", "v", "d", "u", "escape"}, start  # no plan, no chunk yet
    app, _ = fake_app(steps=5)  # chunk 1's diff under review: one file, one hunk
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        review = shown_keys(app)
        assert {"a", "x", "c", "A", "enter", "v", "u"} <= review, review
        assert not review & {"z", "n", "d"}, review  # nothing to undo, no next hunk, diff shown
        await pilot.press("a")
        await pilot.pause(0.1)
        after = shown_keys(app)
        assert "z" in after and "a" not in after and "A" not in after, after


async def test_f_shows_and_hides_the_file_list_in_chunk_review():
    app, _ = fake_app(steps=5)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        review = app.query_one("#diff-review")
        assert not review.has_class("-no-files"), "room enough: the list is shown"
        await pilot.press("f")
        await pilot.pause(0.1)
        assert review.has_class("-no-files")
        await pilot.press("f")
        await pilot.pause(0.1)
        assert not review.has_class("-no-files")


async def test_help_lists_every_key_and_fits_one_screen_at_120x40():
    from pairtui.ui.app import PairApp
    from pairtui.ui.widgets.diff_view import DiffView

    listed = " ".join(k for k, _ in SESSION_KEYS + DIFF_KEYS).split()
    aliases = {"question_mark": "?", "right_square_bracket": "]", "left_square_bracket": "[",
               "down": "↓", "up": "↑", "escape": "esc"}
    for binding in [*PairApp.BINDINGS, *DiffView.BINDINGS]:
        for key in binding.key.split(","):
            assert aliases.get(key, key) in listed, key
    for needed in ("S", "l", "space", "z", "s", "w", "f", "e", "a", "u"):
        assert needed in listed
    app, _ = fake_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("question_mark")
        await pilot.pause(0.2)
        assert isinstance(app.screen, HelpScreen)
        box = app.screen.query_one("#help-box")
        assert box.max_scroll_y == 0, "no scrolling to find a key"
        assert box.region.bottom <= 40
        text = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert "roll back the highlighted chunk" in text and "accept / reject" in text


async def test_palette_lists_each_command_once_and_offers_checkpoints():
    app, _ = fake_app(steps=3)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert len(titles) == len(set(titles)), titles
        assert {"Checkpoints", "Keys", "Quit", "Roll back chunk", "Run check"} <= set(titles)
        assert "Revise plan" not in titles  # the plan is approved: not possible now
        app.action_checkpoints()
        await wait_for(pilot, lambda: isinstance(app.screen, CheckpointsScreen))
        listed = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert "demo/1-start" in listed and "demo/2-executed" in listed
        assert "pairtui restore ID" in listed


async def test_a_toast_replaces_the_one_before_and_is_brief():
    app, _ = fake_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        app.clear_notifications()
        app.notify("first", timeout=10)
        app.notify("something broke", severity="error", timeout=30)
        app.notify("second")
        app.notify("third", timeout=10)
        await pilot.pause(0.1)
        notes = {n.message: n for n in app._notifications}
        assert set(notes) == {"something broke", "third"}, "one toast at a time; errors stay"
        assert notes["third"].timeout <= 3 and notes["something broke"].timeout <= 8


async def test_a_missing_key_is_said_before_the_goal_is_asked():
    from pairtui.ui.app import PairApp
    from tests.support_ui import FakePairing

    problem = "planner anthropic (claude-x): no API key; set ANTHROPIC_API_KEY"
    app = PairApp(lambda sink, goal, ask: FakePairing(sink, goal=goal), None,
                  model_problem=problem)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            if isinstance(app.screen, PromptScreen) and app.screen.query(Static):
                break
        assert isinstance(app.screen, PromptScreen)
        assert any(problem in n.message for n in app._notifications)
        body = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert problem in body, "the goal prompt says it first"


def test_open_finds_the_missing_planner_key_before_the_app_starts(git_repo):
    from pairtui.commands.open import model_problem
    from pairtui.config import load_config

    config = load_config(git_repo, {"planner": "anthropic:claude-x", "executor": "openai:gpt-y"})
    problem = model_problem(config, git_repo / ".git", None)
    assert problem is not None and problem.startswith("planner anthropic (claude-x)")


async def test_number_keys_leave_the_diff_for_another_pane_and_come_back():
    app, _ = fake_app(steps=5)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, app)
        panes = app.query_one("#panes")
        assert panes.active == "diff-tab"
        await pilot.press("2")
        await pilot.pause(0.2)
        assert panes.active == "model-tab", "focus left in the diff must not pull it back"
        await pilot.press("4")
        await wait_for(pilot, lambda: app.focused is app.query_one("#diff-view"))
        assert panes.active == "diff-tab"
