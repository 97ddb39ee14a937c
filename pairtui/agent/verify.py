"""Running a chunk's check: a shell command in the repo, bounded in time and output.

The command runs in its own process group, so a timeout or a cancelled task kills it whole
(the shell, pytest and any grandchildren: SIGTERM, then SIGKILL after a grace period).
Output is streamed line by line as it comes and kept bounded (the tail is what matters).

Checks run in the person's environment, never pairtui's own (config `verify_env`): "auto" keeps
PATH as it is when a virtual environment is active (VIRTUAL_ENV), else uses the repo's `.venv/`
or `venv/` when it has a bin/python (its bin first on PATH, VIRTUAL_ENV set), else PATH as it
is; "inherit" is PATH as it is; any other value is a virtual environment's directory (relative
to the repo, or absolute). Only the demo points it at pairtui's own interpreter. Which `python`
the check's PATH finds is said in CheckResult.python. The check never sees pairtui's own API
keys (KEY_ENV_VARS are left out of its environment), and its output is redacted
(core/redact.py) before anyone reads it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from pairtui.agent.group_guard import guarded_shell
from pairtui.core.redact import KEY_ENV_VARS, env_secrets, redact
from pairtui.errors import ConfigError

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
    python: str = ""  # which interpreter the check's PATH finds, e.g. "python: /r/.venv/bin/python (repo .venv)"


@dataclass(frozen=True)
class CheckEnv:
    """The environment a check runs in, and which `python` its PATH finds (for the person)."""

    env: dict[str, str]
    python: str | None
    source: str  # "repo .venv", "active virtualenv", "PATH", "verify_env"

    def describe(self) -> str:
        if self.python is None:
            return f"python: not found on PATH ({self.source})"
        return f"python: {self.python} ({self.source})"


VENV_DIRS = (".venv", "venv")


def _venv_python(directory: Path) -> Path | None:
    for name in ("python", "python3"):
        candidate = directory / "bin" / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def check_env(repo_root: Path, setting: str = "auto") -> CheckEnv:
    """The environment for checks in `repo_root` under `verify_env` = `setting` (see the module
    docstring): the person's, without pairtui's API keys. ConfigError when `setting` names a
    directory that is not a virtual environment."""
    env = {name: value for name, value in os.environ.items() if name not in KEY_ENV_VARS}
    venv: Path | None = None
    source = "PATH"
    if setting == "auto":
        if env.get("VIRTUAL_ENV", "").strip():
            source = "active virtualenv"
        else:
            found = [Path(repo_root) / name for name in VENV_DIRS
                     if _venv_python(Path(repo_root) / name)]
            if found:
                venv, source = found[0], f"repo {found[0].name}"
    elif setting != "inherit":
        venv = Path(setting).expanduser()
        venv = venv if venv.is_absolute() else Path(repo_root) / venv
        if _venv_python(venv) is None:
            raise ConfigError(f"verify_env: {venv} is not a virtual environment (no bin/python); "
                              'set verify_env to "auto", "inherit" or a virtualenv directory')
        source = "verify_env"
    if venv is not None:
        bin_dir = str(venv.absolute() / "bin")
        parts = [p for p in env.get("PATH", "").split(os.pathsep) if p and p != bin_dir]
        env["PATH"] = os.pathsep.join([bin_dir, *parts])
        env["VIRTUAL_ENV"] = str(venv.absolute())
        env.pop("PYTHONHOME", None)
    path = env.get("PATH", "")
    python = shutil.which("python", path=path) or shutil.which("python3", path=path)
    return CheckEnv(env, python, source)


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
    verify_env: str = "auto",
) -> CheckResult:
    """Run `command` through the shell in `cwd`; passed means exit code 0 within `timeout`.

    Setting `cancel` stops the check and returns `cancelled=True`; cancelling the awaiting
    task stops it too and re-raises CancelledError. Either way the process group is gone
    before this returns. Never raises for a failing or missing command (exit code 127).
    `output` and the lines given to `on_output` are redacted with `secrets` and the values
    of KEY_ENV_VARS. The environment is check_env(cwd, verify_env) (ConfigError for a
    `verify_env` directory that is not a virtual environment: nothing is run).
    """
    environment = check_env(cwd, verify_env)
    started = time.monotonic()
    masked = (*secrets, *env_secrets(os.environ))
    listener = None if on_output is None else (lambda line: on_output(redact(line, masked)))
    collector = _Collector(listener)
    try:
        proc = await asyncio.create_subprocess_exec(
            *guarded_shell(command), cwd=cwd, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
            start_new_session=True, env=environment.env,
        )
    except OSError as exc:
        return CheckResult(command, False, None, f"could not start the check: {exc}",
                           duration=time.monotonic() - started, python=environment.describe())
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
        python=environment.describe(),
    )


def tail(output: str, lines: int = 80) -> str:
    """The last `lines` lines of `output`, with a note saying how many were left out."""
    all_lines = output.rstrip("\n").split("\n")
    if len(all_lines) <= lines:
        return output.rstrip("\n")
    cut = len(all_lines) - lines
    return f"[... {cut} earlier lines cut ...]\n" + "\n".join(all_lines[-lines:])
