"""The session state machine: every allowed step works, every other step is refused clearly."""

from __future__ import annotations

import json
import re
import time
from dataclasses import replace

import pytest

from pairtui.core.session import (
    ALLOWED,
    SCHEMA_VERSION,
    ChunkState,
    ChunkStatus,
    Phase,
    Session,
    new_session,
)
from pairtui.errors import PlanError, StateError

S = ChunkStatus
PLAN = "# Goal: g\n\n## Chunk 1: One\nVerify: pytest -q\n\n## Chunk 2: Two\n\n## Chunk 3: Three\n"


def approved() -> Session:
    return new_session("g", "anthropic:big", "anthropic:fast", now=0).with_plan(PLAN).approve()


def session_with(status: ChunkStatus, number: int = 1) -> Session:
    """An approved session whose chunk `number` is in `status` (built directly, as if loaded)."""
    s = approved()
    return replace(
        s, chunks=tuple(replace(c, status=status) if c.number == number else c for c in s.chunks)
    )


def walk(session: Session, number: int, *statuses: ChunkStatus) -> Session:
    for status in statuses:
        session = session.advance(number, status)
    return session


def test_new_session_id_is_utc_timestamp_plus_suffix_and_sorts_by_age():
    first = new_session("g", "p", "e", now=1_795_000_000)
    later = new_session("g", "p", "e", now=1_795_000_061)
    assert re.fullmatch(r"\d{8}-\d{6}-[0-9a-f]{4}", first.id)
    assert first.id.startswith(time.strftime("%Y%m%d-%H%M%S", time.gmtime(1_795_000_000)))
    assert sorted([later.id, first.id]) == [first.id, later.id]
    assert first.phase is Phase.PLANNING and first.plan is None and first.chunks == ()


def test_with_plan_parses_and_adds_pending_chunks():
    s = new_session("g", "p", "e").with_plan(PLAN)
    assert s.plan is not None and s.plan.chunk(1).verify == "pytest -q"
    assert [(c.number, c.status) for c in s.chunks] == [
        (1, S.PENDING),
        (2, S.PENDING),
        (3, S.PENDING),
    ]
    assert s.plan_versions == (PLAN,)


def test_with_plan_rejects_bad_markdown_and_leaves_session_unchanged():
    s = new_session("g", "p", "e")
    with pytest.raises(PlanError):
        s.with_plan("no chunks at all\n")
    assert s.plan_versions == ()


def test_revised_plan_keeps_started_chunks_and_adds_new_ones():
    s = walk(approved(), 1, S.EXECUTING, S.EXECUTED, S.REVIEWING).landed(1, "abc123")
    revised = PLAN.replace(
        "## Chunk 3: Three\n", "## Chunk 3: Three, smaller\n\n## Chunk 4: Four\n"
    )
    s2 = s.with_plan(revised)
    assert s2.plan_versions == (PLAN, revised)
    assert s2.chunk_state(1).status is S.LANDED and s2.chunk_state(1).commit == "abc123"
    assert s2.chunk_state(4).status is S.PENDING
    assert s2.plan.chunk(3).title == "Three, smaller"
    assert s2.with_plan(revised).plan_versions == s2.plan_versions  # same text: no new version


def test_revised_plan_cannot_drop_a_chunk_in_flight():
    s = approved().advance(2, S.EXECUTING)
    with pytest.raises(StateError, match="chunk 2 is executing"):
        s.with_plan(PLAN.replace("## Chunk 2: Two\n\n", ""))


def test_revised_plan_keeps_history_of_a_dropped_landed_chunk():
    s = walk(approved(), 2, S.EXECUTING, S.EXECUTED, S.REVIEWING).landed(2, "f00d")
    s2 = s.with_plan(PLAN.replace("## Chunk 2: Two\n\n", ""))
    assert [c.number for c in s2.chunks] == [1, 3, 2]
    assert s2.chunk_state(2).commit == "f00d"


def test_approve_starts_executing_at_the_first_chunk():
    s = approved()
    assert s.phase is Phase.EXECUTING and s.current == 1
    with pytest.raises(StateError, match="already approved"):
        s.approve()
    with pytest.raises(StateError, match="no plan"):
        new_session("g", "p", "e").approve()


def test_chunks_cannot_move_before_the_plan_is_approved():
    s = new_session("g", "p", "e").with_plan(PLAN)
    with pytest.raises(StateError, match="not approved"):
        s.advance(1, S.EXECUTING)


def test_full_walk_lands_every_chunk_and_finishes():
    s = approved()
    s = walk(s, 1, S.EXECUTING, S.EXECUTED, S.VERIFYING, S.VERIFIED, S.REVIEWING).landed(1, "c1")
    assert s.current == 2 and s.phase is Phase.EXECUTING
    s = (
        walk(s, 2, S.EXECUTING, S.EXECUTED)
        .advance(2, S.REVIEWING, note="unverified")
        .landed(2, "c2")
    )
    assert s.chunk_state(2).note == "unverified"  # kept through landing
    s = walk(s, 3, S.EXECUTING, S.FAILED, S.ROLLED_BACK)
    assert s.phase is Phase.DONE and s.current is None and s.next_chunk() is None


def test_retrying_a_rolled_back_chunk_reopens_a_done_session():
    s = walk(approved(), 1, S.ROLLED_BACK)
    s = walk(s, 2, S.ROLLED_BACK)
    s = walk(s, 3, S.ROLLED_BACK)
    assert s.phase is Phase.DONE
    s = s.advance(2, S.EXECUTING)
    assert s.phase is Phase.EXECUTING and s.current == 2


def test_fix_rounds_count_failed_to_executing_and_reset_on_retry():
    s = walk(approved(), 1, S.EXECUTING, S.EXECUTED, S.VERIFYING, S.FAILED, S.EXECUTING)
    s = walk(s, 1, S.EXECUTED, S.VERIFYING, S.FAILED, S.EXECUTING)
    assert s.chunk_state(1).fix_rounds == 2
    s = walk(s, 1, S.ROLLED_BACK, S.EXECUTING)
    assert s.chunk_state(1).fix_rounds == 0


def test_review_can_send_a_chunk_back_or_reverify():
    s = walk(approved(), 1, S.EXECUTING, S.EXECUTED, S.REVIEWING, S.EXECUTING, S.EXECUTED)
    s = walk(s, 1, S.REVIEWING, S.VERIFYING, S.VERIFIED, S.REVIEWING)
    assert s.chunk_state(1).status is S.REVIEWING


def test_rolling_back_a_landed_chunk_keeps_its_commit_for_undoing():
    s = walk(approved(), 1, S.EXECUTING, S.EXECUTED, S.REVIEWING).landed(1, "c1")
    s = s.advance(1, S.ROLLED_BACK)
    assert s.chunk_state(1).commit == "c1"
    assert s.advance(1, S.EXECUTING).chunk_state(1).commit is None


def test_only_one_chunk_in_flight_at_a_time():
    s = walk(approved(), 1, S.EXECUTING, S.EXECUTED)
    with pytest.raises(StateError, match="chunk 2: chunk 1 is still executed"):
        s.advance(2, S.EXECUTING)


def test_skipping_a_pending_chunk_moves_current_on():
    s = approved().advance(1, S.ROLLED_BACK, note="skipped")
    assert s.current == 2 and s.chunk_state(1).note == "skipped"


VALID = [(a, b) for a in S for b in sorted(ALLOWED[a])]
INVALID = [(a, b) for a in S for b in S if b not in ALLOWED[a]]


def test_the_documented_transitions_are_exactly_the_allowed_ones():
    unfinished = [s for s in S if s not in (S.LANDED, S.ROLLED_BACK)]
    assert all(S.ROLLED_BACK in ALLOWED[s] for s in unfinished)
    assert len(VALID) == 21 and len(INVALID) == 81 - 21


@pytest.mark.parametrize(("start", "target"), VALID, ids=lambda s: s.value)
def test_every_allowed_transition_is_taken(start: ChunkStatus, target: ChunkStatus):
    s = session_with(start).advance(1, target, note="n")
    assert s.chunk_state(1).status is target and s.chunk_state(1).note == "n"


@pytest.mark.parametrize(("start", "target"), INVALID, ids=lambda s: s.value)
def test_every_other_transition_is_refused_naming_what_is_allowed(
    start: ChunkStatus, target: ChunkStatus
):
    before = session_with(start)
    with pytest.raises(StateError) as caught:
        before.advance(1, target)
    allowed = ", ".join(s.value for s in S if s in ALLOWED[start])
    assert str(caught.value) == f"chunk 1: cannot go from {start} to {target}; allowed: {allowed}"


def test_refusal_message_reads_plainly():
    with pytest.raises(
        StateError, match=r"^chunk 2: cannot go from landed to executing; allowed: rolled-back$"
    ):
        session_with(S.LANDED, number=2).advance(2, "executing")


def test_unknown_chunk_or_status_is_a_state_error():
    with pytest.raises(StateError, match="chunk 9 is not in the plan"):
        approved().advance(9, S.EXECUTING)
    with pytest.raises(StateError, match="no such status"):
        approved().advance(1, "exploded")


def test_checkpoints_are_recorded_in_order_and_found_by_step():
    s = approved().record_checkpoint(1, "start", "cp1").record_checkpoint(1, "executed", "cp2")
    s = s.record_checkpoint(1, "start", "cp3")
    state = s.chunk_state(1)
    assert state.checkpoints == (("start", "cp1"), ("executed", "cp2"), ("start", "cp3"))
    assert state.checkpoint("start") == "cp3" and state.checkpoint("verified") is None


def test_restarting_execution_clears_the_note():
    s = walk(approved(), 1, S.EXECUTING, S.EXECUTED, S.VERIFYING).advance(
        1, S.FAILED, note="2 failed"
    )
    assert s.advance(1, S.ROLLED_BACK).chunk_state(1).note == "2 failed"
    assert s.advance(1, S.EXECUTING).chunk_state(1).note == ""


def test_usage_accumulates():
    s = approved().add_usage(100, 20, 0.01).add_usage(50, 5, 0.002)
    assert (s.tokens_in, s.tokens_out) == (150, 25)
    assert s.cost_usd == pytest.approx(0.012)


def test_transitions_return_new_values_and_leave_the_old_one_alone():
    s = approved()
    s.advance(1, S.EXECUTING)
    assert s.chunk_state(1).status is S.PENDING


def test_to_dict_round_trips_through_json():
    s = walk(approved(), 1, S.EXECUTING, S.EXECUTED).record_checkpoint(1, "start", "cp")
    s = replace(s.add_usage(10, 2, 0.5), extra={"ui": {"pane": "diff"}})
    data = json.loads(json.dumps(s.to_dict()))
    assert data["schema_version"] == SCHEMA_VERSION
    back = Session.from_dict(data)
    assert back == s and back.extra == {"ui": {"pane": "diff"}}
    assert back.chunk_state(1).status is S.EXECUTED


def test_state_from_a_newer_pairtui_is_refused_clearly():
    data = approved().to_dict() | {"schema_version": SCHEMA_VERSION + 1}
    with pytest.raises(StateError, match="newer pairtui"):
        Session.from_dict(data)


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d.pop("id"),
        lambda d: d.update(phase="sleeping"),
        lambda d: d.update(chunks=[{"number": "one"}]),
        lambda d: d.update(
            chunks=[
                {
                    "number": 1,
                    "status": "landed",
                    "checkpoints": [["only-one"]],
                    "commit": None,
                    "fix_rounds": 0,
                    "note": "",
                }
            ]
        ),
        lambda d: d.update(plan_versions=[3]),
        lambda d: d.update(tokens_in=True),
        lambda d: d.pop("schema_version"),
    ],
)
def test_malformed_state_is_a_state_error_not_a_crash(damage):
    data = approved().to_dict()
    damage(data)
    with pytest.raises(StateError, match="malformed"):
        Session.from_dict(data)


def test_non_object_state_is_a_state_error():
    with pytest.raises(StateError, match="malformed"):
        Session.from_dict([1, 2])
    assert ChunkState(1).in_flight is False
