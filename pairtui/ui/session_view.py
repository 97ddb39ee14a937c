"""What the screen shows for a session, derived purely from Session and Plan values.

Kept apart from the app so that "which step does enter take now" has one answer, used by the
footer, the chunk list's step line and the command palette alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pairtui.core.plan import Plan
    from pairtui.core.session import Session
    from pairtui.ui.chunk_row import ChunkRow

# ChunkStatus / Phase values (StrEnums compare equal to these); plain strings keep the engine's
# modules out of start-up.
LANDED, ROLLED_BACK = "landed", "rolled-back"
PLANNING, DONE = "planning", "done"


# Step kind -> footer label. The engine's next_step decides what really happens; these names
# only say what the person should expect.
STEP_LABELS: dict[str, str] = {
    "plan": "Make plan",
    "approve": "Approve plan",
    "execute": "Execute chunk",
    "verify": "Verify",
    "review": "Review",
    "land": "Land chunk",
    "recheck": "Check & land",
    "next": "Next chunk",
}


# Chunk statuses whose change exists, so its check can run (`v`).
CHECKABLE = frozenset({"executed", "verifying", "verified", "failed", "reviewing"})


# Step kind -> the footer's short label for enter (the footer's room is the scarcest).
STEP_KEYS: dict[str, str] = {
    "plan": "Make plan",
    "approve": "Approve",
    "execute": "Execute",
    "verify": "Verify",
    "review": "Review",
    "land": "Land",
    "recheck": "Check & land",
    "next": "Next chunk",
}


def current_chunk(session: Session) -> int | None:
    if session.current is not None:
        return session.current
    for chunk in session.chunks:
        if chunk.status not in (LANDED, ROLLED_BACK):
            return chunk.number
    return None


def chunk_status(session: Session, number: int | None) -> str | None:
    for chunk in session.chunks:
        if chunk.number == number:
            return str(chunk.status)
    return None


def expected_step(session: Session | None) -> str | None:
    """The step `enter` takes next, or None when there is nothing left to do."""
    if session is None:
        return None
    if session.phase == PLANNING:
        return "approve" if session.plan_versions else "plan"
    if session.phase == DONE:
        return None
    number = current_chunk(session)
    status = chunk_status(session, number)
    if status == "reviewing" and number in session.extra.get("changed_in_review", ()):
        return "recheck"  # the engine's unverified mark: its check runs before it lands
    return {
        "pending": "execute",
        "rolled-back": "next",
        "executing": "execute",
        "executed": "verify",
        "verifying": "verify",
        "verified": "review",
        "failed": "verify",
        "reviewing": "land",
        "landed": "next",
    }.get(status or "", None)


def chunk_rows(session: Session | None, plan: Plan | None) -> tuple[ChunkRow, ...]:
    """One row per plan chunk; status from the session (pending when it has none yet)."""
    from pairtui.ui.chunk_row import ChunkRow

    if plan is None:
        return ()
    states = {c.number: c for c in session.chunks} if session else {}
    rows = []
    for chunk in plan.chunks:
        state = states.get(chunk.number)
        rows.append(
            ChunkRow(
                number=chunk.number,
                title=chunk.title,
                status=str(state.status) if state else "pending",
                note=state.note if state else "",
                commit=state.commit if state else None,
            )
        )
    return tuple(rows)


def step_line(session: Session | None, busy: str | None) -> str:
    """The sentence under the chunk list: where we are and what enter does."""
    if session is None:
        return "opening the session…"
    if busy:
        return f"{busy}… (esc cancels)"
    step = expected_step(session)
    if step is None:
        if session.phase == DONE:
            return "all chunks done · q quits"
        return "nothing to do · e edits the plan"
    number = current_chunk(session)
    where = f"chunk {number}: " if number is not None and session.phase != PLANNING else ""
    return f"{where}enter → {STEP_LABELS[step].lower()}"


def heading_lines(plan: Plan | None) -> dict[int, int]:
    return {c.number: c.line for c in plan.chunks if c.line} if plan else {}


def progress(session: Session | None) -> str:
    """`chunk 2/3 · review`, for the header (visible even when the chunk list is hidden)."""
    if session is None:
        return ""
    if session.phase == PLANNING:
        versions = len(session.plan_versions)
        return f"plan v{versions} · not approved yet" if versions else ""
    if not session.chunks:
        return ""
    total = len(session.chunks)
    landed = sum(1 for c in session.chunks if c.status == LANDED)
    if session.phase == DONE:
        return f"done · {landed}/{total} landed"
    number = current_chunk(session)
    status = chunk_status(session, number) or ""
    word = "review" if status == "reviewing" else status.replace("-", " ")
    return f"chunk {number}/{total} · {word}"


def plan_banner(session: Session, repo_root: object | None) -> str:
    """The line above the plan: what enter does with it, or the summary once all is done."""
    versions = len(session.plan_versions)
    if session.phase == PLANNING and versions:
        return f"Plan v{versions} · enter approves it · e edits · r revises"
    if session.phase == PLANNING and repo_root:
        return f"Working in {repo_root} · enter makes the plan"
    if session.phase == DONE:
        landed = [c for c in session.chunks if c.status == LANDED]
        commits = ", ".join(c.commit[:7] for c in landed if c.commit)
        where = f" in {repo_root}" if repo_root else ""
        return (f"✓ Done: {len(landed)} of {len(session.chunks)} chunks landed"
                + (f" as commits {commits}" if commits else "")
                + f". See them with git log{where}. q quits.")
    return ""


def checkpoint_label(step: str, n: int, files: int) -> str:
    """`3-verified (2 files)` for the chunk list's checkpoint lines."""
    return f"{n}-{step}" + (f" ({files} file{'s' if files != 1 else ''})" if files else "")
