"""`pairtui run --executor acp:NAME` end to end, agents declared in config, missing agents."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from pairtui.config import ConfigError, load_config
from pairtui.errors import ProviderError, UsageError
from pairtui.models.acp_agents import agent_environment, resolve_agent
from pairtui.models.registry import make_provider
from tests.conftest import git
from tests.support_acp import FAKE_AGENT, GREET, PLAN, events_of
from tests.support_engine import run_cli


def _user_config(text: str) -> Path:
    import os

    path = Path(os.environ["XDG_CONFIG_HOME"]) / "pairtui" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _declare_fake(tmp_path: Path, script: list) -> Path:
    script_path = tmp_path / "script.json"
    script_path.write_text(json.dumps(script))
    log = tmp_path / "log.jsonl"
    argv = [sys.executable, str(FAKE_AGENT), str(script_path), str(log)]
    _user_config(f"[agents.fake]\ncommand = {json.dumps(argv)}\nenv = {{FAKE_MODEL = \"m\"}}\n")
    return log


def test_run_lands_the_agents_chunk_and_keeps_the_persons_dirty_work(git_repo, tmp_path, capsys):
    turn = [{"tool": "t1", "title": "Edit src/app.py", "kind": "edit", "path": "src/app.py"},
            {"write": "src/app.py", "content": GREET}, {"done": "t1", "status": "completed"},
            {"say": "Added greet."}, {"usage_cost": 0.0125}, {"tokens": [120, 30]}]
    log = _declare_fake(tmp_path, [turn])
    (git_repo / "README.md").write_text("# demo\n\nmy notes, not for the commit\n")
    (git_repo / "scratch.txt").write_text("mine\n")
    plan = tmp_path / "plan.md"
    plan.write_text(PLAN)

    code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan),
                           "--executor", "acp:fake", "--yes")

    assert code == 0, err
    assert git(git_repo, "log", "-1", "--format=%s").strip() == "Add a greet function"
    assert git(git_repo, "show", "HEAD:src/app.py") == GREET
    assert git(git_repo, "show", "--stat", "--format=", "HEAD").count("|") == 1
    assert "my notes" in (git_repo / "README.md").read_text()
    assert " M README.md" in git(git_repo, "status", "--porcelain")
    assert "?? scratch.txt" in git(git_repo, "status", "--porcelain")
    sessions = list((git_repo / ".git" / "pairtui" / "sessions").iterdir())
    state = json.loads((sessions[0] / "state.json").read_text())
    calls = state["extra"]["calls"]["1"]
    assert [c[1] for c in calls] == ["acp:fake Edit src/app.py"] and calls[0][2] == ["src/app.py"]
    assert "Edit src/app.py" in err
    assert events_of(log, "prompt")
    trailers = git(git_repo, "log", "-1", "--format=%(trailers)")
    assert "Pairtui-Executor: acp:fake" in trailers
    assert "Pairtui-Cost: $0.0125 reported by the agent (120 tokens in, 30 out)" in trailers
    code, out, err = run_cli(capsys, "-C", str(git_repo), "why", "src/app.py:5")
    assert code == 0, err
    assert "call      #1 acp:fake Edit src/app.py (first run" in out, out
    assert "executor acp:fake" in out


def test_a_missing_agent_is_one_line_naming_the_npm_package_before_any_checkpoint(git_repo, tmp_path,
                                                                                   capsys, monkeypatch):
    import shutil

    bin_dir = tmp_path / "only-git"
    bin_dir.mkdir()
    (bin_dir / "git").symlink_to(shutil.which("git"))
    monkeypatch.setenv("PATH", str(bin_dir))
    plan = tmp_path / "plan.md"
    plan.write_text(PLAN)
    code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan),
                           "--executor", "acp:claude", "--yes")
    assert code == 3
    assert err.strip().count("\n") == 0
    assert "npm install -g @zed-industries/claude-code-acp" in err
    assert git(git_repo, "for-each-ref", "refs/pairtui") == ""


@pytest.mark.parametrize(("name", "package"), [("codex", "@zed-industries/codex-acp"),
                                               ("gemini", "@google/gemini-cli")])
def test_each_builtin_names_its_package(tmp_path, name, package):
    from pairtui.config import Config

    with pytest.raises(ProviderError) as info:
        resolve_agent(name, Config(), {"PATH": str(tmp_path), "HOME": str(tmp_path)})
    assert f"npm install -g {package}" in info.value.message and info.value.exit_code == 3


def test_builtins_run_their_programs_and_get_only_their_own_keys(tmp_path):
    from pairtui.config import Config

    binaries = tmp_path / "bin"
    binaries.mkdir()
    for program in ("claude-code-acp", "gemini"):
        (binaries / program).write_text("#!/bin/sh\n")
        (binaries / program).chmod(0o755)
    environ = {"PATH": str(binaries), "HOME": str(tmp_path), "ANTHROPIC_API_KEY": "a",
               "OPENAI_API_KEY": "o", "GEMINI_API_KEY": "g", "AWS_SECRET_ACCESS_KEY": "s"}
    claude = resolve_agent("claude", Config(), environ)
    assert claude.argv == (str(binaries / "claude-code-acp"),)
    assert set(claude.env) == {"PATH", "HOME", "ANTHROPIC_API_KEY"}
    gemini = resolve_agent("gemini", Config(), environ)
    assert gemini.argv[1:] == ("--acp",) and set(gemini.env) == {"PATH", "HOME", "GEMINI_API_KEY"}
    assert "OPENAI_API_KEY" not in agent_environment("claude", Config(), environ)


def test_an_unknown_agent_name_is_a_usage_error_listing_the_known_ones():
    from pairtui.config import Config

    with pytest.raises(UsageError) as info:
        make_provider("acp:nope", Config())
    assert "claude, codex, gemini" in info.value.message and "[agents.nope]" in info.value.message


def test_agents_come_from_the_user_config_and_a_repo_config_may_not_declare_them(git_repo, tmp_path):
    _declare_fake(tmp_path, [])
    config = load_config(git_repo)
    assert config.agents["fake"].command[1] == str(FAKE_AGENT)
    assert config.agents["fake"].env == {"FAKE_MODEL": "m"}
    (git_repo / ".pairtui.toml").write_text('[agents.evil]\ncommand = ["sh", "-c", "curl x"]\n')
    with pytest.raises(ConfigError) as info:
        load_config(git_repo)
    assert "may not declare agent commands" in info.value.message


@pytest.mark.parametrize("table", ['command = "claude"', "command = []", 'command = ["a"]\nenv = {A = 1}',
                                   'command = ["a"]\nmodel = "x"'])
def test_a_bad_agent_declaration_is_a_config_error_naming_it(git_repo, table):
    path = _user_config(f"[agents.mine]\n{table}\n")
    with pytest.raises(ConfigError) as info:
        load_config(git_repo)
    assert str(path) in info.value.message and "agents: mine" in info.value.message


def test_a_killed_pairtui_leaves_no_agent_or_agent_child_behind(git_repo, tmp_path):
    import os
    import signal
    import subprocess
    import time

    from tests.support_acp import alive

    pidfile = tmp_path / "pids"
    _declare_fake(tmp_path, [[{"spawn_child": str(pidfile)}, {"hang": True}]])
    plan = tmp_path / "plan.md"
    plan.write_text(PLAN)
    run = subprocess.Popen([sys.executable, "-c", "import sys; from pairtui.cli import main; "
                            "sys.exit(main())", "-C", str(git_repo), "run", "--plan", str(plan),
                            "--executor", "acp:fake", "--yes"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ))
    try:
        for _ in range(300):
            if pidfile.exists() and pidfile.read_text().strip():
                break
            time.sleep(0.05)
        agent, child = map(int, pidfile.read_text().split())
        assert alive(agent) and alive(child)
        run.send_signal(signal.SIGTERM)
        assert run.wait(10) == -signal.SIGTERM
        for _ in range(40):
            if not alive(agent) and not alive(child):
                break
            time.sleep(0.05)
        assert not alive(agent) and not alive(child)
    finally:
        run.kill()
