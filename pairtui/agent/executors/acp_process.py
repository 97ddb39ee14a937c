"""An ACP agent's process: spawned in its own process group, killed as a group, never orphaned.

The agent runs with the repository as its working directory and only the environment its spec
gives it (models/acp_agents.py). It gets a process group of its own, so closing it kills
everything it started too (codex-acp's npm wrapper leaves its native child running on SIGTERM:
a signal to the leader alone would orphan it). Every live group is also killed when pairtui's
interpreter exits, and on SIGTERM or SIGHUP (a kill of pairtui, a closed terminal) before the
signal does what it did before (pairtui still dies of it). A SIGKILL of pairtui gives it no
chance, so the agent is started through a guard that kills the group once pairtui is gone
(agent/group_guard.py). Stderr is drained continuously (a full pipe would
block the agent) and its tail kept for error messages.
"""

from __future__ import annotations

import asyncio
import atexit
import collections
import contextlib
import os
import re
import signal
import threading
from pathlib import Path
from types import FrameType
from typing import Any

from pairtui.agent.group_guard import guarded
from pairtui.models.acp_agents import AgentSpec

STDIO_LIMIT = 50 * 1024 * 1024  # one JSON-RPC line may carry a whole file
TERM_GRACE = 0.3  # seconds between SIGTERM and SIGKILL of the group
STDERR_LINES = 40

_LIVE_GROUPS: set[int] = set()
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")  # colours in agents' logs


def _kill_group(pgid: int, sig: int = signal.SIGKILL) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


@atexit.register
def _kill_live_groups() -> None:
    """Whatever ends pairtui's interpreter normally, no agent outlives it."""
    for pgid in list(_LIVE_GROUPS):
        _kill_group(pgid)
    _LIVE_GROUPS.clear()


_PREVIOUS: dict[int, Any] = {}


def _reap_then_pass_on(signum: int, frame: FrameType | None) -> None:
    _kill_live_groups()
    previous = _PREVIOUS.get(signum, signal.SIG_DFL)
    if callable(previous):
        previous(signum, frame)
    elif previous != signal.SIG_IGN:
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)


def _install_reaper() -> None:
    """Kill agents on SIGTERM/SIGHUP too (atexit does not run on a default signal death)."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in (signal.SIGTERM, signal.SIGHUP):
        current = signal.getsignal(signum)
        if signum in _PREVIOUS or current is _reap_then_pass_on:
            continue
        _PREVIOUS[signum] = current
        signal.signal(signum, _reap_then_pass_on)


class AgentProcess:
    """One running agent program, its stdio pipes and its process group."""

    def __init__(self, spec: AgentSpec, process: asyncio.subprocess.Process) -> None:
        self.spec = spec
        self.process = process
        self.pgid = process.pid  # start_new_session: the leader's pid is the group id
        self._stderr: collections.deque[str] = collections.deque(maxlen=STDERR_LINES)
        self._drain = asyncio.ensure_future(self._drain_stderr())
        _LIVE_GROUPS.add(self.pgid)

    @classmethod
    async def spawn(cls, spec: AgentSpec, cwd: Path) -> AgentProcess:
        """Start the agent; OSError (not executable, vanished) becomes the caller's to report."""
        _install_reaper()
        process = await asyncio.create_subprocess_exec(
            *guarded(spec.argv, spec.env, cwd), cwd=str(cwd), env=spec.env,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            start_new_session=True, limit=STDIO_LIMIT,
        )
        return cls(spec, process)

    @property
    def alive(self) -> bool:
        return self.process.returncode is None

    def stderr_tail(self, lines: int = 3) -> str:
        """The last lines the agent wrote to stderr, joined for a one-line message."""
        kept = [line for line in self._stderr if line.strip()]
        return " | ".join(kept[-lines:])

    async def _drain_stderr(self) -> None:
        stream = self.process.stderr
        if stream is None:
            return
        with contextlib.suppress(Exception):
            while line := await stream.readline():
                text = _ANSI.sub("", line.decode("utf-8", "replace")).rstrip()
                self._stderr.append(text[:400])

    async def close(self) -> None:
        """Close stdin, TERM then KILL the whole group; returns once the leader is reaped."""
        if self.process.stdin is not None:
            with contextlib.suppress(Exception):
                self.process.stdin.close()
        if self.alive:
            _kill_group(self.pgid, signal.SIGTERM)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.process.wait(), TERM_GRACE)
        _kill_group(self.pgid)  # the leader may be gone while its children are not
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.process.wait(), 2.0)
        _LIVE_GROUPS.discard(self.pgid)
        self._drain.cancel()
        with contextlib.suppress(BaseException):
            await self._drain

    def kill_now(self) -> None:
        """Synchronous last resort (no event loop to wait on): SIGKILL the group."""
        _kill_group(self.pgid)
        _LIVE_GROUPS.discard(self.pgid)
