"""The executor loop: what it is told, tool calls traced per hunk, its limits, usage and cost."""

from __future__ import annotations

import json

import pytest

from pairtui.agent.events import ToolFinished, ToolStarted, UsageUpdated
from pairtui.agent.tool_loop import LoopStoppedError
from pairtui.core.session import ChunkStatus
from tests.conftest import git
from tests.support_engine import edit_chunk, make_pairing, of_kind, text, tool, turn, write_chunk

PLAN = """\
# Goal: Greet people by name

## Chunk 1: Add a greet function
Files: src/app.py, src/names.py

Add greet(name) and a names module.

## Chunk 2: Add a farewell
Files: src/app.py

Add bye(name).
"""


async def _start(pairing):
    pairing.set_plan_text(PLAN)
    pairing.approve_plan()


async def test_executor_is_told_plan_chunk_and_context_and_its_edits_are_traced(git_repo, tmp_path):
    (git_repo / "AGENTS.md").write_text("Root rule: use tabs.\n")
    (git_repo / "src" / "AGENTS.md").write_text("Src rule: use four spaces.\n")
    executor = [
        turn(tool("read_file", path="src/app.py")),
        turn(tool("edit_file", path="src/app.py", old_string="'hi'", new_string="'hi there'"),
             tool("write_file", path="src/names.py", content="NAMES = ['Ann']\n")),
        turn(text("Done.")),
    ]
    pairing, _, model, events = make_pairing(git_repo, tmp_path, [], executor)
    await _start(pairing)
    await pairing.execute(1)
    told, prefix = model.requests[0].messages[0].text, model.requests[0].cache_prefix
    assert told.startswith("Now do chunk 1: Add a greet function")
    assert "## Chunk 2: Add a farewell" in prefix  # the plan, in the cached prefix
    assert prefix.index("Root rule") < prefix.index("Src rule")  # nearest instructions come last
    assert all(r.cache_prefix == prefix for r in model.requests)
    offered = {t.name for t in model.requests[0].tools}
    assert offered >= {"edit_file", "write_file", "move_path", "delete_path"}
    assert "run_command" not in offered  # headless, and the config does not allow commands
    assert pairing.session.chunk_state(1).status == ChunkStatus.EXECUTED
    assert pairing.hunk_origin(1, "src/app.py") == "chunk 1 · edit_file #2"
    assert pairing.hunk_origin(1, "src/names.py") == "chunk 1 · write_file #3"
    assert pairing.hunk_origin(1, "README.md") == "chunk 1 · not traced to a tool call"
    patch = pairing.chunk_patch(1)
    assert sorted(f.path for f in patch.files) == ["src/app.py", "src/names.py"]
    assert [e.summary for e in of_kind(events, ToolStarted)][:2] == ["read_file src/app.py", "edit_file src/app.py"]


async def test_later_chunk_sees_the_diff_of_landed_chunks(git_repo, tmp_path):
    executor = [*write_chunk("src/names.py", "NAMES = ['Ann']\n"),
                *edit_chunk("src/app.py", "'hi'", "'bye'")]
    pairing, _, model, _ = make_pairing(git_repo, tmp_path, [], executor)
    await _start(pairing)
    await pairing.execute(1)
    assert await pairing.verify(1)
    pairing.land(1)
    await pairing.execute(2)
    told = model.requests[2].cache_prefix
    assert "Changes already made by earlier chunks" in told and "+NAMES = ['Ann']" in told


async def test_same_failing_call_three_times_stops_with_a_clear_message(git_repo, tmp_path):
    bad = tool("edit_file", path="src/app.py", old_string="nope", new_string="x")
    pairing, _, _, events = make_pairing(git_repo, tmp_path, [], [turn(bad), turn(bad), turn(bad), turn(text("?"))])
    await _start(pairing)
    with pytest.raises(LoopStoppedError, match="same failing call 3 times"):
        await pairing.execute(1)
    state = pairing.session.chunk_state(1)
    assert state.status == ChunkStatus.FAILED and "edit_file src/app.py" in state.note
    assert all(e.is_error for e in of_kind(events, ToolFinished))


async def test_turn_limit_stops_the_loop(git_repo, tmp_path):
    looking = [turn(tool("list_files", glob=f"*{i}")) for i in range(5)]
    pairing, _, _, _ = make_pairing(git_repo, tmp_path, [], looking, max_turns=3)
    await _start(pairing)
    with pytest.raises(LoopStoppedError, match="after 3 turns"):
        await pairing.execute(1)


async def test_fix_round_gets_the_failing_output_and_passes(git_repo, tmp_path):
    plan = PLAN.replace("Files: src/app.py, src/names.py\n",
                        "Files: src/names.py\nVerify: python -c \"import sys; sys.path.insert(0, 'src'); "
                        "import names; assert names.NAMES == ['Ann'], 'NAMES_WRONG'\"\n")
    executor = [*write_chunk("src/names.py", "NAMES = ['Bob']\n"),
                turn(tool("edit_file", path="src/names.py", old_string="Bob", new_string="Ann")),
                turn(text("Fixed."))]
    pairing, _, model, events = make_pairing(git_repo, tmp_path, [], executor)
    pairing.set_plan_text(plan)
    pairing.approve_plan()
    await pairing.execute(1)
    assert await pairing.verify(1)
    fix_request = model.requests[2].messages[-1].text
    assert "fix round 1 of 2" in fix_request and "NAMES_WRONG" in fix_request
    state = pairing.session.chunk_state(1)
    assert state.status == ChunkStatus.VERIFIED and state.fix_rounds == 1
    assert pairing.hunk_origin(1, "src/names.py") == "chunk 1 · write_file #1, edit_file #2"
    assert [s for s, _ in state.checkpoints] == ["start", "executed", "executed", "verified"]


async def test_usage_and_cost_are_accumulated_into_the_session(git_repo, tmp_path):
    usage = {"input_tokens": 1000, "output_tokens": 200}
    executor = [turn(tool("list_files"), usage=usage), turn(text("Done."), usage=usage)]
    pairing, _, _, events = make_pairing(git_repo, tmp_path, [], executor,
                                         prices={"executor.jsonl": (3.0, 15.0)})
    await _start(pairing)
    await pairing.execute(1)
    last = of_kind(events, UsageUpdated)[-1]
    assert (last.tokens_in, last.tokens_out) == (2000, 400)
    assert last.cost_usd == pytest.approx((2000 * 3.0 + 400 * 15.0) / 1e6)
    saved = json.loads((git_repo / ".git" / "pairtui" / "sessions" / pairing.session.id / "state.json").read_text())
    assert saved["tokens_in"] == 2000 and saved["cost_usd"] == pytest.approx(last.cost_usd)


async def test_transcript_records_model_turns_without_secrets(git_repo, tmp_path, monkeypatch):
    secret = "sk-ant-api03-" + "Q" * 40
    monkeypatch.setenv("ANTHROPIC_API_KEY", secret)
    executor = [turn(text(f"my key is {secret}"), tool("list_files")), turn(text("Done."))]
    pairing, _, _, _ = make_pairing(git_repo, tmp_path, [], executor)
    await _start(pairing)
    await pairing.execute(1)
    transcript = (git_repo / ".git" / "pairtui" / "sessions" / pairing.session.id / "transcript.jsonl").read_text()
    kinds = [json.loads(line)["kind"] for line in transcript.splitlines()]
    assert "assistant" in kinds and "tool_result" in kinds and "checkpoint" in kinds
    assert secret not in transcript
    everything = git(git_repo, "grep", "-r", "--no-index", "-l", secret, ".git", check=False)
    assert everything == ""


class _CutProvider:
    """Answers in two parts, the first stopped at the output limit (as real providers report it)."""

    name, model = "fake", "fake-model"

    def __init__(self, parts: list[str]) -> None:
        self.parts = parts
        self.requests: list = []

    async def stream(self, request):
        from pairtui.models.base import Stop, TextDelta, Usage

        self.requests.append(request)
        part = self.parts[len(self.requests) - 1]
        yield TextDelta(part)
        yield Usage(10, 10)
        yield Stop("max_tokens" if len(self.requests) < len(self.parts) else "end_turn")


async def test_reply_cut_at_the_output_limit_is_continued_and_joined():
    from pairtui.agent.tool_loop import UsageMeter, run_tool_loop
    from pairtui.models.base import Message

    provider = _CutProvider(["# Goal: x\n\n## Chunk 1: A", " title\n\nBody.\n"])
    messages = [Message(role="user", text="plan it")]
    result = await run_tool_loop(provider, "sys", messages, (), None, lambda e: None, UsageMeter(), 5)
    assert result.text == "# Goal: x\n\n## Chunk 1: A title\n\nBody.\n"
    assert "cut off at the output limit" in provider.requests[1].messages[-1].text


async def test_a_stopped_turn_still_answers_every_call(git_repo, tmp_path):
    bad = tool("edit_file", path="src/app.py", old_string="nope", new_string="x")
    pairing, _, _, _ = make_pairing(git_repo, tmp_path, [], [turn(bad, bad, bad, tool("list_files"))])
    await _start(pairing)
    with pytest.raises(LoopStoppedError):
        await pairing.execute(1)
    last = pairing._executor.conversations[1][-1]
    assert [r.content for r in last.tool_results][-1] == "not run: the loop was stopped"
    assert len(last.tool_results) == 4


async def test_each_hunk_is_traced_to_the_call_that_wrote_it(git_repo, tmp_path):
    (git_repo / "src" / "app.py").write_text("".join(f"line {i}\n" for i in range(1, 31)))
    git(git_repo, "commit", "-qam", "thirty lines")
    executor = [
        turn(tool("edit_file", path="src/app.py", old_string="line 2\n", new_string="line two\n")),
        turn(tool("edit_file", path="src/app.py", old_string="line 28\n", new_string="")),
        turn(tool("edit_file", path="src/app.py", old_string="line 15\n", new_string="line fifteen\n")),
        turn(text("Done.")),
    ]
    pairing, _, _, _ = make_pairing(git_repo, tmp_path, [], executor)
    await _start(pairing)
    await pairing.execute(1)
    patch = pairing.chunk_patch(1)
    hunks = patch.files[0].hunks
    assert len(hunks) == 3
    assert [pairing.hunk_origin(1, "src/app.py", h) for h in hunks] == [
        "chunk 1 · edit_file #1", "chunk 1 · edit_file #3", "chunk 1 · edit_file #2"]
    assert pairing.hunk_origin(1, "src/app.py") == "chunk 1 · edit_file #1, edit_file #2, edit_file #3"
