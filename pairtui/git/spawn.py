"""Starting a child process with pipes, without `subprocess`.

Importing `subprocess` (with threading, selectors and signal handling it pulls in) cost every
command ~4 ms, about what a whole `git rev-parse` takes; git is all pairtui's plumbing runs,
and `os.posix_spawnp` plus one `poll` loop does what it needs. What `subprocess.run` guarantees
and this keeps:

- stdout and stderr are read, and stdin written, together: a child that fills one pipe while
  we wait on another never deadlocks;
- the child starts with SIGPIPE and SIGXFSZ at their defaults (Python ignores both), and
  inherits no fd beyond 0-2 unless the program made one inheritable on purpose (Python opens
  every fd non-inheritable, PEP 446; subprocess's close_fds closed even those);
- every child is reaped: `wait()` on the normal path; on an exception while waiting (ctrl+c)
  the child has 0.25 s to finish (it got the same SIGINT), then is killed and reaped; a
  `Child` dropped unwaited is killed and reaped when it is collected.

There is no working-directory argument (posix_spawn has none in Python 3.11): git's own
`-C DIR` does that.
"""

from __future__ import annotations

import os
import select
import signal
import time

_PIPE_BUF = getattr(select, "PIPE_BUF", 512)
_DEFAULT_SIGNALS = tuple(getattr(signal, name) for name in ("SIGPIPE", "SIGXFSZ")
                         if hasattr(signal, name))


def _pipe() -> tuple[int, int]:
    """A pipe whose ends are above 0-2, so dup2 onto the child's stdio never meets itself
    (possible only in a process started with its stdio closed)."""
    ends = []
    for fd in os.pipe():
        low = []
        while fd <= 2:
            low.append(fd)
            fd = os.dup(fd)
        for extra in low:
            os.close(extra)
        ends.append(fd)
    return ends[0], ends[1]


class Child:
    """A started process: `wait()` feeds it `input`, collects stdout and stderr, and reaps it."""

    def __init__(self, argv: list[str], env: dict[str, str], input: bytes | None) -> None:
        self.pid = 0
        self._input = memoryview(input) if input is not None else None
        self._fds: list[int] = []  # our ends, open until read to the end (or written)
        self._stdin = -1
        child_ends: list[int] = []
        try:
            self._out, out_w = self._track(_pipe(), child_ends)
            self._err, err_w = self._track(_pipe(), child_ends)
            actions: list[tuple] = [(os.POSIX_SPAWN_DUP2, out_w, 1),
                                    (os.POSIX_SPAWN_DUP2, err_w, 2)]
            if input is None:
                actions.append((os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0))
            else:
                self._stdin, in_r = self._track(_pipe()[::-1], child_ends)
                actions.append((os.POSIX_SPAWN_DUP2, in_r, 0))
            self.pid = os.posix_spawnp(argv[0], argv, env, file_actions=actions,
                                       setsigdef=_DEFAULT_SIGNALS)
        except BaseException:
            self._close_all()
            raise
        finally:
            for fd in child_ends:
                os.close(fd)

    def _track(self, ends: tuple[int, int], child_ends: list[int]) -> tuple[int, int]:
        """(ours, the child's): remember both so that a failure on the way closes them."""
        self._fds.append(ends[0])
        child_ends.append(ends[1])
        return ends

    def wait(self) -> tuple[int, bytes, bytes]:
        """(exit code, stdout, stderr); the exit code is -N when signal N ended the child."""
        try:
            out, err = self._communicate()
            _, status = os.waitpid(self.pid, 0)
        except BaseException:
            self._stop(grace=0.25)
            raise
        self.pid = 0
        return os.waitstatus_to_exitcode(status), out, err

    def _communicate(self) -> tuple[bytes, bytes]:
        chunks: dict[int, list[bytes]] = {self._out: [], self._err: []}
        poller = select.poll()
        for fd in chunks:
            poller.register(fd, select.POLLIN)
        pending = self._input
        if self._stdin >= 0:
            if pending:
                poller.register(self._stdin, select.POLLOUT)
            else:
                self._close(self._stdin)
        while self._fds:
            for fd, _event in poller.poll():
                if fd == self._stdin:
                    try:
                        pending = pending[os.write(fd, pending[:_PIPE_BUF]):]
                    except BrokenPipeError:  # the child stopped reading: what it says matters
                        pending = None
                    if not pending:
                        poller.unregister(fd)
                        self._close(fd)
                    continue
                data = os.read(fd, 1 << 16)
                if data:
                    chunks[fd].append(data)
                else:
                    poller.unregister(fd)
                    self._close(fd)
        return b"".join(chunks[self._out]), b"".join(chunks[self._err])

    def _close(self, fd: int) -> None:
        os.close(fd)
        self._fds.remove(fd)
        if fd == self._stdin:
            self._stdin = -1

    def _close_all(self) -> None:
        for fd in list(self._fds):
            self._close(fd)

    def _stop(self, grace: float) -> None:
        """Close our ends, give the child `grace` seconds to exit, then kill it; reap it."""
        self._close_all()
        pid, self.pid = self.pid, 0
        if not pid:
            return
        deadline = time.monotonic() + grace
        while True:
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done or time.monotonic() >= deadline:
                break
            time.sleep(0.005)
        if not done:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)

    def __del__(self) -> None:
        if self.pid or self._fds:  # started but never waited for (an error path upstream)
            try:
                self._stop(grace=0)
            except (OSError, TypeError, AttributeError):  # interpreter shutdown: nothing to tidy
                pass
