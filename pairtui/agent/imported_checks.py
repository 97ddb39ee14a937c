"""Checks imported from another tool's plan run only once the person has confirmed them.

An imported check (`Chunk.verify_source == "imported"`) is a proposal read out of prose. The
person confirms it (the plan pane's confirm action, or `--trust-plan-checks` headless), which
records the exact command in the session; editing the check in the plan (a `Verify:` line of
their own, or `Verify: none`) makes it theirs. A confirmed command that the plan later changes
needs confirming again. Flagged commands (servers, watchers, REPLs, inverted exit codes) can
never be confirmed: the plan must be edited before it is approved.
"""

from __future__ import annotations

from pairtui.agent.session_edits import with_extra
from pairtui.core.plan import Chunk, Plan
from pairtui.core.session import Session
from pairtui.errors import StateError, UsageError

_KEY = "confirmed_checks"


def confirmed(session: Session) -> dict[int, str]:
    return {int(k): v for k, v in session.extra.get(_KEY, {}).items()}


def is_confirmed(session: Session, chunk: Chunk) -> bool:
    """True when the chunk's check may run: its own, or imported and confirmed as it stands."""
    if not chunk.check_is_imported:
        return True
    return not chunk.flagged and confirmed(session).get(chunk.number) == chunk.verify


def with_confirmed(session: Session, chunk: Chunk) -> Session:
    """Record the person's confirmation of the chunk's imported check (refused when flagged)."""
    if chunk.flagged:
        raise UsageError(f"chunk {chunk.number}: {flagged_text(chunk)} cannot be confirmed; edit "
                         "the plan to give the chunk its own `Verify:` line (or `Verify: none`)")
    if not chunk.check_is_imported:
        raise UsageError(f"chunk {chunk.number} has no imported check to confirm")
    marks = {str(k): v for k, v in confirmed(session).items()}
    marks[str(chunk.number)] = chunk.verify or ""
    return with_extra(session, **{_KEY: marks})


def unconfirmed(plan: Plan, session: Session | None = None) -> list[Chunk]:
    """Chunks whose imported check has not been confirmed (flagged ones included)."""
    return [c for c in plan.chunks if c.check_is_imported
            and (session is None or not is_confirmed(session, c))]


def flagged_text(chunk: Chunk) -> str:
    return "; ".join(f"`{command}` ({why})" for command, why in chunk.flagged)


def listing(chunks: list[Chunk]) -> str:
    """One line naming each chunk's imported check, for an error message."""
    parts = []
    for chunk in chunks:
        text = f"`{chunk.verify}`" if chunk.verify else ""
        if chunk.flagged:
            text = (text + "; " if text else "") + "flagged " + flagged_text(chunk)
        parts.append(f"chunk {chunk.number} {text}")
    return ", ".join(parts)


def require_runnable(session: Session, chunk: Chunk) -> None:
    """The engine's rule: a chunk with an unconfirmed imported check does not run."""
    if is_confirmed(session, chunk):
        return
    if chunk.flagged:
        raise StateError(f"chunk {chunk.number}'s check from the imported plan is flagged, never "
                         f"run: {flagged_text(chunk)}; edit its `Verify:` line first")
    raise StateError(f"chunk {chunk.number}'s check was imported from the plan and is not "
                     f"confirmed: `{chunk.verify}`; confirm it in the plan pane or edit it first")


def require_no_flagged(plan: Plan) -> None:
    """Approving a plan whose imported checks include commands that never end is refused."""
    flagged = [c for c in plan.chunks if c.check_is_imported and c.flagged]
    if flagged:
        raise UsageError("the plan's imported checks name commands that are never run: "
                         f"{listing(flagged)}; give those chunks their own `Verify:` line "
                         "(or `Verify: none`)")


def display_lines(plan: Plan, session: Session) -> list[str]:
    """What the plan pane shows for each chunk whose check was imported: the command and whether
    it waits for the person, is confirmed, or is flagged (edit the plan)."""
    lines = []
    for chunk in plan.chunks:
        if not chunk.check_is_imported:
            continue
        if chunk.flagged:
            state = f"flagged, never run: {flagged_text(chunk)} · edit the chunk's Verify: line"
            if chunk.verify:
                state = f"`{chunk.verify}` · {state}"
        elif is_confirmed(session, chunk):
            state = f"`{chunk.verify}` · confirmed"
        else:
            state = f"`{chunk.verify}` · imported, not confirmed: C confirms, e edits"
        lines.append(f"chunk {chunk.number}: {state}")
    return lines
