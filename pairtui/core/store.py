"""Atomic persistence of sessions under <git-dir>/pairtui/sessions/<id>/. (Interface fixed; owned by the core work.)"""

from __future__ import annotations

from pathlib import Path

from pairtui.core.session import Session


class SessionStore:
    def __init__(self, git_dir: Path) -> None:
        self.root = git_dir / "pairtui" / "sessions"

    def save(self, session: Session) -> None:
        """state.json and plan.md, each written temp + fsync + rename."""
        raise NotImplementedError

    def load(self, session_id: str) -> Session:
        """Raises StateError for a truncated/corrupt file, after setting it aside."""
        raise NotImplementedError

    def open_session(self) -> Session | None:
        """The most recent session that is not done, if any."""
        raise NotImplementedError

    def append_transcript(self, session_id: str, record: dict) -> None:
        """One JSON line in transcript.jsonl, secrets redacted."""
        raise NotImplementedError
