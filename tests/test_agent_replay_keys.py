"""Keyed replay transcripts answer each request by what it asks (plan, revise, chunk N, fix
round of N, comment on N), so a person who asks for more does not shift the script; a request
the script has no turn for is refused in one line before anything changes."""

from __future__ import annotations

import pytest

from pairtui.agent.events import Notice
from pairtui.agent.flow import Pairing
from pairtui.config import Config
from pairtui.core.session import ChunkStatus
from pairtui.models.replay import ReplayUnscriptedError
from tests.conftest import git
from tests.support_engine import (
    make_pairing,
    of_kind,
    text,
    tool,
    turn,
    write_chunk,
    write_transcript,
)
from tests.test_agent_flow import GREET, PLAN

REVISED = PLAN.replace("Write NOTES.md.", "Write NOTES.md, one line per greeting.")
BROKEN_GREET = [turn(tool("edit_file", path="src/app.py", old_string="    return 'hi'\n",
                          new_string="    return 'hi'\n\n\ndef greet(name):\n    return name\n")),
                turn(text("Added greet."))]
FIX_GREET = [turn(tool("edit_file", path="src/app.py", old_string="    return name\n",
                       new_string="    return f'hello {name}'\n")), turn(text("Fixed."))]
DOCSTRING = [turn(tool("edit_file", path="src/app.py", old_string="def greet(name):\n",
                       new_string='def greet(name):\n    """Hello, by name."""\n')),
             turn(text("Added a docstring."))]


def key(kind: str, **narrowed) -> dict:
    return {"for": kind, **narrowed}


def refs(repo) -> str:
    return git(repo, "for-each-ref", "refs/pairtui")


async def test_revision_and_comment_play_their_own_turns_and_chunk_2_plays_its_own(
        git_repo, tmp_path):
    planner = [key("plan"), turn(text(PLAN)), key("revise", match="greeting"),
               turn(text("Revised.\n\n" + REVISED))]
    executor = [key("chunk", chunk=2), *write_chunk("NOTES.md", "hello A\n"),  # first in the file
                key("chunk", chunk=1), *GREET,
                key("comment", chunk=1, path="src/app.py"), *DOCSTRING]
    pairing, _, _, _ = make_pairing(git_repo, tmp_path, planner, executor)
    await pairing.make_plan()
    revised = await pairing.revise_plan("Say what a Greeting looks like in the notes")
    assert revised.chunk(2).body.strip() == "Write NOTES.md, one line per greeting."
    pairing.approve_plan()
    assert [await pairing.next_step() for _ in range(3)] == ["executed", "verified", "review"]
    await pairing.send_back(1, (0, 0), "say what it does")
    assert '"""Hello, by name."""' in (git_repo / "src" / "app.py").read_text()
    assert [await pairing.next_step() for _ in range(3)] == ["verified", "review", "landed"]
    assert await pairing.next_step() == "executed"
    assert (git_repo / "NOTES.md").read_text() == "hello A\n", "chunk 2 ran chunk 2's script"


async def test_a_request_without_a_turn_is_one_line_and_changes_nothing(git_repo, tmp_path):
    planner = [key("plan"), turn(text(PLAN))]
    executor = [key("chunk", chunk=1), *GREET, key("chunk", chunk=2),
                *write_chunk("NOTES.md", "notes\n")]
    pairing, _, _, _ = make_pairing(git_repo, tmp_path, planner, executor)
    await pairing.make_plan()
    with pytest.raises(ReplayUnscriptedError) as revise:
        await pairing.revise_plan("shorter")
    assert revise.value.message == ("the scripted model (planner.jsonl) has no turn for a "
                                    "revision of the plan; nothing was changed")
    assert len(pairing.session.plan_versions) == 1
    pairing.approve_plan()
    assert [await pairing.next_step() for _ in range(3)] == ["executed", "verified", "review"]
    before = (pairing.session, refs(git_repo), (git_repo / "src" / "app.py").read_bytes())
    with pytest.raises(ReplayUnscriptedError) as comment:
        await pairing.send_back(1, (0, 0), "add an exclamation mark")
    assert "\n" not in comment.value.message
    assert "no turn for a comment on chunk 1 (src/app.py)" in comment.value.message
    after = (pairing.session, refs(git_repo), (git_repo / "src" / "app.py").read_bytes())
    assert after == before, "no checkpoint, no state change, the tree as it was"
    assert await pairing.next_step() == "landed"
    assert await pairing.next_step() == "executed"
    assert (git_repo / "NOTES.md").read_text() == "notes\n", "chunk 2's place was kept"


async def test_a_failed_check_without_a_scripted_fix_goes_back_to_the_person(git_repo, tmp_path):
    executor = [key("chunk", chunk=1), *BROKEN_GREET]
    pairing, _, _, events = make_pairing(git_repo, tmp_path, [], executor)
    pairing.set_plan_text(PLAN)
    pairing.approve_plan()
    await pairing.execute(1)
    checkpoints = refs(git_repo)
    assert await pairing.verify(1) is False
    state = pairing.session.chunk_state(1)
    assert state.status == ChunkStatus.FAILED
    assert state.note.startswith("check still fails after 0 fix rounds")
    assert [n.text for n in of_kind(events, Notice) if "fix round" in n.text] == [
        "the scripted model (executor.jsonl) has no turn for a fix round of chunk 1; "
        "nothing was changed"]
    assert "executed" not in refs(git_repo).replace(checkpoints, ""), "no fix round ran"


async def test_a_scripted_fix_round_plays_its_own_turns(git_repo, tmp_path):
    executor = [key("fix", chunk=1), *FIX_GREET, key("chunk", chunk=1), *BROKEN_GREET]
    pairing, _, _, _ = make_pairing(git_repo, tmp_path, [], executor)
    pairing.set_plan_text(PLAN)
    pairing.approve_plan()
    await pairing.execute(1)
    assert "return name" in (git_repo / "src" / "app.py").read_text(), "chunk 1's turns first"
    assert await pairing.verify(1) is True
    assert "hello {name}" in (git_repo / "src" / "app.py").read_text()


async def test_a_reopened_session_replays_each_request_from_its_own_place(git_repo, tmp_path):
    planner = write_transcript(tmp_path / "p.jsonl", [
        key("plan"), turn(text(PLAN)), key("revise"), turn(text(REVISED))])
    executor = write_transcript(tmp_path / "e.jsonl", [
        key("comment", chunk=1), *DOCSTRING, key("chunk", chunk=1), *GREET,
        key("chunk", chunk=2), *write_chunk("NOTES.md", "notes\n")])
    config = Config(planner=f"replay:{planner}", executor=f"replay:{executor}")
    first = Pairing.open(git_repo, config, lambda e: None, goal="Greet people by name")
    await first.make_plan()
    await first.revise_plan("more detail")
    first.approve_plan()
    assert [await first.next_step() for _ in range(3)] == ["executed", "verified", "review"]
    await first.send_back(1, (0, 0), "louder")

    again = Pairing.open(git_repo, config, lambda e: None)  # a new process: fresh providers
    assert [await again.next_step() for _ in range(4)] == ["verified", "review", "landed",
                                                           "executed"]
    assert (git_repo / "NOTES.md").read_text() == "notes\n"
    assert '"""Hello, by name."""' in (git_repo / "src" / "app.py").read_text()
    with pytest.raises(ReplayUnscriptedError):  # the one comment turn stays played
        await again.send_back(2, (0, 0), "again")
