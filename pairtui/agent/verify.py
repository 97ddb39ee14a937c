"""Running a chunk's check: a shell command in the repo, bounded in time and output.

The command runs in its own process group, so a timeout or a cancelled task kills it whole
(the shell, pytest and any grandchildren: SIGTERM, then SIGKILL after a grace period).
Output is streamed line by line as it comes and kept bounded (the tail is what matters).
The interpreter's own bin directory goes first on PATH, so `python -m pytest` finds the
venv pairtui runs in. The check never sees pairtui's own API keys (KEY_ENV_VARS are left out
of its environment), and its output is redacted (core/redact.py) before anyone reads it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from pairtui.core.redact import KEY_ENV_VARS, env_secrets, redact

MAX_OUTPUT_BYTES = 64 * 1024
KILL_GRACE_SECONDS = 2.0
_READ_SIZE = 16 * 1024


@dataclass(frozen=True)
class CheckResult:
    """What a check did. `output` is the last MAX_OUTPUT_BYTES of stdout+stderr."""

    command: str
    passed: bool
    exit_code: int | None  # None when it never finished (timed out, cancelled, not started)
    output: str
    timed_out: bool = False
    cancelled: bool = False
    duration: float = 0.0


def check_env() -> dict[str, str]:
    """The environment for checks: ours without pairtui's API keys, this interpreter's bin
    dir first on PATH."""
    env = {name: value for name, value in os.environ.items() if name not in KEY_ENV_VARS}
    bin_dir = str(Path(sys.executable).parent)
    parts = [p for p in env.get("PATH", "").split(os.pathsep) if p and p != bin_dir]
    env["PATH"] = os.pathsep.join([bin_dir, *parts])
    return env


class _Collector:
    """Keeps the output tail and hands complete lines to `on_output`."""

    def __init__(self, on_output: Callable[[str], None] | None) -> None:
        self._on_output = on_output
        self._tail = bytearray()
        self._partial = b""
        self.cut = False

    def feed(self, data: bytes) -> None:
        self._tail += data
        if len(self._tail) > MAX_OUTPUT_BYTES:
            del self._tail[: len(self._tail) - MAX_OUTPUT_BYTES]
            self.cut = True
        if self._on_output is None:
            return
        pending = self._partial + data
        *lines, self._partial = pending.split(b"\n")
        for line in lines:
            self._emit(line)

    def close(self) -> None:
        if self._partial:
            self._emit(self._partial)
            self._partial = b""

    def _emit(self, line: bytes) -> None:
        if self._on_output is None:
            return
        try:
            self._on_output(line.rstrip(b"\r").decode("utf-8", "replace"))
        except Exception:
            # A broken listener must not stop the reading (a full pipe would hang the check).
            self._on_output = None

    def text(self) -> str:
        data = bytes(self._tail)
        if self.cut:
            newline = data.find(b"\n")
            data = data[newline + 1:] if 0 <= newline < 1024 else data
        text = data.decode("utf-8", "replace")
        return ("[... earlier output cut ...]\n" + text) if self.cut else text


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


async def _exited(proc: asyncio.subprocess.Process) -> int:
    """The shell's exit code. (Process.wait() would also wait for every process still
    holding the output pipe, such as a server the check left running in the background.)"""
    while proc.returncode is None:
        await asyncio.sleep(0.02)
    return proc.returncode


async def _stop_group(proc: asyncio.subprocess.Process) -> None:
    """SIGTERM the whole group, SIGKILL whatever is left after the grace period."""
    _signal_group(proc.pid, signal.SIGTERM)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(_exited(proc), KILL_GRACE_SECONDS)
    _signal_group(proc.pid, signal.SIGKILL)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(_exited(proc), KILL_GRACE_SECONDS)


async def _pump(stream: asyncio.StreamReader, collector: _Collector) -> None:
    while chunk := await stream.read(_READ_SIZE):
        collector.feed(chunk)


async def run_check(
    command: str,
    cwd: Path,
    timeout: float,
    on_output: Callable[[str], None] | None = None,
    cancel: asyncio.Event | None = None,
    secrets: Iterable[str | None] = (),
) -> CheckResult:
    """Run `command` through the shell in `cwd`; passed means exit code 0 within `timeout`.

    Setting `cancel` stops the check and returns `cancelled=True`; cancelling the awaiting
    task stops it too and re-raises CancelledError. Either way the process group is gone
    before this returns. Never raises for a failing or missing command (exit code 127).
    `output` and the lines given to `on_output` are redacted with `secrets` and the values
    of KEY_ENV_VARS.
    """
    started = time.monotonic()
    masked = (*secrets, *env_secrets(os.environ))
    listener = None if on_output is None else (lambda line: on_output(redact(line, masked)))
    collector = _Collector(listener)
    try:
        proc = await asyncio.create_subprocess_shell(
            command, cwd=cwd, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
            start_new_session=True, env=check_env(),
        )
    except OSError as exc:
        return CheckResult(command, False, None, f"could not start the check: {exc}",
                           duration=time.monotonic() - started)
    assert proc.stdout is not None
    pump = asyncio.ensure_future(_pump(proc.stdout, collector))
    waiter = asyncio.ensure_future(_exited(proc))
    stopper = asyncio.ensure_future(cancel.wait()) if cancel else None
    timed_out = cancelled = False
    try:
        watched = {waiter} | ({stopper} if stopper else set())
        done, _ = await asyncio.wait(watched, timeout=timeout,
                                     return_when=asyncio.FIRST_COMPLETED)
        if waiter not in done:
            cancelled = stopper in done
            timed_out = not cancelled
            await _stop_group(proc)
        # A finished shell may leave children holding the pipe: give them a moment, then end them.
        try:
            await asyncio.wait_for(asyncio.shield(pump), 1.0)
        except TimeoutError:
            _signal_group(proc.pid, signal.SIGKILL)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(pump), 1.0)
        _signal_group(proc.pid, signal.SIGKILL)
    except asyncio.CancelledError:
        await asyncio.shield(_stop_group(proc))
        raise
    finally:
        for task in (pump, waiter, stopper):
            if task is not None and not task.done():
                task.cancel()
        collector.close()
    exit_code = None if (timed_out or cancelled) else proc.returncode
    output = redact(collector.text(), masked)
    if timed_out:
        output += f"\n[check timed out after {timeout:g} s and was stopped]"
    if cancelled:
        output += "\n[check cancelled]"
    return CheckResult(
        command=command, passed=exit_code == 0, exit_code=exit_code, output=output,
        timed_out=timed_out, cancelled=cancelled, duration=time.monotonic() - started,
    )


def tail(output: str, lines: int = 80) -> str:
    """The last `lines` lines of `output`, with a note saying how many were left out."""
    all_lines = output.rstrip("\n").split("\n")
    if len(all_lines) <= lines:
        return output.rstrip("\n")
    cut = len(all_lines) - lines
    return f"[... {cut} earlier lines cut ...]\n" + "\n".join(all_lines[-lines:])
