"""The engine's gate between review and land: any review change makes the chunk unverified,
`land` refuses it while it has a check, and the next step runs the check before landing.
On the real demo repo, with the real checks."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from pairtui.agent.events import VerifyFinished
from pairtui.core.session import ChunkStatus
from pairtui.errors import StateError
from tests.conftest import git

pytestmark = pytest.mark.slow

IMPORT = b"from shop.pricing import"


def demo_pairing(tmp: Path):
    """A Pairing on a fresh demo repo with the demo's transcripts, unpaced."""
    import sys

    from pairtui.agent.flow import Pairing
    from pairtui.commands.demo import ASSETS, demo_goal, prepare_demo_repo
    from pairtui.config import load_config

    repo = prepare_demo_repo(str(tmp / "demo-repo"))
    flags = {"verify_env": sys.prefix}
    for role in ("planner", "executor"):
        lines = []
        for line in (ASSETS / "demo" / f"{role}.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                record.pop("pace", None)
                lines.append(json.dumps(record))
        (tmp / f"{role}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        flags[role] = f"replay:{tmp / f'{role}.jsonl'}"
    events: list = []
    pairing = Pairing.open(repo, load_config(repo, flags), events.append, goal=demo_goal())
    return pairing, repo, events


def step_until(pairing, predicate, limit: int = 12) -> None:
    for _ in range(limit):
        if predicate():
            return
        asyncio.run(pairing.next_step())
    assert predicate(), "the flow did not reach the expected state"


def status(pairing, chunk: int = 1) -> ChunkStatus:
    return pairing.session.chunk_state(chunk).status


def import_hunk(pairing):
    """(file, hunk) of chunk 1's change that adds the `from shop.pricing import` line."""
    for file in pairing.chunk_patch(1).files:
        for hunk in file.hunks:
            if any(line.kind == "+" and line.raw.startswith(IMPORT) for line in hunk.lines):
                return file, hunk
    raise AssertionError("chunk 1 has no hunk adding the pricing import")


def commits(repo: Path) -> list[str]:
    return git(repo, "log", "--format=%s").splitlines()


def to_review(tmp_path):
    pairing, repo, events = demo_pairing(tmp_path)
    step_until(pairing, lambda: pairing.session.chunks and status(pairing) == ChunkStatus.REVIEWING)
    return pairing, repo, events


def test_rejecting_a_needed_hunk_runs_the_check_and_lands_nothing(tmp_path):
    pairing, repo, events = to_review(tmp_path)
    before = commits(repo)
    file, hunk = import_hunk(pairing)
    pairing.reject_change(1, file, hunk)
    assert pairing.needs_check(1)
    events.clear()

    step = asyncio.run(pairing.next_step())

    checks = [e for e in events if isinstance(e, VerifyFinished)]
    assert step == "failed"
    assert checks and not checks[-1].passed, "the check ran and failed"
    assert commits(repo) == before, "nothing landed"
    assert status(pairing) == ChunkStatus.REVIEWING, "the chunk waits for the person"
    assert pairing.needs_check(1)
    assert IMPORT not in (repo / "shop" / "invoice.py").read_bytes(), "the reject stays"
    with pytest.raises(StateError, match="check"):
        pairing.land(1)
    assert commits(repo) == before


def test_undoing_the_reject_then_stepping_checks_again_and_lands(tmp_path):
    pairing, repo, events = to_review(tmp_path)
    before = commits(repo)
    file, hunk = import_hunk(pairing)
    pairing.reject_change(1, file, hunk)
    assert asyncio.run(pairing.next_step()) == "failed"
    pairing.reject_change(1, file, hunk, undo=True)
    assert pairing.needs_check(1), "undo is a review change too"
    events.clear()

    step = asyncio.run(pairing.next_step())

    checks = [e for e in events if isinstance(e, VerifyFinished)]
    assert step == "landed"
    assert checks and checks[-1].passed
    assert len(commits(repo)) == len(before) + 1
    assert commits(repo)[0] == pairing.plan.chunk(1).title
    assert status(pairing) == ChunkStatus.LANDED
    assert IMPORT in git(repo, "show", "HEAD:shop/invoice.py").encode()


def test_unverified_mark_survives_reopening_the_session(tmp_path):
    from pairtui.agent.flow import Pairing

    pairing, repo, _ = to_review(tmp_path)
    file, hunk = import_hunk(pairing)
    pairing.reject_change(1, file, hunk)
    again = Pairing.open(repo, pairing.config, lambda e: None)
    assert again.needs_check(1)
    with pytest.raises(StateError):
        again.land(1)
    assert len(commits(repo)) == 1


def test_files_edited_by_hand_after_the_check_passed_are_checked_again_before_landing(tmp_path):
    pairing, repo, events = to_review(tmp_path)
    before = commits(repo)
    invoice = repo / "shop" / "invoice.py"
    broken = invoice.read_bytes().replace(IMPORT, b"from shop.nowhere import")
    invoice.write_bytes(broken)  # the person, in another editor, after the check passed
    assert not pairing.needs_check(1), "nothing in pairtui saw the edit"

    with pytest.raises(StateError, match=r"changed since its check passed \(shop/invoice.py\)"):
        pairing.land(1)

    assert commits(repo) == before and invoice.read_bytes() == broken, "nothing landed or lost"
    assert pairing.needs_check(1)
    events.clear()
    assert asyncio.run(pairing.next_step()) == "failed", "the check ran on the edited file"
    assert [e.passed for e in events if isinstance(e, VerifyFinished)] == [False]
    assert commits(repo) == before


def test_one_step_checks_files_edited_after_the_check_then_lands_them(tmp_path):
    pairing, repo, events = to_review(tmp_path)
    invoice = repo / "shop" / "invoice.py"
    edited = invoice.read_bytes() + b"\n# reviewed by hand\n"
    invoice.write_bytes(edited)
    events.clear()

    assert asyncio.run(pairing.next_step()) == "landed"  # one enter: checked, then landed

    assert [e.passed for e in events if isinstance(e, VerifyFinished)] == [True]
    assert git(repo, "show", "HEAD:shop/invoice.py").encode() == edited
    assert "passed" in git(repo, "log", "-1", "--format=%(trailers:key=Pairtui-Verify)")


def test_land_refuses_a_chunk_whose_check_never_ran(tmp_path):
    pairing, repo, _ = demo_pairing(tmp_path)
    step_until(pairing, lambda: pairing.session.chunks and status(pairing) == ChunkStatus.EXECUTED)
    with pytest.raises(StateError, match="check"):
        pairing.land(1)
    assert len(commits(repo)) == 1
    assert status(pairing) == ChunkStatus.EXECUTED


async def test_a_hunk_sent_back_makes_the_chunk_unverified_until_its_check_passes(git_repo, tmp_path):
    from tests.support_engine import make_pairing, text, tool, turn

    plan = ("# Goal: Greet\n\n## Chunk 1: Greet loudly\nFiles: src/app.py\n"
            "Verify: grep -q \"'hello'\" src/app.py\n\nSay hello.\n")
    executor = [
        turn(tool("edit_file", path="src/app.py", old_string="'hi'", new_string="'hello'")),
        turn(text("Done.")),
        turn(tool("edit_file", path="src/app.py", old_string="'hello'", new_string="'hey'")),
        turn(text("Changed as asked.")),
    ]
    pairing, _, _, _ = make_pairing(git_repo, tmp_path, [], executor, max_fix_rounds=0)
    pairing.set_plan_text(plan)
    pairing.approve_plan()
    assert await pairing.next_step() == "executed"
    assert await pairing.next_step() == "verified"
    assert await pairing.next_step() == "review"
    assert not pairing.needs_check(1)
    await pairing.send_back(1, (0, 0), "say hey instead")
    assert pairing.needs_check(1), "a revision after a comment is a review change"
    with pytest.raises(StateError, match="check"):
        pairing.land(1)
    assert git(git_repo, "log", "--format=%s").splitlines() == ["initial"]
    assert await pairing.next_step() == "failed", "'hello' is gone: the check fails"
    assert git(git_repo, "log", "--format=%s").splitlines() == ["initial"], "nothing landed"


def test_a_landed_chunk_cannot_be_changed_through_review(tmp_path):
    pairing, repo, _ = to_review(tmp_path)
    file, hunk = import_hunk(pairing)
    assert asyncio.run(pairing.next_step()) == "landed"
    before = (repo / "shop" / "invoice.py").read_bytes()
    with pytest.raises(StateError, match="under review"):
        pairing.reject_change(1, file, hunk)
    assert (repo / "shop" / "invoice.py").read_bytes() == before
    assert not pairing.needs_check(1)


def test_an_edit_by_hand_marks_the_chunk_only_when_files_really_changed(tmp_path):
    pairing, repo, _ = to_review(tmp_path)
    assert not pairing.edited_by_hand(1), "the editor closed without a change: still verified"
    assert not pairing.needs_check(1)
    invoice = repo / "shop" / "invoice.py"
    invoice.write_bytes(invoice.read_bytes() + b"\n# by hand\n")
    assert pairing.edited_by_hand(1)
    assert pairing.needs_check(1) and "edited by hand" in pairing.session.chunks[0].note
