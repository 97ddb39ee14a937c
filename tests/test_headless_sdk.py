"""`pairtui plan` / `pairtui run` through the real anthropic and openai SDKs, talking HTTP to the
loopback fake server: the same loop as with the replay model, over every wire format."""

from __future__ import annotations

import json

import pytest

from tests.conftest import git
from tests.fake_llm_server import FakeLLMServer, Reply, Text, Thinking, Tool
from tests.support_engine import run_cli

SECRET = "sk-test-engine-7d1e0b"
MODELS = {"anthropic": "anthropic:claude-test", "openai": "openai:gpt-4.1", "openai-chat": "openai-chat:llama3"}

PLAN = """\
# Goal: Say hello

## Chunk 1: Add hello.txt
Files: hello.txt
Verify: python -c "assert open('hello.txt').read() == 'hello\\n'"

Create hello.txt saying hello.
"""


@pytest.fixture
def server(monkeypatch):
    with FakeLLMServer() as srv:
        monkeypatch.setenv("ANTHROPIC_API_KEY", SECRET)
        monkeypatch.setenv("OPENAI_API_KEY", SECRET)
        monkeypatch.setenv("ANTHROPIC_BASE_URL", srv.url)
        monkeypatch.setenv("OPENAI_BASE_URL", srv.openai_url)
        yield srv


@pytest.mark.parametrize("wire", list(MODELS))
def test_run_lands_a_chunk_through_the_real_sdk(wire, server, git_repo, tmp_path, capsys):
    server.push(Reply([Text("Creating it."), Tool("write_file", {"path": "hello.txt", "content": "hello\n"},
                                                  pieces=3)]),
                Reply([Text("Done.")]))
    plan = tmp_path / "plan.md"
    plan.write_text(PLAN)
    code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan), "--yes",
                           "--executor", MODELS[wire])
    assert code == 0, err
    assert git(git_repo, "log", "-1", "--format=%s") == "Add hello.txt\n"
    assert git(git_repo, "show", "HEAD:hello.txt") == "hello\n"
    second = server.requests[1].body
    assert "hello.txt" in str(second)  # the tool result went back to the model
    assert SECRET not in err


@pytest.mark.parametrize("wire", list(MODELS))
def test_provider_401_mid_run_exits_3_with_one_line_and_no_key(wire, server, git_repo, tmp_path, capsys):
    (git_repo / "README.md").write_text("# demo\nmine\n")
    server.push(Reply([Tool("write_file", {"path": "hello.txt", "content": "hel"})]), Reply.http_error(401))
    plan = tmp_path / "plan.md"
    plan.write_text(PLAN)
    code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan), "--yes",
                           "--executor", MODELS[wire])
    assert code == 3
    assert SECRET not in err
    assert err.strip().splitlines()[-1].startswith("pairtui: ")
    assert (git_repo / "README.md").read_text() == "# demo\nmine\n"
    assert git(git_repo, "log", "--format=%s") == "initial\n"
    assert "pairtui rollback 1" in err


def test_plan_command_researches_and_writes_the_plan_through_anthropic(server, git_repo, capsys):
    server.push(Reply([Tool("read_file", {"path": "src/app.py"})]), Reply([Text(PLAN, pieces=7)]))
    code, out, err = run_cli(capsys, "-C", str(git_repo), "plan", "--goal", "Say hello",
                             "--planner", "anthropic:claude-test")
    assert code == 0, err
    path = out.strip()
    assert path.endswith("plan.md") and "/.git/pairtui/sessions/" in path
    with open(path) as handle:
        assert handle.read() == PLAN
    tools = [t["name"] for t in server.requests[0].body["tools"]]
    assert sorted(tools) == ["list_files", "read_file", "search"]


FIX_PLAN = PLAN.replace("Create hello.txt saying hello.", "Create hello.txt saying hello; follow AGENTS.md.")


def _run(capsys, repo, tmp_path, spec: str, *extra: str):
    plan = tmp_path / "plan.md"
    plan.write_text(FIX_PLAN)
    return run_cli(capsys, "-C", str(repo), "run", "--plan", str(plan), "--yes", "--executor", spec, *extra)


def test_fix_round_through_the_sdk_keeps_signed_thinking_and_sees_the_failure(server, git_repo, tmp_path, capsys):
    (git_repo / "AGENTS.md").write_text("Root: greet politely.\n")
    server.push(
        Reply([Thinking("plan the file"), Tool("write_file", {"path": "hello.txt", "content": "helo\n"})]),
        Reply([Text("Written.")]),
        Reply([Tool("edit_file", {"path": "hello.txt", "old_string": "helo", "new_string": "hello"})]),
        Reply([Text("Fixed the typo.")]),
    )
    code, _, err = _run(capsys, git_repo, tmp_path, MODELS["anthropic"])
    assert code == 0, err
    assert git(git_repo, "show", "HEAD:hello.txt") == "hello\n"
    second = server.requests[1].body
    assert "Root: greet politely." in json.dumps(second["system"])
    first_turn = second["messages"][1]["content"]
    assert first_turn[0] == {"type": "thinking", "thinking": "plan the file", "signature": "sig-fake"}
    fix = json.dumps(server.requests[2].body["messages"][-1])
    assert "fix round 1 of 2" in fix and "AssertionError" in fix


@pytest.mark.parametrize("wire", ["openai", "openai-chat"])
def test_check_that_never_passes_rolls_back_through_the_sdk(wire, server, git_repo, tmp_path, capsys):
    (git_repo / "README.md").write_text("# demo\nmine\n")
    server.push(Reply([Tool("write_file", {"path": "hello.txt", "content": "nope\n"})]),
                Reply([Text("Done.")]), Reply([Text("No idea.")]), Reply([Text("Still no idea.")]))
    code, _, err = _run(capsys, git_repo, tmp_path, MODELS[wire])
    assert code == 1, err
    assert not (git_repo / "hello.txt").exists()
    assert (git_repo / "README.md").read_text() == "# demo\nmine\n"
    assert git(git_repo, "log", "--format=%s") == "initial\n"


def test_path_escapes_through_the_sdk_are_tool_errors_the_model_reads(server, git_repo, tmp_path, capsys):
    server.push(Reply([Tool("write_file", {"path": "../escape.txt", "content": "x"}),
                       Tool("delete_path", {"path": ".git"})]),
                Reply([Tool("write_file", {"path": "hello.txt", "content": "hello\n"})]),
                Reply([Text("Done.")]))
    code, _, err = _run(capsys, git_repo, tmp_path, MODELS["openai-chat"])
    assert code == 0, err
    assert not (tmp_path / "escape.txt").exists() and (git_repo / ".git" / "HEAD").exists()
    results = [m for m in server.requests[1].body["messages"] if m.get("role") == "tool"]
    assert len(results) == 2 and all("error" in m["content"].lower() or "refused" in m["content"].lower()
                                     or "outside" in m["content"].lower() for m in results)
