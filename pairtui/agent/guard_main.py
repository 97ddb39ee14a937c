"""The guard process (see group_guard.py). Run as a script, standard library only:

    python -I -S guard_main.py WATCHED_PID -- PATH ARGV0 [ARG ...]

It leads a process group, runs PATH (as ARGV0 ...) as its child with the same stdio, kills the
whole group once WATCHED_PID (pairtui, its parent) is gone, passes signals sent to it on to
the group, and exits as the program exited (the same code, or death by the same signal).

Invisible while pairtui lives: the program starts with default signal dispositions (Python
ignores SIGPIPE and SIGXFSZ, and an ignored signal would stay ignored across exec: `yes | head`
in a check would never end), and a SIGTERM for the group reaches the program while the guard
waits on, so a program's own grace period (its clean-up on SIGTERM) is kept. Only a signal to
the whole group is safe: SIGKILL of the guard alone would leave the program unguarded.
"""

import os
import select
import signal
import sys

PASSED_ON = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGQUIT)
POLL_SECONDS = 0.1  # only where pidfds are missing (not Linux)


RESET_IN_CHILD = (*PASSED_ON, signal.SIGPIPE, signal.SIGXFSZ)


def _pass_on(signum: int, _frame: object) -> None:
    """A signal to the guard alone goes to the whole group; the guard itself stays to report
    how the program ended (whoever stops the group escalates to SIGKILL if it must)."""
    signal.signal(signum, signal.SIG_IGN)
    os.killpg(0, signum)


def _orphaned() -> None:
    os.killpg(0, signal.SIGKILL)


def _start(path: str, argv: list[str]) -> int:
    child = os.fork()
    if child == 0:
        try:
            for signum in RESET_IN_CHILD:
                signal.signal(signum, signal.SIG_DFL)
            os.execv(path, argv)
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
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # the program's crash, not a guard's
        try:
            signal.signal(signum, signal.SIG_DFL)  # SIGKILL and SIGSTOP cannot be set: no need
        except (OSError, ValueError):
            pass
        os.kill(os.getpid(), signum)
        os._exit(128 + signum)  # a signal whose default is not to end the process
    os._exit(os.waitstatus_to_exitcode(status))


def main(args: list[str]) -> None:
    watched, path, argv = int(args[0]), args[2], args[3:]
    if os.getpgid(0) != os.getpid():
        os.setpgid(0, 0)
    for signum in PASSED_ON:
        signal.signal(signum, _pass_on)
    if os.getppid() != watched:  # pairtui was gone before the guard started
        _orphaned()
    _exit_as(_wait(_start(path, argv), watched))


if __name__ == "__main__":
    main(sys.argv[1:])
