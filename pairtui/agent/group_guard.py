"""A process group that dies with pairtui, even when pairtui is killed with SIGKILL.

Agents, checks and MCP servers run in process groups of their own, so pairtui can stop each
with everything it started. pairtui kills those groups when it exits, when a step is stopped,
and on SIGTERM or SIGHUP, but a SIGKILL gives it no chance: the group would live on, orphaned
(an agent still editing files, a test server holding a port). So each such program is started
through a small guard (guard_main.py, run as a plain script by the same interpreter, importing
only the standard library): the guard leads the group, runs the program as its child with the
same stdio, and watches pairtui's process. When pairtui is gone, however it died, the guard
kills its whole group. While pairtui lives, the guard is invisible: it passes the program's
exit status on as its own and passes signals sent to it on to the whole group.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path

GUARD = str(Path(__file__).with_name("guard_main.py"))


def guarded(argv: list[str], env: Mapping[str, str] | None = None,
            cwd: str | Path | None = None) -> list[str]:
    """`argv` run through the guard. A program that cannot be found raises FileNotFoundError
    here, in pairtui, as starting it directly would (the guard itself always starts). The
    program is looked up as the OS would for a child with `env` in `cwd`."""
    program = argv[0]
    if os.sep in program and cwd is not None:
        program = os.path.join(cwd, program)
    path = (env if env is not None else os.environ).get("PATH", os.defpath)
    found = shutil.which(program, path=path)
    if found is None:
        raise FileNotFoundError(2, "No such file or directory", argv[0])
    if not os.path.isabs(found) and cwd is not None:  # a relative PATH entry: the child's cwd
        found = os.path.join(cwd, found)
    # -I -S: the guard's start ignores PYTHON* variables and site-packages (the program's
    # environment is the program's, and a project's PYTHONHOME must not break the guard).
    # The program gets the argv[0] it was given; `found` is only where it is.
    return [sys.executable, "-I", "-S", GUARD, str(os.getpid()), "--", found, *argv]


def guarded_shell(command: str) -> list[str]:
    """`/bin/sh -c command` through the guard: what a check runs."""
    return guarded(["/bin/sh", "-c", command])
