"""Run records: one atomic JSON file per worktree run, in the repo's common git dir.

`.git/pairtui/runs/<id>.json` says what the run is (goal, branch, worktree) and where it is
(state, pid, exit code); `.git/pairtui/runs/<id>/` holds its log and the plan it was given.
A record says "running" only while its process lives: a killed run (kill -9, reboot) is read
back as "interrupted", so nothing claims progress that stopped.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

from pairtui.core.store import write_atomic
from pairtui.errors import PairtuiError

LIVE = ("queued", "running")
FINAL = ("done", "failed", "cancelled", "interrupted")


@dataclass(frozen=True)
class RunRecord:
    id: str
    goal: str
    branch: str
    worktree: str       # the linked worktree's path
    git_dir: str        # the linked worktree's own git dir (its sessions live there)
    created: float
    state: str = "queued"
    pid: int | None = None
    pid_start: int | None = None  # the process's start time (/proc), so a reused pid is not it
    exit_code: int | None = None
    finished: float | None = None
    note: str = ""
    log: str = ""
    options: dict = field(default_factory=dict)  # executor, planner, trust_plan_checks, ...
    base: str = ""      # the commit the branch started from (HEAD when the run was made)
    push: dict = field(default_factory=dict)  # --push: {"remote", "state", "message"}

    @property
    def effective_state(self) -> str:
        """The state, except that a live state whose process is gone is "interrupted"."""
        if self.state in LIVE and self.pid is not None and not pid_alive(self.pid, self.pid_start):
            return "interrupted"
        return self.state


def pid_alive(pid: int, started: int | None = None) -> bool:
    """Is `pid` a live process, the one that started at `started` if known? A zombie (killed,
    not yet reaped) counts as gone, and so does another process that got the pid after a
    reboot."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    fields = _proc_stat(pid)
    if fields is None:
        return True  # no /proc: trust kill(0)
    if fields[0] in ("Z", "X"):
        return False
    return started is None or int(fields[19]) == started


def process_start(pid: int) -> int | None:
    """The process's start time in clock ticks since boot (Linux), else None."""
    fields = _proc_stat(pid)
    return int(fields[19]) if fields is not None else None


def _proc_stat(pid: int) -> list[str] | None:
    """/proc/PID/stat's fields after the command name (state first), or None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[-1].split()
    return fields if len(fields) > 19 else None


class RunStore:
    """The records of one repository's runs (shared by all its worktrees)."""

    def __init__(self, common_dir: Path) -> None:
        self.dir = common_dir / "pairtui" / "runs"

    def path(self, run_id: str) -> Path:
        return self.dir / f"{run_id}.json"

    def run_dir(self, run_id: str) -> Path:
        return self.dir / run_id

    def save(self, record: RunRecord) -> None:
        self.run_dir(record.id).mkdir(parents=True, exist_ok=True)
        data = json.dumps(asdict(record), indent=2, sort_keys=True).encode()
        write_atomic(self.path(record.id), data + b"\n")

    def load(self, run_id: str) -> RunRecord | None:
        try:
            data = json.loads(self.path(run_id).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        known = {f.name for f in fields(RunRecord)}
        try:
            return RunRecord(**{k: v for k, v in data.items() if k in known})
        except TypeError:
            return None

    def all(self) -> list[RunRecord]:
        """Every run, oldest first."""
        if not self.dir.is_dir():
            return []
        found = [r for p in self.dir.glob("*.json") if (r := self.load(p.stem)) is not None]
        return sorted(found, key=lambda r: (r.created, r.id))

    def update(self, run_id: str, **changes: object) -> RunRecord | None:
        """Read, change and write one record under the queue lock (None if it is gone)."""
        with self.locked():
            record = self.load(run_id)
            if record is None:
                return None
            record = replace(record, **changes)
            self.save(record)
            return record

    def remove(self, run_id: str) -> None:
        self.path(run_id).unlink(missing_ok=True)
        run_dir = self.run_dir(run_id)
        if run_dir.is_dir():
            for item in run_dir.iterdir():
                item.unlink(missing_ok=True)
            run_dir.rmdir()

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """One process at a time reads-and-writes records (the queue decides under it)."""
        self.dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.dir / "queue.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)


@dataclass(frozen=True)
class Progress:
    """What a run's session says: chunks landed of total, and what the models cost."""

    landed: int = 0
    total: int = 0
    cost_usd: float = 0.0
    session: str | None = None
    plan_file: Path | None = None


def progress(record: RunRecord, store_factory) -> Progress:
    """The run's latest session in its worktree's git dir; nothing yet: zeros."""
    store = store_factory(Path(record.git_dir))
    try:
        ids = store.list_sessions()
        session = store.load(ids[0]) if ids else None  # newest first
    except (OSError, ValueError, PairtuiError):  # damaged or set aside: no progress, no crash
        return Progress()
    if session is None:
        return Progress()
    landed = sum(1 for c in session.chunks if c.status == "landed")
    plan = store.session_dir(session.id) / "plan.md"
    return Progress(landed, len(session.chunks), session.cost_usd, session.id,
                    plan if plan.is_file() else None)


def push_line(push: dict) -> str:
    """What became of a --push, in one line ("" when no push was asked or it is still to come):
    pushed (state "pushed"), "push failed: <git's reason>" or "nothing pushed to R: <why>"."""
    state, message = push.get("state"), push.get("message", "")
    if state == "pushed":
        return message
    if state == "failed":
        return f"push failed: {message}"
    if state == "skipped":
        return f"nothing pushed to {push.get('remote')}: {message}"
    return ""


def age(seconds: float) -> str:
    """A short age: 42s, 5m, 3h, 2d."""
    seconds = max(0.0, seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    return f"{int(seconds)}s"


def now() -> float:
    return time.time()
