"""What a landed chunk's commit says about itself: its plan text and its Pairtui-* trailers.

    Extract the pricing rules into shop/pricing.py        <- the chunk's title

    Create shop/pricing.py with the coupon table, ...     <- the chunk's plan text

    Pairtui-Session: 20261130-005502-1a2a
    Pairtui-Chunk: 1/3 Extract the pricing rules into shop/pricing.py
    Pairtui-Verify: python -m pytest -q tests/test_invoice.py passed
    Pairtui-Executor: anthropic:claude-sonnet-4-5
    Pairtui-Planner: anthropic:claude-opus-4-1
    Pairtui-Cost: $0.0412 (31,200 tokens in, 2,100 out)
    Pairtui-Plan: docs/plans/20261130-put-the-pricing-rules-in-one-place.md

A revert (`pairtui rollback` of a landed chunk) carries Session, Chunk and `Pairtui-Reverts:
<sha>`. `trailers = false` in config leaves every trailer out (the plan text stays). The
trailers alone are enough for `pairtui why` to name the chunk and its check once the session
store is gone; the store adds the tool call, the check's output and the comments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pairtui.agent import session_edits as edits
from pairtui.config import Config
from pairtui.core.session import Session
from pairtui.git.trailers import model_value
from pairtui.models.pricing import price_of

CHUNK_VALUE = re.compile(r"(\d+)/(\d+) (.*)")  # "2/3 Title": how a landed chunk is told apart


@dataclass(frozen=True)
class CommitStory:
    body: str
    trailers: tuple[tuple[str, str], ...]


def verify_value(session: Session, chunk: int, command: str | None) -> str:
    """`<command> passed` (with the fix rounds it took), or `unverified` (no check, or the
    tree changed in review after the check ran)."""
    state = session.chunk_state(chunk)
    if not command or chunk in edits.changed_in_review(session):
        return "unverified"
    steps = [step for step, _ in state.checkpoints]
    last_executed = max((i for i, s in enumerate(steps) if s == "executed"), default=-1)
    if not any(s == "verified" for s in steps[last_executed + 1:]):
        return "unverified"
    rounds = state.fix_rounds
    after = f" after {rounds} fix round{'s' if rounds != 1 else ''}" if rounds else ""
    return f"{command} passed{after}"


def cost_value(session: Session, chunk: int, config: Config) -> str:
    """The executor's spend on this chunk: dollars when its price is known, else tokens only."""
    tokens_in, tokens_out, dollars = edits.usage_of(session, chunk)
    if not tokens_in and not tokens_out:
        return ""
    tokens = f"{tokens_in:,} tokens in, {tokens_out:,} out"
    if session.executor.startswith("acp:"):  # an agent's cost is only what it reports
        return (f"${dollars:.4f} reported by the agent ({tokens})" if dollars
                else f"{tokens} (cost unknown: {session.executor} reports none)")
    if price_of(session.executor, dict(config.prices)) is None:
        return f"{tokens} (no price known for {model_value(session.executor)})"
    return f"${dollars:.4f} ({tokens})"


def chunk_value(session: Session, chunk: int) -> str:
    plan = session.plan
    total = len(plan.chunks) if plan else len(session.chunks)
    title = plan.chunk(chunk).title if plan else ""
    return f"{chunk}/{total} {title}".strip()


def for_landing(session: Session, chunk: int, config: Config) -> CommitStory:
    """The body (the chunk's plan text) and trailers of chunk `chunk`'s commit."""
    plan = session.plan
    item = plan.chunk(chunk) if plan else None
    body = item.body.strip() if item else ""
    if not config.trailers:
        return CommitStory(body, ())
    command = (item.verify if item else None) or config.verify
    kept = session.extra.get("plan_file") or {}
    trailers = (
        ("Session", session.id),
        ("Chunk", chunk_value(session, chunk)),
        ("Verify", verify_value(session, chunk, command)),
        ("Executor", model_value(session.executor)),
        ("Planner", model_value(session.planner)),
        ("Cost", cost_value(session, chunk, config)),
        ("Plan", str(kept.get("path", ""))),
    )
    return CommitStory(body, tuple((k, v) for k, v in trailers if v))


def for_revert(session: Session, chunk: int, commit: str, config: Config) -> tuple[tuple[str, str], ...]:
    """Trailers of the `Revert "<title>"` commit that undoes a landed chunk."""
    if not config.trailers:
        return ()
    return (("Session", session.id), ("Chunk", chunk_value(session, chunk)), ("Reverts", commit))
