"""The run queue: at most `max_runs` runs at a time, each its own detached process.

There is no daemon. Each run's process waits its turn: under the records' lock it counts the
live running runs and the live queued runs older than it, and starts when there is a slot for
it (oldest first). A slot frees when a run ends or its process dies (a dead pid is not running).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from pairtui.agent.runs.records import LIVE, RunRecord, RunStore, now, pid_alive, process_start
from pairtui.errors import UsageError


def take_slot(store: RunStore, run_id: str, max_runs: int) -> bool:
    """Mark this run running (with this process's pid) if a slot is free for it."""
    with store.locked():
        me = store.load(run_id)
        if me is None:
            raise UsageError(f"run {run_id} has no record")
        if me.state not in LIVE:  # cancelled while it waited
            raise UsageError(f"run {run_id} is {me.state}; not starting it")
        others = [r for r in store.all() if r.id != run_id]
        running = sum(1 for r in others if r.effective_state == "running")
        ahead = sum(1 for r in others if r.effective_state == "queued"
                    and (r.created, r.id) < (me.created, me.id))
        mine = {"pid": os.getpid(), "pid_start": process_start(os.getpid())}
        if running + ahead >= max_runs:
            if me.pid != mine["pid"] or me.pid_start != mine["pid_start"]:
                store.save(_with(me, **mine))
            return False
        store.save(_with(me, state="running", **mine))
        return True


def wait_for_slot(store: RunStore, run_id: str, max_runs: int,
                  on_wait: Callable[[], None] | None = None, poll: float = 0.2) -> None:
    """Block until this run may start (calls on_wait once if it has to wait)."""
    told = False
    while not take_slot(store, run_id, max_runs):
        if not told and on_wait is not None:
            on_wait()
            told = True
        time.sleep(poll)


def detach(argv: list[str], log: Path, cwd: Path) -> int:
    """Start `argv` as its own session and process group, stdin from /dev/null and output to
    `log`, so it outlives the shell that started it; returns its pid at once."""
    with open(log, "ab") as out:
        proc = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True, close_fds=True)
    return proc.pid


def cancel(store: RunStore, record: RunRecord, grace: float = 10.0) -> RunRecord:
    """SIGTERM to the run's process group, SIGKILL after `grace` seconds; the worktree stays.
    A run not started yet is marked cancelled under the lock, so it never takes a slot."""
    note = f"cancelled; its worktree is kept at {record.worktree}"
    with store.locked():
        current = store.load(record.id) or record
        if current.pid is None or not _alive(current):
            current = _with(current, state="cancelled", note=note, finished=now())
            store.save(current)
            return current
        store.save(_with(current, note=note))  # the run's own ending reads it: cancelled
    _signal_group(current.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while _alive(current) and time.monotonic() < deadline:
        time.sleep(0.05)
    if _alive(current):
        _signal_group(current.pid, signal.SIGKILL)
    done = store.update(record.id, state="cancelled", note=note, finished=now())
    return done or current


def _alive(record: RunRecord) -> bool:
    return record.pid is not None and pid_alive(record.pid, record.pid_start)


def _signal_group(pid: int, sig: int) -> None:
    """The whole group when the run leads one (a detached run); else only its process, never
    the group of the shell a foreground run shares."""
    try:
        if os.getpgid(pid) == pid:
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _with(record: RunRecord, **changes: object) -> RunRecord:
    from dataclasses import replace

    return replace(record, **changes)
