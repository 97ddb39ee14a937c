"""MCP servers in a whole session: the tools reach each provider's request (real SDKs against
the loopback fake server, and the replay model), a result reaches the next request, headless
calls need mcp_allow, a repo's .mcp.json starts nothing until trusted, and no server process
outlives the command."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from pairtui.agent.events import Notice, ToolFinished
from pairtui.config import user_config_path
from tests.fake_llm_server import FakeLLMServer, Reply, Text, Tool
from tests.support_engine import make_pairing, of_kind, run_cli, text, tool, turn
from tests.support_mcp import pids, server_table, wait_gone

SECRET = "sk-test-mcp-5b7c1d"
MODELS = {"anthropic": "anthropic:claude-test", "openai": "openai:gpt-4.1",
          "openai-chat": "openai-chat:llama3"}
PLAN = """\
# Goal: Say hello

## Chunk 1: Add hello.txt
Files: hello.txt

Create hello.txt saying hello.
"""


def _user_config(pidfile: Path, allow: tuple[str, ...] = ("t__echo",)) -> None:
    table = server_table(MCP_TEST_PIDFILE=str(pidfile))
    path = user_config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    env = ", ".join(f"{k} = {json.dumps(v)}" for k, v in table["env"].items())
    path.write_text(f"mcp_allow = {json.dumps(list(allow))}\n\n[mcp.servers.t]\n"
                    f"command = {json.dumps(table['command'])}\nargs = {json.dumps(table['args'])}\n"
                    f"env = {{{env}}}\n")


def _tool_names(body: dict) -> list[str]:
    return [t.get("name") or t.get("function", {}).get("name") for t in body.get("tools", [])]


@pytest.fixture
def server(monkeypatch):
    with FakeLLMServer() as srv:
        monkeypatch.setenv("ANTHROPIC_API_KEY", SECRET)
        monkeypatch.setenv("OPENAI_API_KEY", SECRET)
        monkeypatch.setenv("ANTHROPIC_BASE_URL", srv.url)
        monkeypatch.setenv("OPENAI_BASE_URL", srv.openai_url)
        yield srv


@pytest.mark.parametrize("wire", list(MODELS))
def test_an_mcp_tool_is_offered_called_and_its_result_sent_back(wire, server, git_repo, tmp_path, capsys):
    pidfile = tmp_path / "pids"
    _user_config(pidfile)
    server.push(Reply([Tool("mcp__t__echo", {"text": "hi there"}), Tool("mcp__t__shout", {"text": "no"})]),
                Reply([Tool("write_file", {"path": "hello.txt", "content": "hello\n"})]),
                Reply([Text("Done.")]))
    plan = tmp_path / "plan.md"
    plan.write_text(PLAN)
    code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan), "--yes",
                           "--executor", MODELS[wire])
    assert code == 0, err
    first, second = server.requests[0].body, server.requests[1].body
    assert {"mcp__t__echo", "mcp__t__shout", "write_file"} <= set(_tool_names(first))
    assert "echo: hi there" in json.dumps(second)  # the server's answer reached the model
    assert "mcp_allow" in json.dumps(second)  # shout was refused headless: the model is told
    started = pids(pidfile)
    assert len(started) == 1 and wait_gone(started) == []  # stopped with the command


async def test_the_planner_gets_read_only_mcp_tools_and_the_call_is_in_the_events(git_repo, tmp_path):
    pidfile = tmp_path / "pids"
    planner = [turn(text("Looking."), tool("mcp__t__echo", text="plan")), turn(text(PLAN))]
    pairing, planner_model, _, events = make_pairing(
        git_repo, tmp_path, planner, [], mcp={"t": server_table(MCP_TEST_PIDFILE=str(pidfile))},
        mcp_allow=("t__echo",))
    assert pids(pidfile) == []  # nothing starts before a round needs tools
    try:
        await pairing.make_plan()
    finally:
        await pairing.aclose()
    offered = [s.name for s in planner_model.requests[0].tools]
    assert "mcp__t__echo" in offered and "mcp__t__shout" not in offered
    finished = [e for e in of_kind(events, ToolFinished) if e.name == "mcp__t__echo"]
    assert finished and finished[0].result == "echo: plan" and not finished[0].is_error
    assert "echo: plan" in planner_model.seen_text()
    assert wait_gone(pids(pidfile)) == []


async def test_a_bad_mcp_json_is_one_line_and_the_session_goes_on(git_repo, tmp_path):
    (git_repo / ".mcp.json").write_text("{not json")
    pairing, planner_model, _, events = make_pairing(git_repo, tmp_path, [turn(text(PLAN))], [])
    await pairing.make_plan()
    await pairing.aclose()
    notes = [n.text for n in of_kind(events, Notice) if "MCP" in n.text]
    assert len(notes) == 1 and "\n" not in notes[0] and ".mcp.json" in notes[0]
    assert pairing.plan is not None


def _repo_mcp(repo: Path, pidfile: Path) -> None:
    (repo / ".mcp.json").write_text(json.dumps(
        {"mcpServers": {"repo": server_table(MCP_TEST_PIDFILE=str(pidfile))}}))


async def test_an_untrusted_repo_mcp_json_starts_nothing(git_repo, tmp_path):
    pidfile = tmp_path / "pids"
    _repo_mcp(git_repo, pidfile)
    pairing, planner_model, _, events = make_pairing(git_repo, tmp_path, [turn(text(PLAN))], [])
    await pairing.make_plan()
    await pairing.aclose()
    assert not any(s.name.startswith("mcp__") for s in planner_model.requests[0].tools)
    notes = [n.text for n in of_kind(events, Notice) if ".mcp.json" in n.text]
    assert len(notes) == 1 and "pairtui trust" in notes[0] and "repo" in notes[0]
    assert pids(pidfile) == []


def test_pairtui_mcp_lists_untrusted_then_trusted_servers_and_their_tools(git_repo, tmp_path, capsys):
    pidfile = tmp_path / "pids"
    _repo_mcp(git_repo, pidfile)
    code, out, _ = run_cli(capsys, "-C", str(git_repo), "mcp", "--json")
    row = json.loads(out)["servers"][0]
    assert code == 0 and (row["name"], row["trusted"], row["status"], row["tools"]) == ("repo", False, "untrusted", [])
    assert pids(pidfile) == []
    code, out, _ = run_cli(capsys, "-C", str(git_repo), "trust", "--yes")
    assert code == 0 and "mcp_test_server.py" in out and "trusted" in out
    code, out, _ = run_cli(capsys, "-C", str(git_repo), "mcp", "--json")
    row = json.loads(out)["servers"][0]
    assert (row["trusted"], row["status"]) == (True, "running")
    assert "mcp__repo__echo" in [t["name"] for t in row["tools"]]
    assert wait_gone(pids(pidfile)) == []  # the probe stopped what it started
    (git_repo / ".mcp.json").write_text((git_repo / ".mcp.json").read_text() + "\n")
    code, out, _ = run_cli(capsys, "-C", str(git_repo), "mcp", "--json")
    assert json.loads(out)["servers"][0]["trusted"] is False  # an edited file needs trust again


def test_trust_mcp_flag_starts_the_repo_servers_for_one_run(server, git_repo, tmp_path, capsys):
    pidfile = tmp_path / "pids"
    _repo_mcp(git_repo, pidfile)
    server.push(Reply([Tool("write_file", {"path": "hello.txt", "content": "hello\n"})]), Reply([Text("Done.")]))
    plan = tmp_path / "plan.md"
    plan.write_text(PLAN)
    code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan), "--yes",
                           "--trust-mcp", "--executor", MODELS["anthropic"])
    assert code == 0, err
    assert "mcp__repo__echo" in _tool_names(server.requests[0].body)
    assert wait_gone(pids(pidfile)) == []


async def test_an_acp_agent_gets_the_trusted_servers_in_session_new(git_repo, tmp_path):
    from pairtui.agent.flow import Pairing
    from pairtui.agent.lazy_provider import LazyProvider
    from pairtui.core.session import new_session
    from tests.support_acp import PLAN as ACP_PLAN
    from tests.support_acp import events_of, fake_config

    pidfile = tmp_path / "pids"
    _repo_mcp(git_repo, pidfile)  # not trusted: not passed on
    config, log = fake_config(tmp_path, [[{"say": "Nothing to change."}]],
                              mcp={"t": server_table(MCP_TEST_PIDFILE=str(pidfile))})
    session = new_session("Greet people by name", "replay:none", "acp:fake")
    pairing = Pairing(git_repo, config, session, LazyProvider(config.planner, config),
                      LazyProvider(config.executor, config), lambda _: None)
    pairing.set_plan_text(ACP_PLAN)
    pairing.approve_plan()
    try:
        await pairing.execute(1)
    finally:
        await pairing.aclose()
    sent = events_of(log, "new_session")[0]["mcp"]
    assert [(m["name"], Path(m["command"]).name) for m in sent] == [("t", Path(sys.executable).name)]
    assert pids(pidfile) == []  # pairtui itself started nothing: the agent owns them


async def test_a_secret_the_server_was_given_is_masked_before_the_model_sees_it(git_repo, tmp_path):
    planner = [turn(tool("mcp__t__token")), turn(text(PLAN))]
    table = server_table(MCP_TEST_TOKEN="tok-SECRET-991")
    pairing, planner_model, _, events = make_pairing(
        git_repo, tmp_path, planner, [], mcp={"t": table}, mcp_allow=("t__*",))
    try:
        await pairing.make_plan()
    finally:
        await pairing.aclose()
    finished = [e for e in of_kind(events, ToolFinished) if e.name == "mcp__t__token"]
    assert finished and finished[0].result.startswith("token is ") and "tok-SECRET-991" not in finished[0].result
    assert "tok-SECRET-991" not in planner_model.seen_text()


def test_mcp_allow_in_an_untrusted_repo_config_is_ignored(git_repo):
    from pairtui.config import load_config

    (git_repo / ".pairtui.toml").write_text('mcp_allow = ["t__*"]\n')
    config = load_config(git_repo)
    assert config.mcp_allow == () and config.untrusted_repo_keys == ("mcp_allow",)


def test_a_real_third_party_server_mcp_server_git(server, git_repo, tmp_path, capsys):
    """mcp-server-git (from the MCP project) over stdio: the model calls git_status and the
    answer reaches its next request."""
    path = user_config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('mcp_allow = ["git__git_status"]\n\n[mcp.servers.git]\n'
                    f'command = {json.dumps(sys.executable)}\nargs = ["-m", "mcp_server_git"]\n')
    (git_repo / "untracked-note.txt").write_text("new\n")
    server.push(Reply([Tool("mcp__git__git_status", {"repo_path": str(git_repo)})]),
                Reply([Tool("write_file", {"path": "hello.txt", "content": "hello\n"})]),
                Reply([Text("Done.")]))
    plan = tmp_path / "plan.md"
    plan.write_text(PLAN)
    code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan), "--yes",
                           "--executor", MODELS["anthropic"])
    assert code == 0, err
    assert "mcp__git__git_status" in _tool_names(server.requests[0].body)
    second = json.dumps(server.requests[1].body)
    assert "untracked-note.txt" in second and "On branch main" in second


def test_pairtui_mcp_says_which_server_failed_in_its_listing(git_repo, tmp_path, capsys):
    path = user_config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    table = server_table(MCP_TEST_MODE="crash")
    path.write_text(f"[mcp.servers.broken]\ncommand = {json.dumps(table['command'])}\n"
                    f"args = {json.dumps(table['args'])}\nenv = {{MCP_TEST_MODE = \"crash\"}}\n")
    code, out, _ = run_cli(capsys, "-C", str(git_repo), "mcp")
    assert code == 0
    first = out.splitlines()[0]
    assert first.startswith("broken  [failed: ") and "(from user config)" in first
