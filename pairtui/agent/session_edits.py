"""Engine bookkeeping on a Session that core's transitions do not cover (all return new values).

Status changes always go through core (`Session.advance`, `landed`, `record_checkpoint`), which
refuses invalid moves; these only touch the note, the usage totals and `extra`.
"""

from __future__ import annotations

import dataclasses

from pairtui.agent.call_trace import CallRecord
from pairtui.core.session import Session


def with_note(session: Session, number: int, note: str) -> Session:
    state = dataclasses.replace(session.chunk_state(number), note=note)
    chunks = tuple(state if c.number == number else c for c in session.chunks)
    return dataclasses.replace(session, chunks=chunks)


def last_executed(session: Session, chunk: int) -> str | None:
    """The chunk's latest "executed" checkpoint of its current attempt (after its last start)."""
    found = None
    for step, checkpoint_id in session.chunk_state(chunk).checkpoints:
        if step == "start":
            found = None
        elif step == "executed":
            found = checkpoint_id
    return found


def with_usage(session: Session, tokens_in: int, tokens_out: int, cost_usd: float,
               chunk: int | None = None) -> Session:
    """Totals so far (the meter keeps the running sum across the session); the growth since the
    last report is also added to `chunk`'s own usage (what its commit's Pairtui-Cost says)."""
    if chunk is not None:
        spent = {k: list(v) for k, v in session.extra.get("chunk_usage", {}).items()}
        was = spent.get(str(chunk), [0, 0, 0.0])
        spent[str(chunk)] = [was[0] + max(0, tokens_in - session.tokens_in),
                             was[1] + max(0, tokens_out - session.tokens_out),
                             round(was[2] + max(0.0, cost_usd - session.cost_usd), 6)]
        session = with_extra(session, chunk_usage=spent)
    return dataclasses.replace(session, tokens_in=tokens_in, tokens_out=tokens_out, cost_usd=cost_usd)


def usage_of(session: Session, chunk: int) -> tuple[int, int, float]:
    """(tokens in, tokens out, $) the executor spent on `chunk`, all its rounds together."""
    raw = session.extra.get("chunk_usage", {}).get(str(chunk), [0, 0, 0.0])
    return int(raw[0]), int(raw[1]), float(raw[2])


def with_extra(session: Session, **items: object) -> Session:
    """Engine bookkeeping kept in `extra` (call records, intents); None removes a key."""
    extra = dict(session.extra)
    for key, value in items.items():
        if value is None:
            extra.pop(key, None)
        else:
            extra[key] = value
    return dataclasses.replace(session, extra=extra)


def with_goal(session: Session, goal: str) -> Session:
    return dataclasses.replace(session, goal=goal)


# -- per-chunk records kept in `extra` -----------------------------------------------------


def calls_of(session: Session, chunk: int) -> list[CallRecord]:
    """The chunk's tool calls, numbered across its rounds (what traces a hunk to its call)."""
    raw = session.extra.get("calls", {}).get(str(chunk), [])
    return [CallRecord(int(r[0]), str(r[1]), tuple(r[2]), bool(r[3]),
                       tuple(r[4]) if len(r) > 4 else (), tuple(r[5]) if len(r) > 5 else ())
            for r in raw]


def next_call_number(session: Session, chunk: int) -> int:
    return max((c.number for c in calls_of(session, chunk)), default=0) + 1


def with_call(session: Session, chunk: int, call: CallRecord) -> Session:
    calls = {k: list(v) for k, v in session.extra.get("calls", {}).items()}
    calls.setdefault(str(chunk), []).append(
        [call.number, call.tool, list(call.paths), call.is_error, list(call.added), list(call.removed)])
    return with_extra(session, calls=calls)


def without_calls(session: Session, chunk: int) -> Session:
    """Forget a chunk's calls (it starts again from its start checkpoint)."""
    calls = {k: v for k, v in session.extra.get("calls", {}).items() if k != str(chunk)}
    return with_extra(session, calls=calls or None)


def artifacts_of(session: Session, chunk: int) -> list[str]:
    """Files the chunk's checks created."""
    return list(session.extra.get("artifacts", {}).get(str(chunk), []))


def with_artifacts(session: Session, chunk: int, paths: list[str]) -> Session:
    known = {k: list(v) for k, v in session.extra.get("artifacts", {}).items()}
    known[str(chunk)] = sorted(set(known.get(str(chunk), [])) | set(paths))
    return with_extra(session, artifacts=known)


def changed_in_review(session: Session) -> list[int]:
    """Chunks marked unverified: their tree changed in review (a reject, a line reject, an
    undo, a hunk sent back) after their check; the mark goes only when the check passes."""
    return list(session.extra.get("changed_in_review", []))


def check_is_stale(session: Session, chunk: int) -> bool:
    """The chunk's tree is not the one its check last passed on: marked in review, or an
    executor round (a "executed" checkpoint) came after its last "verified" one, or it never
    passed at all."""
    if chunk in changed_in_review(session):
        return True
    last: dict[str, int] = {}
    for i, (step, _) in enumerate(session.chunk_state(chunk).checkpoints):
        last[step] = i
    return last.get("verified", -1) < last.get("executed", 0)


def with_changed_in_review(session: Session, chunk: int, changed: bool = True) -> Session:
    marked = [n for n in changed_in_review(session) if n != chunk] + ([chunk] if changed else [])
    return with_extra(session, changed_in_review=marked or None)
