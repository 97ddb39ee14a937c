"""pairtui's API keys never reach a check or command it starts, nor the model, the transcript
or an event through a tool result or a check's output."""

from __future__ import annotations

from pathlib import Path

import pytest

from pairtui.agent.events import ToolFinished
from pairtui.agent.tool_loop import UsageMeter, run_tool_loop
from pairtui.agent.tools import Toolbox, ToolOutcome
from pairtui.agent.verify import check_env, run_check
from pairtui.core.redact import REDACTED
from pairtui.models.base import Message, ToolCall
from tests.support_engine import RecordingProvider, text, tool, turn, write_transcript

ANTHROPIC_KEY = "anthropic-test-key-0123456789"
OPENAI_KEY = "openai-test-key-9876543210"
CONFIG_KEY = "config-file-key-5555555555"


@pytest.fixture(autouse=True)
def keys(monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", ANTHROPIC_KEY)
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    monkeypatch.setenv("PAIRTUI_SAFETY_PROBE", "kept")


def test_check_env_leaves_out_pairtuis_keys_and_keeps_the_rest():
    env = check_env(Path.cwd()).env
    assert "ANTHROPIC_API_KEY" not in env and "OPENAI_API_KEY" not in env
    assert env["PAIRTUI_SAFETY_PROBE"] == "kept"


async def test_a_check_cannot_read_the_keys(tmp_path: Path):
    result = await run_check("env", tmp_path, 30)
    assert result.passed
    assert "PAIRTUI_SAFETY_PROBE=kept" in result.output
    assert ANTHROPIC_KEY not in result.output and OPENAI_KEY not in result.output


async def test_check_output_and_streamed_lines_are_redacted(tmp_path: Path):
    (tmp_path / "leak.txt").write_text(f"{CONFIG_KEY}\n{ANTHROPIC_KEY}\n")
    lines: list[str] = []
    result = await run_check("cat leak.txt", tmp_path, 30, on_output=lines.append,
                             secrets=(CONFIG_KEY,))
    assert lines == [REDACTED, REDACTED]
    assert CONFIG_KEY not in result.output and ANTHROPIC_KEY not in result.output
    assert result.output.count(REDACTED) == 2


async def test_run_command_does_not_pass_the_keys_on(git_repo: Path):
    box = Toolbox(git_repo, allow_commands=True)
    outcome = await box.call(ToolCall("c1", "run_command",
                                      {"command": 'echo "[$ANTHROPIC_API_KEY][$OPENAI_API_KEY]"'}))
    assert "[][]" in outcome.content


async def test_tool_results_are_redacted_for_the_model_events_and_transcript(tmp_path: Path):
    provider = RecordingProvider(write_transcript(tmp_path / "t.jsonl", [
        turn(tool("read_file", path="settings.env")), turn(text("done")),
    ]))
    leak = f"KEY1={CONFIG_KEY}\nKEY2 {OPENAI_KEY}\nDB_PASSWORD=hunter22\n"

    async def run_tool(call: ToolCall) -> ToolOutcome:
        return ToolOutcome(leak)

    events: list = []
    records: list[dict] = []
    await run_tool_loop(provider, "sys", [Message(role="user", text="go")], (), run_tool,
                        events.append, UsageMeter(), 5, records.append, secrets=(CONFIG_KEY,))
    seen = provider.seen_text()
    finished = [e for e in events if isinstance(e, ToolFinished)]
    stored = [r["content"] for r in records if r["kind"] == "tool_result"]
    for where in (seen, finished[0].result, stored[0]):
        assert CONFIG_KEY not in where and OPENAI_KEY not in where and "hunter22" not in where
        assert f"KEY1={REDACTED}" in where and f"DB_PASSWORD={REDACTED}" in where


async def test_the_redaction_mark_is_never_written_over_a_secret(git_repo: Path):
    (git_repo / "settings.py").write_text('API_KEY = "abc123"\n')
    box = Toolbox(git_repo)
    write = await box.call(ToolCall("c1", "write_file", {
        "path": "settings.py", "content": f'API_KEY = "{REDACTED}"\nDEBUG = True\n'}))
    edit = await box.call(ToolCall("c2", "edit_file", {
        "path": "settings.py", "old_string": 'API_KEY = "abc123"', "new_string": f'API_KEY = "{REDACTED}"'}))
    assert write.is_error and edit.is_error and "edit around it" in write.content
    assert (git_repo / "settings.py").read_text() == 'API_KEY = "abc123"\n'


async def test_a_key_from_the_config_file_never_reaches_the_model_or_the_transcript(
        git_repo, tmp_path):
    from tests.support_engine import make_pairing, text, tool, turn
    from tests.test_agent_flow import PLAN

    key = "zq-config-only-key-0123456789abcdef"  # no known key shape: only the config names it
    (git_repo / "notes.txt").write_text(f"the key is {key}\n")
    executor = [turn(tool("read_file", path="notes.txt")), turn(text("Done."))]
    pairing, _, executor_model, _ = make_pairing(
        git_repo, tmp_path, [], executor, anthropic_api_key=key)
    pairing.set_plan_text(PLAN)
    pairing.approve_plan()
    await pairing.execute(1)
    assert "the key is" in executor_model.seen_text()
    assert key not in executor_model.seen_text()
    written = "".join(p.read_text(errors="replace")
                      for p in (git_repo / ".git" / "pairtui").rglob("*") if p.is_file())
    assert key not in written
