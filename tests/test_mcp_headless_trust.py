"""Headless commands refuse, before any work, a repo whose .mcp.json lists servers nobody
trusted: exit 2, one line naming them and how to trust the file; nothing started, no session,
no worktree. --trust-mcp carries into a worktree run's own process."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.fake_llm_server import FakeLLMServer, Reply, Text, Tool
from tests.support_engine import run_cli
from tests.support_mcp import pids, server_table, wait_gone

PLAN = """\
# Goal: Say hello

## Chunk 1: Add hello.txt
Files: hello.txt

Create hello.txt saying hello.
"""


@pytest.fixture
def server(monkeypatch):
    with FakeLLMServer() as srv:
        monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-mcp-headless")
        monkeypatch.setenv("ANTHROPIC_BASE_URL", srv.url)
        yield srv


def _commit_mcp_json(repo: Path, pidfile: Path) -> None:
    (repo / ".mcp.json").write_text(json.dumps(
        {"mcpServers": {"repo": server_table(MCP_TEST_PIDFILE=str(pidfile))}}))
    subprocess.run(["git", "add", ".mcp.json"], cwd=repo, check=True)
    subprocess.run(["git", "commit", "-qm", "servers"], cwd=repo, check=True)


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def _state(repo: Path) -> tuple[str, str, str]:
    return (_git(repo, "worktree", "list"), _git(repo, "for-each-ref"), _git(repo, "status", "--porcelain"))


@pytest.mark.parametrize("command", [
    ("run", "--goal", "say hello", "--yes"),
    ("run", "--plan", "PLAN", "--yes"),
    ("run", "--goal", "say hello", "--worktree"),
    ("run", "--goal", "say hello", "--worktree", "--background"),
    ("plan", "--goal", "say hello"),
])
def test_an_untrusted_mcp_json_stops_a_headless_command_before_anything(
        command, git_repo, tmp_path, capsys):
    pidfile = tmp_path / "pids"
    _commit_mcp_json(git_repo, pidfile)
    plan = tmp_path / "plan.md"
    plan.write_text(PLAN)
    before = _state(git_repo)
    argv = [str(plan) if arg == "PLAN" else arg for arg in command]
    code, out, err = run_cli(capsys, "-C", str(git_repo), *argv, "--executor", "anthropic:claude-test",
                             "--planner", "anthropic:claude-test")
    assert code == 2
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "repo" in lines[0] and "pairtui trust" in lines[0] and "--trust-mcp" in lines[0]
    assert _state(git_repo) == before  # no session ref, checkpoint, worktree or branch
    assert not (git_repo / ".git" / "pairtui" / "sessions").exists() or not any(
        (git_repo / ".git" / "pairtui" / "sessions").iterdir())
    assert pids(pidfile) == []


def test_trust_mcp_reaches_a_worktree_runs_own_process(server, git_repo, tmp_path, capsys):
    pidfile = tmp_path / "pids"
    _commit_mcp_json(git_repo, pidfile)
    plan = tmp_path / "plan.md"
    plan.write_text(PLAN)
    server.push(Reply([Tool("write_file", {"path": "hello.txt", "content": "hello\n"})]),
                Reply([Text("Done.")]))
    code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan), "--worktree",
                           "--trust-mcp", "--executor", "anthropic:claude-test")
    assert code == 0, err
    names = [t.get("name") for t in server.requests[0].body.get("tools", [])]
    assert "mcp__repo__echo" in names
    assert wait_gone(pids(pidfile)) == []
