"""Scripted (replay) models stay in step with the session when it is reopened in a new process."""

from __future__ import annotations

from pairtui.agent.flow import Pairing
from pairtui.config import Config
from tests.conftest import git
from tests.support_engine import text, turn, write_chunk, write_transcript
from tests.test_agent_flow import GREET, PLAN


async def test_reopened_session_continues_the_transcripts_where_the_last_round_ended(
        git_repo, tmp_path):
    planner = write_transcript(tmp_path / "planner.jsonl", [turn(text(PLAN))])
    executor = write_transcript(tmp_path / "executor.jsonl",
                                [*GREET, *write_chunk("NOTES.md", "notes\n")])
    config = Config(planner=f"replay:{planner}", executor=f"replay:{executor}")
    first = Pairing.open(git_repo, config, lambda e: None, goal="Greet people by name")
    steps = [await first.next_step() for _ in range(6)]
    assert steps[-1] == "landed"

    again = Pairing.open(git_repo, config, lambda e: None)  # a new process: fresh providers
    assert again.session.id == first.session.id
    assert [await again.next_step() for _ in range(4)] == ["executed", "verified", "review", "landed"]
    assert git(git_repo, "log", "--format=%s").splitlines()[:2] == ["Add notes", "Add a greet function"]
    assert (git_repo / "src" / "app.py").read_text().count("def greet") == 1



async def test_a_missing_replay_transcript_is_one_error_and_no_never_awaited_warning(
        git_repo, tmp_path, recwarn):
    import gc

    import pytest

    from pairtui.errors import PairtuiError

    config = Config(planner=f"replay:{tmp_path / 'missing.jsonl'}",
                    executor=f"replay:{tmp_path / 'missing.jsonl'}")
    pairing = Pairing.open(git_repo, config, lambda e: None, goal="Greet people by name")
    with pytest.raises(PairtuiError):
        await pairing.make_plan()
    gc.collect()
    assert not [w for w in recwarn if "never awaited" in str(w.message)]

