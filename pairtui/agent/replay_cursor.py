"""Keep scripted (replay) models in step with the session across interruptions, and tell them
what each round is asked for.

A replay transcript plays turns by position within the section that answers a request (see
models/replay.py: keyed by plan, revise, chunk N, fix round of N, comment on N). A model round
that is interrupted (Esc, a provider error, kill -9) and run again must replay the same turns,
also in a new process. So the positions of each replay model (with the transcript they belong
to) are recorded in the session after every finished round, and every round starts by seeking
back to them and selecting the section for its request; a different transcript given on resume
starts from its own beginning. Real providers have no position and are left alone.
"""

from __future__ import annotations

from collections.abc import Mapping

from pairtui.agent.session_edits import with_extra
from pairtui.core.session import Session
from pairtui.models.base import Provider
from pairtui.models.replay import Ask, ReplayUnscriptedError

KEY = "replay_positions"


def _positioned(models: Mapping[str, Provider]) -> dict[str, Provider]:
    return {role: m for role, m in models.items() if getattr(m, "position", None) is not None}


def _valid(position: object) -> bool:
    return isinstance(position, int) or (
        isinstance(position, list) and all(isinstance(p, int) for p in position))


def seek(session: Session, models: Mapping[str, Provider],
         asks: Mapping[str, Ask] | None = None) -> None:
    """Move each replay model back to where the last finished round left it (the start of the
    transcript when no round has finished yet), then tell the ones in `asks` what the coming
    round asks. ReplayUnscriptedError when a transcript has no turn for it: nothing is played."""
    recorded = session.extra.get(KEY) or {}
    for role, model in _positioned(models).items():
        source, position = (recorded.get(role) or [None, 0])[:2]
        if source in (None, model.model) and _valid(position):
            model.position = position  # type: ignore[attr-defined]
        select = getattr(model, "select", None)
        if select is not None and role in (asks or {}):
            select((asks or {})[role])


def unscripted(session: Session, models: Mapping[str, Provider], role: str, ask: Ask) -> str | None:
    """Why the replay model in `role` cannot answer `ask`; None when it can (or is a real model)."""
    try:
        seek(session, models, {role: ask})
    except ReplayUnscriptedError as err:
        return err.message
    return None


def mark(session: Session, models: Mapping[str, Provider]) -> Session:
    """The session with each replay model's position after a finished round."""
    positions = {role: [m.model, m.position]  # type: ignore[attr-defined]
                 for role, m in _positioned(models).items()}
    return with_extra(session, **{KEY: positions}) if positions else session
