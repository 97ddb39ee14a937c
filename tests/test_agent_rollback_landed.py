"""Rolling back a LANDED chunk on the real demo (three chunks landed): when later chunks changed
the same lines the refusal names them and what to do, and leaves no checkpoint behind; a
rollback names the checkpoint that undoes it, and restoring that gives back the files exactly
(the revert commit stays, as the message says)."""

from __future__ import annotations

import pytest

from pairtui.agent.events import ChunkRolledBack
from pairtui.core.session import ChunkStatus, Phase
from pairtui.errors import PairtuiError
from tests.conftest import git
from tests.test_agent_review_gate import demo_pairing, step_until

pytestmark = pytest.mark.slow


def landed_demo(tmp_path):
    pairing, repo, events = demo_pairing(tmp_path)
    step_until(pairing, lambda: pairing.session.phase == Phase.DONE, limit=20)
    assert [c.status for c in pairing.session.chunks] == [ChunkStatus.LANDED] * 3
    return pairing, repo, events


def refs(repo) -> str:
    return git(repo, "for-each-ref", "refs/pairtui/")


def files(repo) -> dict[str, bytes]:
    return {p.relative_to(repo).as_posix(): p.read_bytes() for p in sorted(repo.rglob("*"))
            if p.is_file() and ".git" not in p.parts}


def test_rolling_back_an_early_chunk_names_the_later_chunk_and_leaves_nothing(tmp_path):
    pairing, repo, _ = landed_demo(tmp_path)
    before_refs, before_files, head = refs(repo), files(repo), git(repo, "rev-parse", "HEAD")
    with pytest.raises(PairtuiError) as caught:
        pairing.rollback(1)
    message = caught.value.message
    assert "chunk 2" in message and "shop/invoice.py" in message
    assert "chunk 3" not in message, "chunk 3 only added tests/test_pricing.py"
    assert "roll back chunk 2 first" in message
    assert "\n" not in message
    assert refs(repo) == before_refs, "no stray checkpoint"
    assert files(repo) == before_files and git(repo, "rev-parse", "HEAD") == head
    assert pairing.session.chunk_state(1).status == ChunkStatus.LANDED


def test_rolling_back_the_later_chunk_first_lets_the_early_one_go(tmp_path):
    pairing, repo, _ = landed_demo(tmp_path)
    pairing.rollback(2)
    pairing.rollback(1)
    subjects = git(repo, "log", "--format=%s").splitlines()
    assert subjects[:2] == ['Revert "Extract the pricing rules into shop/pricing.py"',
                            'Revert "Price the CSV export and refunds through the same rules"']
    assert not (repo / "shop" / "pricing.py").exists()


def test_a_rollback_names_its_undo_and_restoring_it_gives_the_files_back(tmp_path):
    from pairtui.cli import main

    pairing, repo, events = landed_demo(tmp_path)
    before = files(repo)
    events.clear()
    pairing.rollback(3)
    rolled = [e for e in events if isinstance(e, ChunkRolledBack)][-1]
    note = pairing.session.chunk_state(3).note
    undo = rolled.checkpoint.id
    assert f"pairtui restore {undo}" in rolled.undo and f"pairtui restore {undo}" in note
    assert "revert commit" in rolled.undo and "stays" in rolled.undo
    assert not (repo / "tests" / "test_pricing.py").exists()
    revert = git(repo, "rev-parse", "HEAD")

    assert main(["-C", str(repo), "restore", undo]) == 0
    assert files(repo) == before, "the files are exactly as before the rollback"
    assert git(repo, "rev-parse", "HEAD") == revert, "the revert commit stays, as said"


def test_rolling_back_an_unlanded_chunk_names_the_checkpoint_holding_its_work(tmp_path):
    from pairtui.cli import main

    pairing, repo, events = demo_pairing(tmp_path)
    step_until(pairing, lambda: pairing.session.chunks
               and pairing.session.chunk_state(1).status == ChunkStatus.REVIEWING)
    before = files(repo)
    events.clear()
    pairing.rollback(1)
    rolled = [e for e in events if isinstance(e, ChunkRolledBack)][-1]
    assert "pairtui restore" in rolled.undo
    undo = rolled.undo.split("pairtui restore ")[1].split("`")[0].split()[0]
    assert undo != rolled.checkpoint.id, "the undo is the snapshot of what was there"
    assert main(["-C", str(repo), "restore", undo]) == 0
    assert files(repo) == before
