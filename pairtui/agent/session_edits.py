"""Engine bookkeeping on a Session that core's transitions do not cover (all return new values).

Status changes always go through core (`Session.advance`, `landed`, `record_checkpoint`), which
refuses invalid moves; these only touch the note, the usage totals and `extra`.
"""

from __future__ import annotations

import dataclasses

from pairtui.core.session import Session


def with_note(session: Session, number: int, note: str) -> Session:
    state = dataclasses.replace(session.chunk_state(number), note=note)
    chunks = tuple(state if c.number == number else c for c in session.chunks)
    return dataclasses.replace(session, chunks=chunks)


def with_usage(session: Session, tokens_in: int, tokens_out: int, cost_usd: float) -> Session:
    """Totals so far (the meter keeps the running sum across the session)."""
    return dataclasses.replace(session, tokens_in=tokens_in, tokens_out=tokens_out, cost_usd=cost_usd)


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
