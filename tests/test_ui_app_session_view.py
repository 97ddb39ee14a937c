"""What enter does next, the header's progress and the error hints: derived from session values."""

from __future__ import annotations

from pairtui.core.session import ChunkState, ChunkStatus, Phase, Session
from pairtui.errors import PlanError, ProviderError, RepoStateError
from pairtui.ui import session_view as view
from pairtui.ui.error_hints import describe, one_line


def session(phase: Phase, *statuses: ChunkStatus, current: int | None = 1,
            plans: int = 1) -> Session:
    chunks = tuple(ChunkState(i + 1, s) for i, s in enumerate(statuses))
    return Session(id="s", goal="g", created=0.0, phase=phase, chunks=chunks, current=current,
                   plan_versions=("# Goal: g\n",) * plans)


def test_enter_follows_the_chunk_through_its_steps():
    assert view.expected_step(session(Phase.PLANNING, plans=0)) == "plan"
    assert view.expected_step(session(Phase.PLANNING)) == "approve"
    steps = {ChunkStatus.PENDING: "execute", ChunkStatus.EXECUTED: "verify",
             ChunkStatus.VERIFIED: "review", ChunkStatus.FAILED: "verify",
             ChunkStatus.REVIEWING: "land"}
    for status, step in steps.items():
        assert view.expected_step(session(Phase.EXECUTING, status)) == step, status
    assert view.expected_step(session(Phase.DONE, ChunkStatus.LANDED, current=None)) is None


def test_progress_says_where_the_session_is():
    assert view.progress(session(Phase.PLANNING, plans=2)) == "plan v2 · not approved yet"
    busy = session(Phase.EXECUTING, ChunkStatus.LANDED, ChunkStatus.REVIEWING, current=2)
    assert view.progress(busy) == "chunk 2/2 · review"
    done = session(Phase.DONE, ChunkStatus.LANDED, ChunkStatus.ROLLED_BACK, current=None)
    assert view.progress(done) == "done · 1/2 landed"


def test_errors_say_what_happened_and_what_to_do():
    title, hint = describe(ProviderError("429 rate limited"))
    assert title == "Model provider error" and "retry" in hint
    assert "merge" in describe(RepoStateError("a merge is in progress"))[1]
    assert "press e" in describe(PlanError("no chunks", line=3))[1].lower()
    assert one_line(PlanError("no chunks", line=3)) == "line 3: no chunks"
    assert "report" in describe(KeyError("x"))[1]
