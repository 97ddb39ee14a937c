"""MCP in the TUI on the real engine: the first paint comes before any server starts, a call
asks the person like a command does, the result is in the model pane, and quitting the app
stops the server (no orphan)."""

from __future__ import annotations

from pairtui.config import Config
from pairtui.ui.screens.permission import PermissionScreen
from tests.support_engine import text, tool, turn, write_transcript
from tests.support_mcp import pids, server_table, wait_gone
from tests.support_ui import settle

PLAN = """\
# Goal: Say hello

## Chunk 1: Add hello.txt
Files: hello.txt

Create hello.txt saying hello.
"""


async def _until(pilot, predicate, timeout: float = 15.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if predicate():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not reached")


async def test_an_mcp_call_asks_is_shown_and_quitting_stops_the_server(git_repo, tmp_path):
    from pairtui.agent.flow import Pairing
    from pairtui.ui.app import PairApp

    pidfile = tmp_path / "pids"
    planner = write_transcript(tmp_path / "planner.jsonl", [
        turn(text("Asking the docs."), tool("mcp__t__echo", text="from the tui")), turn(text(PLAN))])
    config = Config(planner=f"replay:{planner}", executor=f"replay:{planner}",
                    mcp={"t": server_table(MCP_TEST_PIDFILE=str(pidfile))})

    def open_pairing(sink, goal, ask):
        return Pairing.open(git_repo, config, sink, goal=goal, ask_permission=ask)

    app = PairApp(open_pairing, "Say hello", planner=config.planner, executor=config.executor,
                  verify_timeout=300.0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        assert pids(pidfile) == []  # painted and opened: no server started yet
        await pilot.press("enter")  # plan: the planner calls the MCP tool
        await _until(pilot, lambda: isinstance(app.screen, PermissionScreen))
        assert app.screen._what == 'mcp__t__echo {"text": "from the tui"}'
        await pilot.press("y")
        await settle(pilot, app)
        assert app.session.plan is not None
        transcript = app.pairing.history()
        assert "echo: from the tui" in str(transcript)
        started = pids(pidfile)
        assert len(started) == 1
    assert wait_gone(started) == []  # quitting the app stopped it


async def test_esc_cancels_a_slow_mcp_call(git_repo, tmp_path):
    from pairtui.agent.flow import Pairing
    from pairtui.ui.app import PairApp

    pidfile = tmp_path / "pids"
    planner = write_transcript(tmp_path / "planner.jsonl", [
        turn(tool("mcp__t__slow", seconds=30)), turn(text(PLAN))])
    config = Config(planner=f"replay:{planner}", executor=f"replay:{planner}", mcp_allow=("t__slow",),
                    mcp={"t": server_table(MCP_TEST_PIDFILE=str(pidfile))})

    def open_pairing(sink, goal, ask):
        return Pairing.open(git_repo, config, sink, goal=goal, ask_permission=ask)

    app = PairApp(open_pairing, "Say hello", planner=config.planner, executor=config.executor,
                  verify_timeout=300.0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("enter")
        await _until(pilot, lambda: len(pids(pidfile)) == 1 and app.busy)
        await pilot.pause(0.5)
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.cancel_latency is not None and app.cancel_latency < 0.5
        assert not app.busy
        started = pids(pidfile)
    assert wait_gone(started) == []


def _repo_mcp_app(git_repo, tmp_path, pidfile):
    """The TUI on a repo whose committed `.mcp.json` declares the test server, opened as
    `pairtui` opens it (run_tui's trust question included)."""
    import json

    from pairtui.agent.flow import Pairing
    from pairtui.agent.mcp.servers import RepoServersTrust
    from pairtui.ui.app import PairApp

    (git_repo / ".mcp.json").write_text(json.dumps(
        {"mcpServers": {"docs": server_table(MCP_TEST_PIDFILE=str(pidfile))}}))
    planner = write_transcript(tmp_path / "planner.jsonl", [
        turn(text("Asking the docs."), tool("mcp__docs__echo", text="hi")), turn(text(PLAN))])
    config = Config(planner=f"replay:{planner}", executor=f"replay:{planner}")

    def open_pairing(sink, goal, ask):
        return Pairing.open(git_repo, config, sink, goal=goal, ask_permission=ask)

    return PairApp(open_pairing, "Say hello", planner=config.planner, executor=config.executor,
                   verify_timeout=300.0, mcp_trust=lambda: RepoServersTrust(git_repo, config))


async def test_the_tui_lists_a_repo_mcp_json_and_starts_its_servers_only_when_trusted(
        git_repo, tmp_path):
    from pairtui.config import user_config_path
    from pairtui.trust import TrustStore
    from pairtui.ui.screens.confirm import ConfirmScreen

    pidfile = tmp_path / "pids"
    app = _repo_mcp_app(git_repo, tmp_path, pidfile)
    async with app.run_test(size=(120, 40)) as pilot:
        await _until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "docs: " in app.screen._body and "mcp_test_server" in app.screen._body
        assert app.pairing is None, "asked before the session is built"
        await pilot.press("y")
        await settle(pilot, app)
        assert TrustStore(user_config_path().parent).is_trusted(git_repo / ".mcp.json")
        await pilot.press("enter")  # the planner calls the repo's MCP tool: it is there
        await _until(pilot, lambda: isinstance(app.screen, PermissionScreen))
        await pilot.press("y")
        await settle(pilot, app)
        assert "echo: hi" in str(app.pairing.history())
        started = pids(pidfile)
        assert len(started) == 1
    assert wait_gone(started) == []


async def test_not_now_leaves_a_repo_mcp_json_off_and_untrusted(git_repo, tmp_path):
    from pairtui.config import user_config_path
    from pairtui.trust import TrustStore
    from pairtui.ui.screens.confirm import ConfirmScreen

    pidfile = tmp_path / "pids"
    app = _repo_mcp_app(git_repo, tmp_path, pidfile)
    async with app.run_test(size=(120, 40)) as pilot:
        await _until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        await settle(pilot, app)
        assert app.pairing is not None, "the session opens all the same"
        assert not TrustStore(user_config_path().parent).is_trusted(git_repo / ".mcp.json")
        await pilot.press("enter")
        await settle(pilot, app, timeout=20)
        assert pids(pidfile) == [], "no server of an untrusted file ever starts"
        assert not isinstance(app.screen, PermissionScreen)
