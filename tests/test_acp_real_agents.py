"""Real ACP agents from npm against the loopback fake model server: `pairtui run --executor
acp:claude` lands the chunk Claude Code wrote through pairtui, with the hunk naming its call.

The agent is installed once into a cache directory (pinned version) and reused; where Node or
npm is missing, or the npm registry cannot be reached, the test skips saying so. Facts they
rely on: Claude Code with ANTHROPIC_BASE_URL set needs no login; it asks for
/v1/messages?beta=true; it must Read a file before it may Edit it; with the client's file
system capability its file tools are mcp__acp__Read / mcp__acp__Edit, served by pairtui.
Gemini CLI needs its model pinned (GEMINI_MODEL) and GOOGLE_GEMINI_BASE_URL. Codex ignores
OPENAI_BASE_URL: its CODEX_HOME config names the server as a model provider, with a model name
it knows and, without bwrap, sandbox_mode = "danger-full-access"; it wants `authenticate` with
its "openai-api-key" method, and it writes straight to disk (here through exec_command).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import git
from tests.fake_llm_server import FakeLLMServer, Reply, Text, Tool
from tests.support_acp import GREET, PLAN
from tests.support_engine import run_cli

CLAUDE_ACP = "@zed-industries/claude-code-acp@0.16.2"
GEMINI_CLI = "@google/gemini-cli@0.61.0"
CODEX_ACP = "@zed-industries/codex-acp@0.16.0"
CACHE = Path(tempfile.gettempdir()) / "pairtui-acp-agents"

pytestmark = pytest.mark.slow


def installed(package: str, program: str) -> Path:
    """The cached install's bin directory (installing it first if needed), or skip."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("Node.js and npm are needed for the real-agent tests")
    prefix = CACHE / package.replace("/", "+")
    bin_dir = prefix / "node_modules" / ".bin"
    if not (bin_dir / program).exists():
        prefix.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(prefix),
                               package], capture_output=True, text=True, timeout=600)
        if done.returncode != 0 or not (bin_dir / program).exists():
            pytest.skip(f"could not install {package} with npm: "
                        f"{(done.stderr.strip().splitlines() or ['no output'])[-1]}")
    return bin_dir


def _tool_uses(messages: list[dict[str, Any]]) -> list[str]:
    return [block.get("name", "") for m in messages if m.get("role") == "assistant"
            and isinstance(m.get("content"), list) for block in m["content"]
            if isinstance(block, dict) and block.get("type") == "tool_use"]


def claude_model(repo: Path):
    """The fake model's side of the chunk: Read src/app.py, Edit it, then say so. Requests
    Claude Code makes on the side (titles, counts, hooks) get a short text."""
    path = str((repo / "src" / "app.py").resolve())

    def respond(body: Any) -> Reply:
        tools = {t.get("name") for t in body.get("tools", [])} if isinstance(body, dict) else set()
        messages = body.get("messages", []) if isinstance(body, dict) else []
        if "mcp__acp__Edit" not in tools or "Now do chunk 1" not in json.dumps(messages):
            return Reply([Text("ok")])
        used = _tool_uses(messages)
        if not used:
            return Reply([Text("Reading the file first."), Tool("mcp__acp__Read", {"file_path": path})])
        if "mcp__acp__Edit" not in used:
            return Reply([Tool("mcp__acp__Edit", {
                "file_path": path, "old_string": "    return 'hi'\n",
                "new_string": "    return 'hi'\n\n\ndef greet(name):\n    return f'hello {name}'\n"})])
        return Reply([Text("Added greet(name).")])

    return respond


def _function_calls(contents: list[dict[str, Any]]) -> list[str]:
    return [part["functionCall"].get("name", "") for c in contents if c.get("role") == "model"
            for part in c.get("parts", []) if isinstance(part, dict) and "functionCall" in part]


def gemini_model(repo: Path):
    """The same chunk in Gemini's words: read_file, replace, then a summary."""
    path = str((repo / "src" / "app.py").resolve())

    def respond(body: Any) -> Reply:
        tools = {f.get("name") for t in body.get("tools", []) for f in t.get("functionDeclarations", [])
                 } if isinstance(body, dict) else set()
        contents = body.get("contents", []) if isinstance(body, dict) else []
        if "replace" not in tools or "Now do chunk 1" not in json.dumps(contents):
            return Reply([Text("ok")])
        used = _function_calls(contents)
        if not used:
            return Reply([Text("Reading the file first."), Tool("read_file", {"file_path": path})])
        if "replace" not in used:
            return Reply([Tool("replace", {
                "file_path": path, "instruction": "Add greet(name) after hello().",
                "old_string": "    return 'hi'\n",
                "new_string": "    return 'hi'\n\n\ndef greet(name):\n    return f'hello {name}'\n"})])
        return Reply([Text("Added greet(name).")])

    return respond


def test_claude_code_executes_a_chunk_that_lands_with_its_edit_traced(git_repo, tmp_path, capsys,
                                                                      monkeypatch):
    bin_dir = installed(CLAUDE_ACP, "claude-code-acp")
    (git_repo / "README.md").write_text("# demo\n\nmy notes, not for the commit\n")
    plan = tmp_path / "plan.md"
    plan.write_text(PLAN)
    with FakeLLMServer() as server:
        server.responder = claude_model(git_repo)
        monkeypatch.setenv("PATH", f"{bin_dir}:{__import__('os').environ['PATH']}")
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
        monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
        code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan),
                               "--executor", "acp:claude", "--yes")
        assert code == 0, err
        assert any("beta=true" in r.path for r in server.requests)
    assert git(git_repo, "log", "-1", "--format=%s").strip() == "Add a greet function"
    assert git(git_repo, "show", "HEAD:src/app.py") == GREET
    assert " M README.md" in git(git_repo, "status", "--porcelain")
    sessions = list((git_repo / ".git" / "pairtui" / "sessions").iterdir())
    calls = json.loads((sessions[0] / "state.json").read_text())["extra"]["calls"]["1"]
    edits = [c for c in calls if "src/app.py" in c[2] and not c[3]]
    assert [c[1] for c in edits] == ["acp:claude Edit `src/app.py`"]
    assert "  - Edit `src/app.py`" in err


def test_gemini_cli_executes_a_chunk_that_lands_with_its_edit_traced(git_repo, tmp_path, capsys,
                                                                     monkeypatch):
    import os

    bin_dir = installed(GEMINI_CLI, "gemini")
    (git_repo / "README.md").write_text("# demo\n\nmy notes, not for the commit\n")
    plan = tmp_path / "plan.md"
    plan.write_text(PLAN)
    with FakeLLMServer() as server:
        server.responder = gemini_model(git_repo)
        monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
        monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", server.url)
        monkeypatch.setenv("GEMINI_API_KEY", "test-key")
        monkeypatch.setenv("GEMINI_MODEL", "gemini-2.5-flash")  # else it asks a router model first
        code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan),
                               "--executor", "acp:gemini", "--yes")
        assert code == 0, err
        assert any(":streamGenerateContent" in r.path for r in server.requests)
    assert git(git_repo, "log", "-1", "--format=%s").strip() == "Add a greet function"
    assert git(git_repo, "show", "HEAD:src/app.py") == GREET
    assert " M README.md" in git(git_repo, "status", "--porcelain")
    sessions = list((git_repo / ".git" / "pairtui" / "sessions").iterdir())
    calls = json.loads((sessions[0] / "state.json").read_text())["extra"]["calls"]["1"]
    edits = [c for c in calls if "src/app.py" in c[2] and not c[3]]
    assert [c[1] for c in edits] == ["acp:gemini src/app.py: return 'hi' => return 'hi'..."]
    assert "  - src/app.py" in err


def codex_model():
    """Codex's side: one exec_command that writes the file itself, then a summary."""
    script = ("cat > src/app.py <<'EOF'\n" + GREET + "EOF")

    def respond(body: Any) -> Reply:
        tools = {t.get("name") for t in body.get("tools", [])} if isinstance(body, dict) else set()
        items = body.get("input", []) if isinstance(body, dict) else []
        if "exec_command" not in tools or "Now do chunk 1" not in json.dumps(items):
            return Reply([Text("ok")])
        if not any(isinstance(i, dict) and i.get("type") == "function_call" for i in items):
            return Reply([Tool("exec_command", {"cmd": script})])
        return Reply([Text("Added greet(name).")])

    return respond


def test_codex_writes_to_disk_and_its_hunks_are_credited_and_its_group_is_gone(
        git_repo, tmp_path, capsys, monkeypatch):
    import os

    bin_dir = installed(CODEX_ACP, "codex-acp")
    (git_repo / "README.md").write_text("# demo\n\nmy notes, not for the commit\n")
    plan = tmp_path / "plan.md"
    plan.write_text(PLAN)
    codex_home = tmp_path / "codex-home"
    codex_home.mkdir()
    with FakeLLMServer() as server:
        server.responder = codex_model()
        (codex_home / "config.toml").write_text(
            'model = "gpt-5.3-codex"\nsandbox_mode = "danger-full-access"\n'
            'approval_policy = "never"\nmodel_provider = "fake"\n[model_providers.fake]\n'
            f'name = "fake"\nbase_url = "{server.openai_url}"\nenv_key = "OPENAI_API_KEY"\n'
            'wire_api = "responses"\n')
        monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
        monkeypatch.setenv("CODEX_HOME", str(codex_home))
        monkeypatch.setenv("OPENAI_API_KEY", "test-key")
        code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan),
                               "--executor", "acp:codex", "--yes")
        assert code == 0, err
    assert git(git_repo, "log", "-1", "--format=%s").strip() == "Add a greet function"
    assert git(git_repo, "show", "HEAD:src/app.py") == GREET
    assert " M README.md" in git(git_repo, "status", "--porcelain")
    sessions = list((git_repo / ".git" / "pairtui" / "sessions").iterdir())
    calls = json.loads((sessions[0] / "state.json").read_text())["extra"]["calls"]["1"]
    assert [(c[1], c[2]) for c in calls] == [("acp:codex turn", ["src/app.py"])]  # no diff named it
    leftovers = subprocess.run(["pgrep", "-f", str(bin_dir.parent)], capture_output=True, text=True)
    assert leftovers.stdout.strip() == ""


def test_claude_code_plans_in_its_plan_mode_and_the_reply_is_the_plan(git_repo, tmp_path, capsys,
                                                                     monkeypatch):
    import os

    bin_dir = installed(CLAUDE_ACP, "claude-code-acp")
    seen: list[Any] = []

    def respond(body: Any) -> Reply:
        seen.append(body)
        messages = body.get("messages", []) if isinstance(body, dict) else []
        if "Goal: Greet people by name" in json.dumps(messages):
            return Reply([Text("Here is the plan.\n\n" + PLAN)])
        return Reply([Text("ok")])

    with FakeLLMServer() as server:
        server.responder = respond
        monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
        monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
        code, out, err = run_cli(capsys, "-C", str(git_repo), "plan", "--goal",
                                 "Greet people by name", "--planner", "acp:claude")
    assert code == 0, err
    assert "## Chunk 1: Add a greet function" in Path(out.strip()).read_text()
    assert git(git_repo, "status", "--porcelain") == ""
    assert any("Plan mode is active" in json.dumps(b) for b in seen)  # set_mode("plan") took


def test_codex_apply_patch_hunks_are_credited_to_the_call_whose_diff_named_the_file(
        git_repo, tmp_path, capsys, monkeypatch):
    import os

    from tests.fake_llm_wire import Custom

    bin_dir = installed(CODEX_ACP, "codex-acp")
    patch = ("*** Begin Patch\n*** Update File: src/app.py\n@@\n     return 'hi'\n"
             "+\n+\n+def greet(name):\n+    return f'hello {name}'\n*** End Patch\n")

    def respond(body: Any) -> Reply:
        items = body.get("input", []) if isinstance(body, dict) else []
        if "Now do chunk 1" not in json.dumps(items):
            return Reply([Text("ok")])
        if not any(isinstance(i, dict) and i.get("type") == "custom_tool_call" for i in items):
            return Reply([Custom("apply_patch", patch)])
        return Reply([Text("Added greet(name).")])

    plan = tmp_path / "plan.md"
    plan.write_text(PLAN)
    codex_home = tmp_path / "codex-home"
    codex_home.mkdir()
    with FakeLLMServer() as server:
        server.responder = respond
        (codex_home / "config.toml").write_text(
            'model = "gpt-5.3-codex"\nsandbox_mode = "danger-full-access"\n'
            'approval_policy = "never"\nmodel_provider = "fake"\n[model_providers.fake]\n'
            f'name = "fake"\nbase_url = "{server.openai_url}"\nenv_key = "OPENAI_API_KEY"\n'
            'wire_api = "responses"\n')
        monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
        monkeypatch.setenv("CODEX_HOME", str(codex_home))
        monkeypatch.setenv("OPENAI_API_KEY", "test-key")
        code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan),
                               "--executor", "acp:codex", "--yes")
        assert code == 0, err
    assert git(git_repo, "show", "HEAD:src/app.py") == GREET
    sessions = list((git_repo / ".git" / "pairtui" / "sessions").iterdir())
    calls = json.loads((sessions[0] / "state.json").read_text())["extra"]["calls"]["1"]
    assert [(c[1], c[2]) for c in calls] == [("acp:codex Edit src/app.py", ["src/app.py"])]
    assert calls[0][4], "the call's diff gave the marks of the lines it wrote"
