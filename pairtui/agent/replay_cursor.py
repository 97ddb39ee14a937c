"""Keep scripted (replay) models in step with the session across interruptions.

A replay transcript plays turns by position, not by what it is asked. A model round that is
interrupted (Esc, a provider error, kill -9) and run again must replay the same turns, also
in a new process. So the position of each replay model (with the transcript it belongs to) is
recorded in the session after every finished round, and every round starts by seeking back
to it; a different transcript given on resume starts from its own beginning. Real providers have no
position and are left alone.
"""

from __future__ import annotations

from collections.abc import Mapping

from pairtui.agent.session_edits import with_extra
from pairtui.core.session import Session
from pairtui.models.base import Provider

KEY = "replay_positions"


def _positioned(models: Mapping[str, Provider]) -> dict[str, Provider]:
    return {role: m for role, m in models.items() if getattr(m, "position", None) is not None}


def seek(session: Session, models: Mapping[str, Provider]) -> None:
    """Move each replay model back to where the last finished round left it (the start of the
    transcript when no round has finished yet)."""
    recorded = session.extra.get(KEY) or {}
    for role, model in _positioned(models).items():
        source, position = (recorded.get(role) or [None, 0])[:2]
        if source in (None, model.model) and isinstance(position, int):
            model.position = position  # type: ignore[attr-defined]


def mark(session: Session, models: Mapping[str, Provider]) -> Session:
    """The session with each replay model's position after a finished round."""
    positions = {role: [m.model, m.position]  # type: ignore[attr-defined]
                 for role, m in _positioned(models).items()}
    return with_extra(session, **{KEY: positions}) if positions else session
