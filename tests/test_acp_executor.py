"""An ACP agent as the chunk executor, against the scripted fake agent (real SDK both sides,
real git): streaming, traced writes, confinement, permissions, cancel, crash, timeout, no orphans."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest

from pairtui.agent.events import ModelText, Notice, ToolFinished, ToolStarted, UsageUpdated
from pairtui.agent.flow import Pairing
from pairtui.agent.lazy_provider import LazyProvider
from pairtui.core.session import ChunkStatus, new_session
from pairtui.errors import ProviderError
from tests.conftest import git
from tests.support_acp import GREET, PLAN, alive, events_of, fake_config, still_running


def _pairing(repo: Path, config, events: list, ask=None) -> Pairing:
    session = new_session("Greet people by name", "replay:none", "acp:fake")
    pairing = Pairing(repo, config, session, LazyProvider(config.planner, config),
                      LazyProvider(config.executor, config), events.append, ask_permission=ask)
    pairing.set_plan_text(PLAN)
    pairing.approve_plan()
    return pairing


async def _execute(pairing: Pairing) -> None:
    try:
        await pairing.execute(1)
    finally:
        await pairing.aclose()


EDIT_TURN = [
    {"think": "Reading the file first."},
    {"plan": ["Add greet", "Summarise"]},
    {"tool": "c1", "title": "Read src/app.py", "kind": "read", "path": "src/app.py"},
    {"read": "src/app.py"},
    {"done": "c1", "status": "completed"},
    {"tool": "c2", "title": "Edit src/app.py", "kind": "edit", "path": "src/app.py"},
    {"permission": "c2", "title": "Edit src/app.py", "kind": "edit", "path": "src/app.py"},
    {"write": "src/app.py", "content": GREET},
    {"done": "c2", "status": "completed"},
    {"say": "Added greet."},
    {"usage_cost": 0.0125},
    {"tokens": [120, 30]},
]


async def test_a_chunk_runs_on_the_agent_and_each_hunk_names_its_tool_call(git_repo, tmp_path):
    config, log = fake_config(tmp_path, [EDIT_TURN])
    events: list = []
    pairing = _pairing(git_repo, config, events)
    await _execute(pairing)

    assert (git_repo / "src" / "app.py").read_text() == GREET
    assert pairing.session.chunk_state(1).status == ChunkStatus.EXECUTED
    init = events_of(log, "initialize")[0]
    assert init["read"] and init["write"]
    assert events_of(log, "new_session")[0]["cwd"] == str(git_repo.resolve())
    prompt = events_of(log, "prompt")[0]["text"]
    assert "Now do chunk 1: Add a greet function" in prompt and "# Goal: Greet" in prompt
    assert events_of(log, "read")[0]["content"] == "def hello():\n    return 'hi'\n"
    assert events_of(log, "permission")[0]["chosen"] == "once"

    text = "".join(e.text for e in events if isinstance(e, ModelText) and not e.thinking)
    assert "Added greet." in text and "- [ ] Add greet" in text
    assert any(e.thinking and "Reading" in e.text for e in events if isinstance(e, ModelText))
    assert [e.summary for e in events if isinstance(e, ToolStarted)] == ["Read src/app.py", "Edit src/app.py"]
    assert [e.is_error for e in events if isinstance(e, ToolFinished)] == [False, False]
    usage = [e for e in events if isinstance(e, UsageUpdated)][-1]
    assert (usage.tokens_in, usage.tokens_out, usage.cost_usd) == (120, 30, 0.0125)
    assert any("cost reported by the agent: $0.0125" in e.text for e in events if isinstance(e, Notice))

    patch = pairing.chunk_patch(1)
    file = patch.files[0]
    origin = pairing.hunk_origin(1, file.path, file.hunks[0])
    assert origin == "chunk 1 · acp:fake Edit src/app.py #1"


async def test_writes_outside_the_repo_into_git_through_symlinks_or_ignored_are_refused(git_repo, tmp_path):
    outside = tmp_path / "outside.txt"
    (git_repo / ".gitignore").write_text("secret.env\n")
    (git_repo / "secret.env").write_text("KEY=1\n")
    (git_repo / "link").symlink_to(tmp_path)
    git(git_repo, "add", ".gitignore", "link")
    git(git_repo, "commit", "-q", "-m", "ignore")
    bad = [str(outside), "../escape.txt", ".git/config", "link/outside.txt", "secret.env"]
    turn = [{"write": p, "content": "pwned\n"} for p in bad]
    turn += [{"read": "secret.env"}, {"read": str(outside)}, {"write": "src/new.py", "content": "x = 1\n"}]
    config, log = fake_config(tmp_path, [turn])
    before = (git_repo / ".git" / "config").read_text()
    events: list = []
    await _execute(_pairing(git_repo, config, events))

    writes = events_of(log, "write")
    assert [w["ok"] for w in writes] == [False] * len(bad) + [True]
    assert all("pairtui refused" in w["error"] for w in writes[:-1])
    assert not outside.exists() and not (tmp_path / "escape.txt").exists()
    assert (git_repo / ".git" / "config").read_text() == before
    assert (git_repo / "secret.env").read_text() == "KEY=1\n"
    assert [r["ok"] for r in events_of(log, "read")] == [False, False]
    assert (git_repo / "src" / "new.py").read_text() == "x = 1\n"


@pytest.mark.parametrize(("ask_answer", "allow_headless", "kind", "only_always", "chosen"), [
    (None, False, "execute", False, "no"),       # headless, commands not allowed
    (None, True, "execute", False, "once"),      # headless, allow_run_command_headless
    (True, False, "execute", False, "once"),     # the person said yes
    (False, False, "execute", False, "no"),      # the person said no
    (None, False, "edit", True, "cancelled"),    # only "always" on offer: never chosen for them
    (True, False, "execute", True, "cancelled"),
])
async def test_permission_requests_follow_pairtuis_policy(git_repo, tmp_path, ask_answer,
                                                          allow_headless, kind, only_always, chosen):
    step = {"permission": "p1", "title": "Run pytest", "kind": kind, "only_always": only_always}
    if kind == "edit":
        step["path"] = "src/app.py"
    config, log = fake_config(tmp_path, [[step]], allow_run_command_headless=allow_headless)
    asked: list[str] = []

    async def ask(what: str) -> bool:
        asked.append(what)
        return bool(ask_answer)

    await _execute(_pairing(git_repo, config, [], ask if ask_answer is not None else None))
    assert events_of(log, "permission")[0]["chosen"] == chosen
    if ask_answer is not None and not only_always:
        assert asked == ["acp:fake: Run pytest"]


async def test_an_edit_outside_the_repo_is_not_permitted(git_repo, tmp_path):
    step = {"permission": "p1", "title": "Edit ~/.bashrc", "kind": "edit", "path": str(tmp_path / "x")}
    config, log = fake_config(tmp_path, [[step]])
    await _execute(_pairing(git_repo, config, []))
    assert events_of(log, "permission")[0]["chosen"] == "no"


async def test_esc_cancels_the_turn_within_200_ms(git_repo, tmp_path):
    config, log = fake_config(tmp_path, [[{"say": "working"}, {"hang": True}]])
    events: list = []
    pairing = _pairing(git_repo, config, events)
    task = asyncio.create_task(pairing.execute(1))
    for _ in range(200):
        await asyncio.sleep(0.02)
        if any(isinstance(e, ModelText) for e in events):
            break
    started = time.monotonic()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert time.monotonic() - started < 0.2
    assert pairing.session.chunk_state(1).status == ChunkStatus.EXECUTING
    for _ in range(50):
        if events_of(log, "cancel"):
            break
        await asyncio.sleep(0.02)
    assert events_of(log, "cancel")
    await pairing.aclose()


async def test_a_crash_mid_turn_is_a_provider_error_and_keeps_the_edits(git_repo, tmp_path):
    turn = [{"tool": "c1", "title": "Edit src/app.py", "kind": "edit", "path": "src/app.py"},
            {"write": "src/app.py", "content": GREET}, {"crash": 7}]
    config, _ = fake_config(tmp_path, [turn])
    pairing = _pairing(git_repo, config, [])
    with pytest.raises(ProviderError) as info:
        await _execute(pairing)
    assert info.value.exit_code == 3
    assert "acp:fake" in info.value.message and "exit code 7" in info.value.message
    assert "\n" not in info.value.message
    assert (git_repo / "src" / "app.py").read_text() == GREET
    assert pairing.session.chunk_state(1).status == ChunkStatus.EXECUTING
    assert pairing.hunk_origin(1, "src/app.py").endswith("acp:fake Edit src/app.py #1")


async def test_a_turn_that_never_ends_times_out_and_the_agent_is_stopped(git_repo, tmp_path):
    pidfile = tmp_path / "pids"
    config, _ = fake_config(tmp_path, [[{"spawn_child": str(pidfile)}, {"hang": True}]],
                            agent_turn_timeout=1.0)
    pairing = _pairing(git_repo, config, [])
    with pytest.raises(ProviderError) as info:
        await _execute(pairing)
    assert "did not end within 1 s" in info.value.message
    agent, child = map(int, pidfile.read_text().split())
    assert still_running(agent, child) == []


async def test_closing_kills_the_agent_and_its_children(git_repo, tmp_path):
    pidfile = tmp_path / "pids"
    config, _ = fake_config(tmp_path, [[{"spawn_child": str(pidfile)}, {"say": "done"}]])
    pairing = _pairing(git_repo, config, [])
    await pairing.execute(1)
    agent, child = map(int, pidfile.read_text().split())
    assert alive(agent) and alive(child)
    await pairing.aclose()
    assert still_running(agent, child) == []


async def test_direct_disk_writes_are_credited_to_the_tool_call_whose_diff_named_them(git_repo, tmp_path):
    old = "def hello():\n    return 'hi'\n"
    turn = [{"tool": "x1", "title": "apply_patch src/app.py", "kind": "edit", "path": "src/app.py",
             "diff": [old, GREET]},
            {"disk": "src/app.py", "content": GREET},
            {"done": "x1", "status": "completed"},
            {"disk": "notes.txt", "content": "made by the turn\n"}]
    config, _ = fake_config(tmp_path, [turn])
    pairing = _pairing(git_repo, config, [])
    await _execute(pairing)
    assert pairing.hunk_origin(1, "src/app.py") == "chunk 1 · acp:fake apply_patch src/app.py #1"
    assert pairing.hunk_origin(1, "notes.txt") == "chunk 1 · acp:fake turn #2"


async def test_the_agent_gets_only_the_environment_it_needs(git_repo, tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-other-provider-secret")
    monkeypatch.setenv("PAIRTUI_UNRELATED_TOKEN", "t0k3n")
    monkeypatch.setenv("FAKE_AGENT_KEY", "passed")
    config, log = fake_config(tmp_path, [[{"say": "hi"}]], agent_env={"FAKE_MODEL": "m1"})
    from dataclasses import replace

    agents = {"fake": replace(config.agents["fake"], pass_env=("FAKE_AGENT_KEY",))}
    await _execute(_pairing(git_repo, replace(config, agents=agents), []))
    env = set(events_of(log, "initialize")[0]["env"])
    assert {"HOME", "PATH", "FAKE_MODEL", "FAKE_AGENT_KEY"} <= env
    assert "OPENAI_API_KEY" not in env and "PAIRTUI_UNRELATED_TOKEN" not in env


async def test_a_fix_round_continues_the_same_acp_session(git_repo, tmp_path):
    config, log = fake_config(tmp_path, [[{"write": "src/app.py", "content": "def broken(:\n"}],
                                         [{"write": "src/app.py", "content": GREET}]],
                              verify="python -c \"import ast; ast.parse(open('src/app.py').read())\"",
                              max_fix_rounds=1)
    pairing = _pairing(git_repo, config, [])
    try:
        await pairing.execute(1)
        assert await pairing.verify(1)
    finally:
        await pairing.aclose()
    prompts = events_of(log, "prompt")
    assert len(events_of(log, "new_session")) == 1 and len(prompts) == 2
    assert "The chunk's check failed" in prompts[1]["text"] and "Now do chunk" not in prompts[1]["text"]
    assert os.path.exists(git_repo / "src" / "app.py")


async def test_a_crashed_chunk_resumes_on_a_new_agent_and_the_partial_edits_are_kept(git_repo, tmp_path):
    crash = [{"write": "src/app.py", "content": "half done\n"}, {"crash": 1}]
    config, log = fake_config(tmp_path, [crash, [{"write": "src/app.py", "content": GREET}]])
    pairing = _pairing(git_repo, config, [])
    with pytest.raises(ProviderError):
        await pairing.execute(1)
    assert (git_repo / "src" / "app.py").read_text() == "half done\n"
    try:
        await pairing.execute(1)  # what `enter` or `pairtui run` again does
    finally:
        await pairing.aclose()
    assert (git_repo / "src" / "app.py").read_text() == GREET
    assert pairing.session.chunk_state(1).status == ChunkStatus.EXECUTED
    assert len(events_of(log, "initialize")) == 2
    assert "Now do chunk 1" in events_of(log, "prompt")[1]["text"]
    kept = git(git_repo, "for-each-ref", "--format=%(refname)", "refs/pairtui")
    assert any("half done" in git(git_repo, "show", f"{ref}:src/app.py") for ref in kept.split())


async def test_files_changed_in_review_are_named_in_the_next_prompt(git_repo, tmp_path):
    config, log = fake_config(tmp_path, [[{"write": "src/app.py", "content": GREET}],
                                         [{"say": "ok"}]])
    pairing = _pairing(git_repo, config, [])
    try:
        await pairing.execute(1)
        (git_repo / "src" / "app.py").write_text("def hello():\n    return 'hi'\n")
        patch_before = pairing.chunk_patch(1)
        assert not patch_before.files
        await pairing._executor.fix(pairing._brief(1), "check", "failed", 1, 1, 2)
    finally:
        await pairing.aclose()
    second = events_of(log, "prompt")[1]["text"]
    assert "changed these files in review" in second and "src/app.py" in second


async def test_a_missing_agent_stops_execute_before_the_first_checkpoint(git_repo, tmp_path):
    from pairtui.config import AgentConfig, Config

    config = Config(executor="acp:gone", planner="acp:gone",
                    agents={"gone": AgentConfig(("no-such-agent-binary-x",))})
    pairing = _pairing(git_repo, config, [])
    with pytest.raises(ProviderError) as info:
        await pairing.execute(1)
    assert "'no-such-agent-binary-x' was not found on PATH" in info.value.message
    assert git(git_repo, "for-each-ref", "refs/pairtui") == ""
    assert pairing.session.chunk_state(1).status == ChunkStatus.PENDING


async def test_secrets_in_files_are_masked_before_the_agent_reads_them_and_never_overwritten(
        git_repo, tmp_path, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-very-secret-value-123456")
    (git_repo / "settings.py").write_text("KEY = 'sk-ant-very-secret-value-123456'\n")
    turn = [{"read": "settings.py"},
            {"write": "settings.py", "content": "KEY = '[redacted]'\nDEBUG = True\n"}]
    config, log = fake_config(tmp_path, [turn])
    events: list = []
    await _execute(_pairing(git_repo, config, events))
    read = events_of(log, "read")[0]
    assert read["ok"] and "sk-ant-very-secret" not in read["content"]
    assert events_of(log, "write")[0]["ok"] is False
    assert (git_repo / "settings.py").read_text() == "KEY = 'sk-ant-very-secret-value-123456'\n"


async def test_an_agent_that_died_between_rounds_is_restarted_with_the_chunk_brief(git_repo, tmp_path):
    config, log = fake_config(tmp_path, [[{"say": "first"}], [{"say": "second"}]])
    pairing = _pairing(git_repo, config, [])
    try:
        await pairing.execute(1)
        await pairing._executor._conn._process.close()  # the agent went away between rounds
        await pairing._executor.fix(pairing._brief(1), "check", "it failed", 1, 1, 1)
    finally:
        await pairing.aclose()
    prompts = events_of(log, "prompt")
    assert len(events_of(log, "initialize")) == 2
    assert "Now do chunk 1" in prompts[1]["text"] and "it failed" in prompts[1]["text"]


@pytest.mark.parametrize("has_key", [True, False])
async def test_an_agent_needing_a_login_gets_one_only_with_a_key_it_was_given(git_repo, tmp_path, has_key):
    env = {"FAKE_NEEDS_KEY": "1", **({"FAKE_KEY": "k-123"} if has_key else {})}
    config, log = fake_config(tmp_path, [[{"say": "in"}]], agent_env=env)
    pairing = _pairing(git_repo, config, [])
    if has_key:
        await _execute(pairing)
        assert events_of(log, "authenticate") == [{"event": "authenticate", "method": "key"}]
        assert events_of(log, "prompt")
    else:
        with pytest.raises(ProviderError) as info:
            await _execute(pairing)
        assert "needs a login (Use FAKE_KEY)" in info.value.message
        assert not events_of(log, "authenticate")


async def test_a_hunk_written_by_the_agent_tells_its_story_like_a_built_in_call(git_repo, tmp_path):
    config, _ = fake_config(tmp_path, [EDIT_TURN])
    pairing = _pairing(git_repo, config, [])
    await _execute(pairing)
    file = pairing.chunk_patch(1).files[0]
    story = pairing.trace_hunk(1, file.path, file.hunks[0])
    assert "call #1 acp:fake Edit src/app.py (first run, turn 1, " in story
    assert 'the model said: "Added greet."' in story


JUNK_RUN = """
import asyncio, subprocess, sys
from pathlib import Path
from tests.support_acp import fake_agent
from pairtui.agent.executors.acp_executor import AcpExecutor
from pairtui.agent.executor import ChunkBrief
from pairtui.agent.tool_loop import UsageMeter
from pairtui.config import Config
from pairtui.core.plan import parse_plan
from pairtui.models.registry import make_provider

PLAN = "# Goal: g\\n\\n## Chunk 1: A\\nFiles: a.py\\n\\nDo.\\n"
tmp, repo = Path(sys.argv[1]), Path(sys.argv[2])
agent, _ = fake_agent(tmp, [[{"say": "hi"}]], {"FAKE_STDOUT_JUNK": "1"})
config = Config(agents={"fake": agent})


async def main():
    ex = AcpExecutor(make_provider("acp:fake", config), repo, lambda e: None, UsageMeter())
    await ex.run_chunk(ChunkBrief(PLAN, parse_plan(PLAN).chunks[0]))
    await ex.aclose()
    print("done")


asyncio.run(main())
"""


def test_a_line_of_junk_from_the_agent_is_skipped_without_a_traceback_on_screen(git_repo, tmp_path):
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", JUNK_RUN, str(tmp_path), str(git_repo)],
                          capture_output=True, text=True, cwd=root, timeout=60)
    assert done.stdout.strip() == "done", done.stderr
    assert "Traceback" not in done.stderr and "JSON-RPC" not in done.stderr


async def test_reported_cost_adds_up_over_chunks_each_in_its_own_acp_session(git_repo, tmp_path):
    config, log = fake_config(tmp_path, [[{"usage_cost": 0.01}], [{"usage_cost": 0.01}],
                                         [{"usage_cost": 0.03}]])
    events: list = []
    pairing = _pairing(git_repo, config, events)
    executor = pairing._executor
    try:
        await executor.run_chunk(pairing._brief(1))  # session 1: $0.01
        await executor.run_chunk(pairing._brief(1))  # a new session: its own $0.01
        await executor.fix(pairing._brief(1), "check", "failed", 1, 1, 1)  # session 2 now at $0.03
    finally:
        await pairing.aclose()
    assert len(events_of(log, "new_session")) == 2
    assert [e for e in events if isinstance(e, UsageUpdated)][-1].cost_usd == 0.04
