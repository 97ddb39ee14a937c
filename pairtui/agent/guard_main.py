"""The guard process (see group_guard.py). Run as a script, standard library only:

    python -I -S guard_main.py WATCHED_PID -- PROGRAM [ARG ...]

It leads a process group, runs PROGRAM as its child with the same stdio, kills the whole group
once WATCHED_PID (pairtui, its parent) is gone, passes signals sent to it on to the group, and
exits as PROGRAM exited (the same code, or death by the same signal).
"""

from __future__ import annotations

import os
import select
import signal
import sys

PASSED_ON = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGQUIT)
POLL_SECONDS = 0.1  # only where pidfds are missing (not Linux)


def _pass_on(signum: int, _frame: object) -> None:
    signal.signal(signum, signal.SIG_DFL)
    os.killpg(0, signum)  # the guard too: it dies of the signal like the rest


def _orphaned() -> None:
    os.killpg(0, signal.SIGKILL)


def _start(argv: list[str]) -> int:
    child = os.fork()
    if child == 0:
        try:
            os.execv(argv[0], argv)
        except OSError as exc:
            os.write(2, f"pairtui: cannot run {argv[0]}: {exc.strerror}\n".encode())
        os._exit(127)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):  # the program's pipes reach end-of-file when the program closes them
        os.dup2(devnull, fd)
    os.close(devnull)
    return child


def _pidfd(pid: int) -> int | None:
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


def _wait(child: int, watched: int) -> int:
    """The child's wait status; never returns if the watched process goes first."""
    parent_fd, child_fd = _pidfd(watched), _pidfd(child)
    pidfds = [fd for fd in (parent_fd, child_fd) if fd is not None]
    timeout = None if len(pidfds) == 2 else POLL_SECONDS
    ready: list[int] = []
    while True:
        if os.getppid() != watched or (parent_fd is not None and parent_fd in ready):
            _orphaned()
        done, status = os.waitpid(child, os.WNOHANG)
        if done:
            return status
        ready = select.select(pidfds, [], [], timeout)[0]


def _exit_as(status: int) -> None:
    if os.WIFSIGNALED(status):
        signum = os.WTERMSIG(status)
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        os._exit(128 + signum)  # a signal whose default is not to end the process
    os._exit(os.waitstatus_to_exitcode(status))


def main(args: list[str]) -> None:
    watched, argv = int(args[0]), args[2:]
    if os.getpgid(0) != os.getpid():
        os.setpgid(0, 0)
    for signum in PASSED_ON:
        signal.signal(signum, _pass_on)
    if os.getppid() != watched:  # pairtui was gone before the guard started
        _orphaned()
    _exit_as(_wait(_start(argv), watched))


if __name__ == "__main__":
    main(sys.argv[1:])
