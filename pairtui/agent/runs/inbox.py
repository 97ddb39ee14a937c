"""The inbox: finished worktree runs, reviewed chunk by chunk and landed on the person's branch.

A run's branch holds one commit per chunk, each with its Pairtui-* trailers (range_chunks.py
reads them). The inbox lists finished runs with their goal, checks and size; opening one gives
its chunk commits (those not on the person's branch yet), oldest first, each with its patch for
the hunk viewer. Landing a chunk (inbox_land.py) commits the hunks the person accepted as one
commit on their current branch; which chunks landed (and which the person rejected whole)
is kept beside the run's record (`<run dir>/inbox.json`), so a chunk is never landed twice,
the listing says how far the review got, and a run whose every chunk is decided leaves the
inbox (`pairtui runs --clean` removes its worktree and branch).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pairtui.agent.runs.records import FINAL, RunRecord, RunStore, age, now
from pairtui.agent.runs.worktrees import common_dir
from pairtui.agent.session_history import MARK_STATES
from pairtui.core.store import write_atomic
from pairtui.diff.compute import diff_between
from pairtui.diff.model import Patch
from pairtui.errors import UsageError
from pairtui.git.plumbing import Git
from pairtui.git.range_chunks import range_commits


@dataclass(frozen=True)
class InboxRun:
    """One finished run as the inbox lists it."""

    id: str
    goal: str
    state: str          # done / failed / cancelled / interrupted
    branch: str
    age: str
    chunks: int         # chunk commits on its branch not on the person's branch
    files: int
    added: int
    removed: int
    checks: str         # "3 passed", "2 passed, 1 unverified", "no checks"
    landed: int         # chunks landed here from the inbox
    branch_gone: bool = False

    def line(self) -> str:
        """What the list shows for it, on one line."""
        if self.branch_gone:
            return f"{self.id}  {self.state:<11}  branch {self.branch} is gone  · {self.goal}"
        size = f"{self.chunks} chunk{'s' if self.chunks != 1 else ''}, {self.files} file" \
               f"{'s' if self.files != 1 else ''} +{self.added} −{self.removed}"
        landed = f" · {self.landed} landed" if self.landed else ""
        return f"{self.id}  {self.state:<11}  {size} · checks: {self.checks}{landed} · {self.goal}"


@dataclass(frozen=True)
class InboxChunk:
    """One chunk commit of a run's branch, with what the viewer and the landing need."""

    index: int            # 1-based, in branch order
    commit: str
    parent: str
    title: str            # the commit's subject: the chunk title
    label: str            # "2/3 Title" from Pairtui-Chunk, or the subject
    verify: str | None    # the Pairtui-Verify trailer ("<command> passed", "unverified")
    message: str          # the whole commit message (body and trailers)
    patch: Patch
    landed_as: str | None = None
    marks: dict[str, str] = field(default_factory=dict)  # saved review marks: hunk key -> state


class Inbox:
    """The inbox of one repository (its worktree runs live in the common git dir)."""

    def __init__(self, repo_root: Path) -> None:
        self.repo_root = Path(repo_root)
        self.store = RunStore(common_dir(self.repo_root))
        self._git = Git(self.repo_root)

    def record(self, run_id: str) -> RunRecord:
        record = self.store.load(run_id)
        if record is None:
            raise UsageError(f"run {run_id} has no record")
        return record

    def runs(self) -> list[InboxRun]:
        """Finished runs, newest first, that still have chunks to review (or lost their branch)."""
        found: list[InboxRun] = []
        for record in reversed(self.store.all()):
            state = record.effective_state
            if state not in FINAL:
                continue
            landed = len(self.landed(record.id))
            if not self._branch_exists(record.branch):
                found.append(InboxRun(record.id, record.goal, state, record.branch,
                                      age(now() - record.created), 0, 0, 0, 0, "", landed, True))
                continue
            commits = range_commits(self.repo_root, f"HEAD..refs/heads/{record.branch}")
            if self._all_decided(record.id, commits):
                continue  # nothing on it left to review
            files, added, removed = self._size(record.branch)
            found.append(InboxRun(record.id, record.goal, state, record.branch,
                                  age(now() - record.created), len(commits), files, added,
                                  removed, _checks([c.verify for c in commits]), landed))
        return found

    def settled(self, run_id: str) -> bool:
        """Whether every chunk of the run's branch not in HEAD was landed (and is still in HEAD)
        or rejected whole here: its branch then holds nothing the person has not decided on
        (`runs --clean`)."""
        record = self.record(run_id)
        if not self._branch_exists(record.branch):
            return False
        commits = range_commits(self.repo_root, f"HEAD..refs/heads/{record.branch}")
        if not (self._read(run_id) and self._all_decided(run_id, commits)):
            return False
        # "landed" is what the inbox did on some branch: it counts only while the person's
        # HEAD still holds those commits (a reset or another branch would lose the work)
        landed_as = self.landed(run_id).values()
        return all(self._git.try_run("merge-base", "--is-ancestor", sha, "HEAD").ok
                   for sha in landed_as)

    def _all_decided(self, run_id: str, commits: list) -> bool:
        decided = set(self.landed(run_id)) | self.dropped(run_id)
        return all(c.commit in decided for c in commits)

    def chunks(self, run_id: str) -> list[InboxChunk]:
        """The run's chunk commits not on the person's branch, oldest first, with patches."""
        record = self.record(run_id)
        if not self._branch_exists(record.branch):
            raise UsageError(f"run {run_id}: its branch {record.branch} no longer exists; "
                             "nothing to review")
        landed = self.landed(run_id)
        out: list[InboxChunk] = []
        for i, c in enumerate(range_commits(self.repo_root, f"HEAD..refs/heads/{record.branch}"), 1):
            parent = self._git.line("rev-parse", f"{c.commit}^", what="reading the run's branch")
            message = self._git.run("show", "-s", "--format=%B", c.commit).decode("utf-8", "replace")
            out.append(InboxChunk(i, c.commit, parent, c.subject, c.chunk or c.subject, c.verify,
                                  message, diff_between(self.repo_root, parent, c.commit),
                                  landed.get(c.commit), self.marks(run_id, c.commit)))
        return out

    def landed(self, run_id: str) -> dict[str, str]:
        """chunk commit -> the commit it landed as on the person's branch."""
        landed = self._read(run_id).get("landed", {})
        return {str(k): str(v) for k, v in landed.items()} if isinstance(landed, dict) else {}

    def dropped(self, run_id: str) -> set[str]:
        """The chunk commits the person rejected whole."""
        dropped = self._read(run_id).get("dropped", [])
        return {str(c) for c in dropped} if isinstance(dropped, list) else set()

    def marks(self, run_id: str, chunk_commit: str) -> dict[str, str]:
        """The person's review marks on a chunk (hunk key -> state), kept between visits."""
        marks = self._read(run_id).get("marks", {})
        marks = marks.get(chunk_commit, {}) if isinstance(marks, dict) else {}
        return ({str(k): str(v) for k, v in marks.items() if v in MARK_STATES}
                if isinstance(marks, dict) else {})

    def mark_landed(self, run_id: str, chunk_commit: str, landed_as: str) -> None:
        with self._locked(run_id):
            self._update(run_id, landed={**self.landed(run_id), chunk_commit: landed_as})

    def mark_dropped(self, run_id: str, chunk_commit: str) -> None:
        with self._locked(run_id):
            self._update(run_id, dropped=sorted(self.dropped(run_id) | {chunk_commit}))

    def save_marks(self, run_id: str, chunk_commit: str, marks: dict[str, str]) -> None:
        """Replace one chunk's review marks; nothing lands by them (only `L` lands)."""
        with self._locked(run_id):
            saved = self._read(run_id).get("marks", {})
            saved = dict(saved) if isinstance(saved, dict) else {}
            saved[chunk_commit] = {k: v for k, v in marks.items() if v in MARK_STATES}
            self._update(run_id, marks={k: v for k, v in saved.items() if v})

    @contextlib.contextmanager
    def _locked(self, run_id: str) -> Iterator[None]:
        """One read-and-write of inbox.json at a time, across threads, screens and processes
        (a second pairtui on the repo): no update may lose another's."""
        run_dir = self.store.run_dir(run_id)
        run_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(run_dir / "inbox.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _read(self, run_id: str) -> dict:
        try:
            data = json.loads((self.store.run_dir(run_id) / "inbox.json").read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _update(self, run_id: str, **fields: object) -> None:
        """Replace some of inbox.json's fields (landed, dropped, marks), keeping the others."""
        path = self.store.run_dir(run_id) / "inbox.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {**self._read(run_id), **fields}
        write_atomic(path, json.dumps(data, indent=2, sort_keys=True).encode() + b"\n")

    def _branch_exists(self, branch: str) -> bool:
        return self._git.try_run("rev-parse", "--verify", "--quiet", f"refs/heads/{branch}").ok

    def _size(self, branch: str) -> tuple[int, int, int]:
        """(files, lines added, lines removed) from where the branch left HEAD to its tip."""
        out = self._git.try_run("diff", "--numstat", "-z", "--no-renames", f"HEAD...refs/heads/{branch}")
        files = added = removed = 0
        for item in os.fsdecode(out.stdout).split("\0") if out.ok else []:
            parts = item.split("\t")
            if len(parts) != 3:
                continue
            files += 1
            added += int(parts[0]) if parts[0].isdigit() else 0
            removed += int(parts[1]) if parts[1].isdigit() else 0
        return files, added, removed


def _checks(values: list[str | None]) -> str:
    """The chunks' Verify trailers summed up: "3 passed", "2 passed, 1 unverified"."""
    passed = sum(1 for v in values if v and v != "unverified" and " passed" in v)
    other = len(values) - passed
    parts = ([f"{passed} passed"] if passed else []) + ([f"{other} unverified"] if other else [])
    return ", ".join(parts) or "no checks"
