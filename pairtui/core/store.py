"""Atomic persistence of sessions under <git-dir>/pairtui/sessions/<id>/.

Guarantees: `state.json` and `plan.md` are each replaced whole (temp file in the same
directory, fsync, `os.replace`, fsync of the directory), so a crash or kill -9 at any moment
leaves either the old or the new file, never a mix. A state file that cannot be trusted is
moved aside to `state.json.corrupt-<UTC time>` and reported with a StateError; it is never
overwritten. The transcript is append-only JSONL with secrets redacted before writing.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NoReturn

from pairtui.core.redact import redact
from pairtui.core.session import SCHEMA_VERSION, Phase, Session
from pairtui.errors import StateError

STATE_FILE = "state.json"
PLAN_FILE = "plan.md"
TRANSCRIPT_FILE = "transcript.jsonl"
_SESSION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def _fsync_dir(directory: Path) -> None:
    """Make a rename durable; a no-op where directories cannot be opened (Windows)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` all-or-nothing; the temp file is removed on failure."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


class SessionStore:
    """Sessions of one repository, kept in its git directory (never in the working tree)."""

    def __init__(self, git_dir: Path, secrets: Iterable[str | None] = ()) -> None:
        self.root = Path(git_dir) / "pairtui" / "sessions"
        self.secrets = tuple(s for s in secrets if s)  # extra strings the transcript must mask

    def session_dir(self, session_id: str) -> Path:
        if not _SESSION_ID.match(session_id):
            raise StateError(f"not a session id: {session_id!r}")
        return self.root / session_id

    def save(self, session: Session) -> None:
        """plan.md (current plan, for people to read) then state.json, each temp + fsync + rename."""
        directory = self.session_dir(session.id)
        state = json.dumps(session.to_dict(), indent=2, ensure_ascii=False) + "\n"
        try:
            directory.mkdir(parents=True, exist_ok=True)
            if session.plan_versions:
                write_atomic(directory / PLAN_FILE, session.plan_versions[-1].encode("utf-8"))
            write_atomic(directory / STATE_FILE, state.encode("utf-8"))
        except OSError as exc:
            raise StateError(
                f"could not save session {session.id}: {exc.strerror or exc}"
            ) from None

    def load(self, session_id: str) -> Session:
        """Raises StateError for a missing, newer-schema, truncated or corrupt state file;
        a truncated or corrupt one is first moved aside so the next run does not trip on it."""
        path = self.session_dir(session_id) / STATE_FILE
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise StateError(f"no saved session {session_id}") from None
        except OSError as exc:
            raise StateError(
                f"could not read session {session_id}: {exc.strerror or exc}"
            ) from None
        try:
            data: Any = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            self._set_aside(path, session_id, f"not valid JSON: {exc}")
        version = data.get("schema_version") if isinstance(data, dict) else None
        if isinstance(version, int) and version > SCHEMA_VERSION:
            Session.from_dict(data)  # raises the "newer pairtui" error; the file stays put
        try:
            return Session.from_dict(data)
        except StateError as exc:
            self._set_aside(path, session_id, str(exc))

    def _set_aside(self, path: Path, session_id: str, reason: str) -> NoReturn:
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
        aside = path.with_name(f"{path.name}.corrupt-{stamp}")
        counter = 1
        while aside.exists():
            counter += 1
            aside = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
        try:
            os.replace(path, aside)
        except OSError as exc:
            raise StateError(
                f"session {session_id}: {path.name} is damaged ({reason}) and could not be moved "
                f"aside: {exc.strerror or exc}"
            ) from None
        raise StateError(
            f"session {session_id}: {path.name} is damaged ({reason}); kept it as {aside} "
            "and left the session closed"
        )

    def list_sessions(self) -> list[str]:
        """Ids of saved sessions, newest first."""
        if not self.root.is_dir():
            return []
        ids = [
            p.name
            for p in self.root.iterdir()
            if _SESSION_ID.match(p.name) and (p / STATE_FILE).is_file()
        ]
        return sorted(ids, reverse=True)

    def open_session(self) -> Session | None:
        """The most recent session that is not done, if any (StateError if it is damaged)."""
        for session_id in self.list_sessions():
            session = self.load(session_id)
            if session.phase is not Phase.DONE:
                return session
        return None

    def remove(self, session_id: str) -> bool:
        """Delete a session's stored state, plan and transcript (pruning); True if there was one.
        Its landed commits keep their story in their trailers."""
        import shutil

        directory = self.session_dir(session_id)
        if not directory.is_dir():
            return False
        try:
            shutil.rmtree(directory)
        except OSError as exc:
            raise StateError(f"could not remove session {session_id}: {exc.strerror or exc}") from None
        return True

    def append_transcript(self, session_id: str, record: dict) -> None:
        """One JSON line in transcript.jsonl, secrets redacted."""
        directory = self.session_dir(session_id)
        line = json.dumps(redact(record, self.secrets), ensure_ascii=False, default=str)
        try:
            directory.mkdir(parents=True, exist_ok=True)
            with open(directory / TRANSCRIPT_FILE, "a", encoding="utf-8") as handle:
                handle.write(line + "\n")
        except OSError as exc:
            raise StateError(
                f"could not write the transcript of {session_id}: {exc.strerror or exc}"
            ) from None

    def read_transcript(self, session_id: str) -> list[dict]:
        """The transcript's records; a line cut short by a crash is skipped, not fatal."""
        path = self.session_dir(session_id) / TRANSCRIPT_FILE
        if not path.is_file():
            return []
        records = []
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict):
                records.append(record)
        return records
