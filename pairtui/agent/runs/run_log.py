"""What `pairtui log` says of the worktree runs: each run's record joined with its session.

A run's session lives in its worktree's own git dir and its commits on its branch, so the
person's `pairtui log` (their HEAD, their git dir) would not see them: each run is read from
its record (state, branch, push), its session's store (chunks landed of total, cost) and its
branch's commit trailers (each chunk's commit and check), the same way sessions are.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from pairtui.agent.runs.records import RunRecord, RunStore, progress, push_line
from pairtui.agent.session_log import ChunkEntry, SessionEntry, read_sessions
from pairtui.core.store import SessionStore


@dataclass
class RunEntry:
    id: str
    goal: str
    state: str
    branch: str
    created: float
    finished: float | None = None
    exit_code: int | None = None
    note: str = ""
    push: str = ""  # what became of --push, in one line ("" if none was asked)
    session: str | None = None
    chunks_landed: int = 0
    chunks_total: int = 0
    cost_usd: float = 0.0
    tokens_in: int = 0
    tokens_out: int = 0
    executor: str = ""
    planner: str = ""
    chunks: list[ChunkEntry] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def read_runs(common_dir: Path) -> list[RunEntry]:
    """Every run of the repository, newest first."""
    return sorted((_entry(r) for r in RunStore(common_dir).all()),
                  key=lambda e: (e.created, e.id), reverse=True)


def _entry(record: RunRecord) -> RunEntry:
    done = progress(record, SessionStore)
    entry = RunEntry(record.id, record.goal, record.effective_state, record.branch,
                     record.created, record.finished, record.exit_code, record.note,
                     push_line(record.push), done.session, done.landed, done.total,
                     round(done.cost_usd, 6))
    session = _session(record, done.session)
    if session is not None:
        entry.chunks = session.chunks
        entry.tokens_in, entry.tokens_out = session.tokens_in, session.tokens_out
        entry.executor, entry.planner = session.executor, session.planner
    return entry


def _session(record: RunRecord, session_id: str | None) -> SessionEntry | None:
    """The run's session as `pairtui log` reads one, commits from the run's branch."""
    worktree = Path(record.worktree)
    if session_id is None or not worktree.is_dir():
        return None
    found = read_sessions((Path(record.git_dir),), worktree)
    return next((s for s in found if s.id == session_id), None)
