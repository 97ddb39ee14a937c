"""An ACP agent as the planner: read-only, in its plan mode, its reply parsed as pairtui's plan."""

from __future__ import annotations

import json
import sys

from pairtui.agent.events import ModelText, ToolStarted
from pairtui.agent.flow import Pairing
from pairtui.agent.lazy_provider import LazyProvider
from pairtui.core.session import new_session
from tests.conftest import git
from tests.support_acp import FAKE_AGENT, PLAN, events_of, fake_config
from tests.support_engine import run_cli


def _planning(repo, config, events) -> Pairing:
    session = new_session("Greet people by name", "acp:fake", "acp:fake")
    return Pairing(repo, config, session, LazyProvider("acp:fake", config),
                   LazyProvider("acp:fake", config), events.append)


async def test_the_agent_plans_read_only_and_its_reply_is_the_plan(git_repo, tmp_path):
    turn = [{"tool": "r1", "title": "Read src/app.py", "kind": "read", "path": "src/app.py"},
            {"read": "src/app.py"}, {"done": "r1", "status": "completed"},
            {"write": "src/app.py", "content": "planner edits are refused\n"},
            {"permission": "e1", "title": "Edit src/app.py", "kind": "edit", "path": "src/app.py"},
            {"plan": ["look around"]},
            {"say": "Here is the plan.\n\n"}, {"say": PLAN[:40]}, {"say": PLAN[40:]}]
    config, log = fake_config(tmp_path, [turn])
    events: list = []
    pairing = _planning(git_repo, config, events)
    try:
        plan = await pairing.make_plan()
    finally:
        await pairing.aclose()
    assert [c.title for c in plan.chunks] == ["Add a greet function"]
    assert events_of(log, "set_mode")[0]["mode"] == "plan"
    assert events_of(log, "read")[0]["ok"] is True
    assert events_of(log, "write")[0]["ok"] is False
    assert events_of(log, "permission")[0]["chosen"] == "no"
    assert git(git_repo, "status", "--porcelain") == ""
    assert [e.summary for e in events if isinstance(e, ToolStarted)][0] == "Read src/app.py"
    shown = "".join(e.text for e in events if isinstance(e, ModelText))
    assert "Here is the plan." in shown and "the agent's plan" not in shown
    assert "Goal: Greet people by name" in events_of(log, "prompt")[0]["text"]


async def test_a_reply_that_is_not_a_plan_is_retried_once_in_the_same_session(git_repo, tmp_path):
    config, log = fake_config(tmp_path, [[{"say": "I think you should refactor."}], [{"say": PLAN}]])
    pairing = _planning(git_repo, config, [])
    try:
        plan = await pairing.make_plan()
    finally:
        await pairing.aclose()
    assert len(plan.chunks) == 1
    prompts = events_of(log, "prompt")
    assert len(prompts) == 2 and len(events_of(log, "new_session")) == 1
    assert "could not be read as a plan" in prompts[1]["text"]
    assert "Goal:" not in prompts[1]["text"].split("could not")[0]


def test_pairtui_plan_with_an_acp_planner(git_repo, tmp_path, capsys):
    import os
    from pathlib import Path

    script = tmp_path / "script.json"
    script.write_text(json.dumps([[{"say": PLAN}]]))
    argv = [sys.executable, str(FAKE_AGENT), str(script), str(tmp_path / "log.jsonl")]
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "pairtui" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f"[agents.fake]\ncommand = {json.dumps(argv)}\n")
    code, out, err = run_cli(capsys, "-C", str(git_repo), "plan", "--goal", "Greet people",
                             "--planner", "acp:fake")
    assert code == 0, err
    assert "## Chunk 1: Add a greet function" in Path(out.strip()).read_text()
