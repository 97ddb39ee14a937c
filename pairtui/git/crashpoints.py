"""Named points where a test can make pairtui die as if killed (SIGKILL), to prove that
every write is ordered so that a crash anywhere leaves the person's work recoverable.

Set PAIRTUI_CRASH_AFTER=<point> (e.g. "snapshot:tree-written") in a child process; when the
code reaches that point the process kills itself with SIGKILL: no cleanup, no finally blocks.
"""

from __future__ import annotations

import os
import signal

ENV_VAR = "PAIRTUI_CRASH_AFTER"

# Every point, in the order each operation reaches them.
POINTS: tuple[str, ...] = (
    "snapshot:index-copied",
    "snapshot:files-added",
    "snapshot:tree-written",
    "snapshot:commit-written",
    "snapshot:ref-updated",
    "restore:pre-restore-saved",
    "restore:files-removed",
    "restore:worktree-updated",
    "land:index-built",
    "land:hook-ran",
    "land:commit-written",
    "land:head-updated",
    "land:index-synced",
)


def crash_point(name: str) -> None:
    """Die here, now, if the environment asks for it (tests only; a no-op otherwise)."""
    if os.environ.get(ENV_VAR) == name:
        os.kill(os.getpid(), signal.SIGKILL)
