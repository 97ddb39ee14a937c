"""Pairing: stepping, review actions, rollback (landed or not), resume after an interruption."""

from __future__ import annotations

import pytest

from pairtui.agent.events import ChunkLanded, ChunkRolledBack, Notice
from pairtui.agent.flow import Pairing
from pairtui.config import Config
from pairtui.core.session import ChunkStatus, Phase
from pairtui.errors import PatchError, ProviderError
from tests.conftest import git
from tests.support_engine import (
    edit_chunk,
    error,
    make_pairing,
    of_kind,
    text,
    tool,
    turn,
    write_chunk,
    write_transcript,
)

PLAN = """\
# Goal: Greet people by name

## Chunk 1: Add a greet function
Files: src/app.py
Verify: python -c "import sys; sys.path.insert(0, 'src'); import app; assert app.greet('A') == 'hello A'"

Add greet(name).

## Chunk 2: Add notes
Files: NOTES.md

Write NOTES.md.
"""

GREET = edit_chunk("src/app.py", "    return 'hi'\n",
                   "    return 'hi'\n\n\ndef greet(name):\n    return f'hello {name}'\n")


def _subjects(repo):
    return git(repo, "log", "--format=%s").splitlines()


async def test_enter_walks_plan_approve_execute_verify_review_land_to_done(git_repo, tmp_path):
    planner = [turn(text(PLAN))]
    executor = [*GREET, *write_chunk("NOTES.md", "notes\n")]
    pairing, _, _, events = make_pairing(git_repo, tmp_path, planner, executor)
    steps = [await pairing.next_step() for _ in range(11)]
    assert steps == ["planned", "approved", "executed", "verified", "review", "landed",
                     "executed", "verified", "review", "landed", "done"]
    assert _subjects(git_repo) == ["Add notes", "Add a greet function", "initial"]
    assert pairing.session.phase == Phase.DONE
    assert [e.chunk for e in of_kind(events, ChunkLanded)] == [1, 2]
    assert "unverified" in pairing.session.chunk_state(2).note  # it had no check: still says so


async def test_every_step_is_persisted_and_an_interrupted_chunk_restarts_clean(git_repo, tmp_path):
    executor = [turn(tool("write_file", path="src/half.py", content="half\n")), error("overloaded")]
    pairing, _, _, _ = make_pairing(git_repo, tmp_path, [], executor)
    pairing.set_plan_text(PLAN)
    pairing.approve_plan()
    with pytest.raises(ProviderError):
        await pairing.execute(1)
    assert (git_repo / "src" / "half.py").exists()
    # a new process opens the session: it is resumed, the person is told, nothing changes yet
    write_transcript(tmp_path / "again.jsonl", GREET)
    config = Config(planner=f"replay:{tmp_path / 'again.jsonl'}", executor=f"replay:{tmp_path / 'again.jsonl'}")
    events: list = []
    resumed = Pairing.open(git_repo, config, events.append)
    assert resumed.session.id == pairing.session.id
    assert resumed.session.chunk_state(1).status == ChunkStatus.EXECUTING
    assert any("interrupted while executing" in n.text for n in of_kind(events, Notice))
    assert (git_repo / "src" / "half.py").exists()
    assert await resumed.next_step() == "executed"
    assert not (git_repo / "src" / "half.py").exists()  # restarted from its start checkpoint
    assert "def greet" in (git_repo / "src" / "app.py").read_text()


async def test_reject_hunk_keeps_the_others_and_asks_for_a_new_check(git_repo, tmp_path):
    executor = [
        turn(tool("edit_file", path="src/app.py", old_string="'hi'", new_string="'hello'"),
             tool("edit_file", path="README.md", old_string="# demo", new_string="# greeter")),
        turn(text("Done.")),
    ]
    plan = PLAN.replace("Verify: python", "Verify: true && python").replace(
        "assert app.greet('A') == 'hello A'", "pass")
    pairing, _, _, _ = make_pairing(git_repo, tmp_path, [], executor)
    pairing.set_plan_text(plan)
    pairing.approve_plan()
    await pairing.execute(1)
    assert await pairing.next_step() == "verified"
    assert await pairing.next_step() == "review"
    refs = pairing.chunk_patch(1).hunk_refs()
    readme = next(r for r in refs if pairing.chunk_patch(1).files[r[0]].path == "README.md")
    pairing.reject_hunks(1, [readme])
    assert (git_repo / "README.md").read_text() == "# demo\n"
    assert "'hello'" in (git_repo / "src" / "app.py").read_text()
    assert pairing.needs_check(1)
    assert await pairing.next_step() == "landed"  # changed in review: checked again, then landed
    assert not pairing.needs_check(1)
    assert git(git_repo, "show", "--stat", "--format=", "HEAD").count("|") == 1


async def test_send_back_gives_the_executor_the_hunk_and_the_comment(git_repo, tmp_path):
    executor = [*GREET, turn(tool("edit_file", path="src/app.py", old_string="f'hello {name}'",
                                  new_string="f'hello {name}!'")), turn(text("Added the mark."))]
    pairing, _, model, _ = make_pairing(git_repo, tmp_path, [], executor)
    pairing.set_plan_text(PLAN)
    pairing.approve_plan()
    await pairing.execute(1)
    await pairing.send_back(1, (0, 0), "add an exclamation mark")
    asked = model.requests[-2].messages[-1].text
    assert "add an exclamation mark" in asked and "+def greet(name):" in asked
    assert pairing.session.chunk_state(1).status == ChunkStatus.EXECUTED
    assert "hello {name}!" in (git_repo / "src" / "app.py").read_text()
    assert pairing.hunk_origin(1, "src/app.py") == "chunk 1 · edit_file #2, edit_file #3"


async def test_rollback_of_unlanded_chunk_restores_start_and_keeps_user_edits(git_repo, tmp_path):
    (git_repo / "README.md").write_text("# demo\nmine\n")
    pairing, _, _, events = make_pairing(git_repo, tmp_path, [], GREET)
    pairing.set_plan_text(PLAN)
    pairing.approve_plan()
    await pairing.execute(1)
    start = pairing.rollback(1)
    assert start.step == "start"
    assert (git_repo / "src" / "app.py").read_text() == "def hello():\n    return 'hi'\n"
    assert (git_repo / "README.md").read_text() == "# demo\nmine\n"
    assert pairing.session.chunk_state(1).status == ChunkStatus.ROLLED_BACK
    assert of_kind(events, ChunkRolledBack)[0].chunk == 1


async def test_rollback_of_landed_chunk_adds_a_revert_commit(git_repo, tmp_path):
    pairing, _, _, _ = make_pairing(git_repo, tmp_path, [], [*GREET, *write_chunk("NOTES.md", "n\n")])
    pairing.set_plan_text(PLAN)
    pairing.approve_plan()
    for _ in range(4):
        await pairing.next_step()
    (git_repo / "README.md").write_text("# demo\nmine\n")
    pairing.rollback(1)
    assert _subjects(git_repo) == ['Revert "Add a greet function"', "Add a greet function", "initial"]
    assert git(git_repo, "show", "HEAD:src/app.py") == "def hello():\n    return 'hi'\n"
    assert (git_repo / "README.md").read_text() == "# demo\nmine\n"
    assert " M README.md" in git(git_repo, "status", "--porcelain")
    assert pairing.session.chunk_state(1).status == ChunkStatus.ROLLED_BACK


async def test_rollback_of_landed_chunk_refuses_when_later_edits_overlap(git_repo, tmp_path):
    pairing, _, _, _ = make_pairing(git_repo, tmp_path, [], GREET)
    pairing.set_plan_text(PLAN)
    pairing.approve_plan()
    for _ in range(4):
        await pairing.next_step()
    head = git(git_repo, "rev-parse", "HEAD")
    (git_repo / "src" / "app.py").write_text("rewritten by hand\n")
    with pytest.raises(PatchError):
        pairing.rollback(1)
    assert (git_repo / "src" / "app.py").read_text() == "rewritten by hand\n"
    assert git(git_repo, "rev-parse", "HEAD") == head
    assert pairing.session.chunk_state(1).status == ChunkStatus.LANDED


async def test_files_the_check_creates_do_not_land(git_repo, tmp_path):
    plan = PLAN.replace("assert app.greet('A') == 'hello A'",
                        "assert app.greet('A') == 'hello A'; open('check-report.txt', 'w').write('ok')")
    pairing, _, _, events = make_pairing(git_repo, tmp_path, [], GREET)
    pairing.set_plan_text(plan)
    pairing.approve_plan()
    for _ in range(4):
        await pairing.next_step()
    assert git(git_repo, "show", "--stat", "--format=", "HEAD").count("|") == 1
    assert not (git_repo / "check-report.txt").exists()
    assert any("left out of the commit" in n.text for n in of_kind(events, Notice))
    verified = pairing.session.chunk_state(1).checkpoint("verified")
    assert "check-report.txt" in git(git_repo, "ls-tree", "-r", "--name-only", f"refs/pairtui/{verified}")


async def test_a_kill_between_commit_and_save_is_recorded_as_landed_on_resume(git_repo, tmp_path, monkeypatch):
    pairing, _, _, _ = make_pairing(git_repo, tmp_path, [], GREET)
    pairing.set_plan_text(PLAN)
    pairing.approve_plan()
    for _ in range(3):
        await pairing.next_step()
    real_land = pairing._work.land

    def land_then_die(*args):
        real_land(*args)
        raise KeyboardInterrupt  # the process dies before LANDED is saved

    monkeypatch.setattr(pairing._work, "land", land_then_die)
    with pytest.raises(KeyboardInterrupt):
        await pairing.next_step()
    assert _subjects(git_repo) == ["Add a greet function", "initial"]
    resumed = Pairing.open(git_repo, Config(planner="replay:x", executor="replay:x"), lambda e: None)
    state = resumed.session.chunk_state(1)
    assert state.status == ChunkStatus.LANDED
    assert state.commit == git(git_repo, "rev-parse", "HEAD").strip()
    assert resumed.session.current == 2


async def test_cancelled_execution_keeps_its_state_and_replays_the_round_from_its_start(
        git_repo, tmp_path):
    import asyncio

    slow = {"turn": [{"text": "thinking out loud " * 25}], "pace": 200}
    executor = [turn(tool("write_file", path="src/half.py", content="half\n")), slow]
    pairing, _, executor_model, _ = make_pairing(git_repo, tmp_path, [], executor)
    pairing.set_plan_text(PLAN)
    pairing.approve_plan()
    task = asyncio.create_task(pairing.execute(1))
    for _ in range(200):
        await asyncio.sleep(0.01)
        if (git_repo / "src" / "half.py").exists():
            break
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert pairing.session.chunk_state(1).status == ChunkStatus.EXECUTING
    (git_repo / "src" / "half.py").write_text("stale\n")
    assert await pairing.next_step() == "executed"
    # restarted from its start checkpoint, and the scripted model played the same round again
    assert (git_repo / "src" / "half.py").read_text() == "half\n"
    assert executor_model.position == 2 and len(executor_model.requests) == 4


async def test_interrupted_send_back_undoes_only_that_round(git_repo, tmp_path):
    executor = [*GREET, turn(tool("write_file", path="src/oops.py", content="x\n")), error("overloaded")]
    pairing, _, _, _ = make_pairing(git_repo, tmp_path, [], executor)
    pairing.set_plan_text(PLAN)
    pairing.approve_plan()
    await pairing.execute(1)
    with pytest.raises(ProviderError):
        await pairing.send_back(1, (0, 0), "rename it")
    assert pairing.session.chunk_state(1).status == ChunkStatus.EXECUTING
    assert await pairing.next_step() == "restored"
    assert pairing.session.chunk_state(1).status == ChunkStatus.EXECUTED
    assert not (git_repo / "src" / "oops.py").exists()
    assert "def greet" in (git_repo / "src" / "app.py").read_text()  # the first round is kept


async def test_land_over_overlapping_user_edits_asks_first_then_can_include_them(git_repo, tmp_path):
    from pairtui.git.land import OverlapError

    (git_repo / "src" / "app.py").write_text("def hello():\n    return 'hey'\n")
    executor = edit_chunk("src/app.py", "'hey'", "'hello'")
    pairing, _, _, _ = make_pairing(git_repo, tmp_path, [], executor)
    pairing.set_plan_text(PLAN.replace("Verify: python", "Verify: true || python"))
    pairing.approve_plan()
    for _ in range(3):
        await pairing.next_step()
    with pytest.raises(OverlapError):
        pairing.land(1)
    assert pairing.session.chunk_state(1).status == ChunkStatus.REVIEWING
    assert "landing" not in pairing.session.extra
    assert _subjects(git_repo) == ["initial"]
    assert (git_repo / "src" / "app.py").read_text() == "def hello():\n    return 'hello'\n"
    pairing.land(1, include_overlapping_user_edits=True)
    assert git(git_repo, "show", "HEAD:src/app.py") == "def hello():\n    return 'hello'\n"
