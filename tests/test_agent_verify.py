"""Verify runner: a chunk's check runs bounded in time and output, and dies whole."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

from pairtui.agent.verify import MAX_OUTPUT_BYTES, run_check, tail


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); treat it as dead.
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


def _wait_for_file(path: Path, seconds: float = 5.0) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().strip():
            return path.read_text().strip()
        time.sleep(0.02)
    raise AssertionError(f"{path} never appeared")


async def test_passing_check_streams_lines_and_reports_exit_code(tmp_path):
    seen: list[str] = []
    result = await run_check("echo one; echo two >&2; echo three", tmp_path, 10, seen.append)
    assert result.passed and result.exit_code == 0
    assert seen == ["one", "two", "three"]
    assert result.output == "one\ntwo\nthree\n"


async def test_failing_and_missing_commands_fail_without_raising(tmp_path):
    failed = await run_check("echo broken; exit 2", tmp_path, 10)
    assert not failed.passed and failed.exit_code == 2 and "broken" in failed.output
    missing = await run_check("no-such-command-xyz", tmp_path, 10)
    assert not missing.passed and missing.exit_code == 127


async def test_runs_in_the_given_directory_with_the_python_named_in_verify_env(tmp_path):
    result = await run_check('pwd; python -c "import sys; print(sys.executable)"', tmp_path, 10,
                             verify_env=sys.prefix)
    lines = result.output.splitlines()
    assert Path(lines[0]).resolve() == tmp_path.resolve()
    assert Path(lines[1]).parent == Path(sys.executable).parent
    assert result.python.endswith("(verify_env)")


async def test_timeout_kills_the_whole_process_group_including_grandchildren(tmp_path):
    pid_file = tmp_path / "grandchild.pid"
    command = f"sh -c 'sleep 60 & echo $! > {pid_file}; wait' ; echo never"
    started = time.monotonic()
    result = await run_check(command, tmp_path, timeout=1.0)
    assert result.timed_out and not result.passed and result.exit_code is None
    assert "timed out after 1 s" in result.output
    assert time.monotonic() - started < 8
    grandchild = int(_wait_for_file(pid_file))
    assert not _alive(grandchild)


async def test_a_process_ignoring_sigterm_is_killed(tmp_path):
    result = await run_check("trap '' TERM; sleep 30", tmp_path, timeout=0.5)
    assert result.timed_out and result.duration < 10


async def test_cancelling_the_task_kills_the_group_and_propagates(tmp_path):
    pid_file = tmp_path / "child.pid"
    task = asyncio.ensure_future(
        run_check(f"sleep 60 & echo $! > {pid_file}; wait", tmp_path, timeout=60))
    child = int(await asyncio.to_thread(_wait_for_file, pid_file))
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
    else:
        raise AssertionError("cancellation was swallowed")
    deadline = time.monotonic() + 3  # a SIGKILL lands when the target is next scheduled
    while _alive(child) and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    assert not _alive(child)


async def test_cancel_event_stops_the_check_and_returns_cancelled(tmp_path):
    cancel = asyncio.Event()
    asyncio.get_running_loop().call_later(0.3, cancel.set)
    result = await run_check("echo started; sleep 60", tmp_path, timeout=60, cancel=cancel)
    assert result.cancelled and not result.timed_out and not result.passed
    assert "started" in result.output


async def test_background_children_left_running_do_not_hang_the_check(tmp_path):
    started = time.monotonic()
    result = await run_check("sleep 60 & echo done", tmp_path, timeout=30)
    assert result.passed and "done" in result.output
    assert time.monotonic() - started < 5


async def test_output_is_bounded_and_keeps_the_tail(tmp_path):
    script = "for i in range(40000): print('line', i)"
    result = await run_check(f'python -c "{script}"', tmp_path, timeout=30)
    assert result.passed
    assert len(result.output.encode()) <= MAX_OUTPUT_BYTES + 100
    assert result.output.rstrip().endswith("line 39999")
    assert result.output.startswith("[... earlier output cut ...]")


async def test_long_lines_without_newlines_are_streamed(tmp_path):
    seen: list[str] = []
    result = await run_check("printf '%0200000d' 0", tmp_path, timeout=30, on_output=seen.append)
    assert result.passed and seen == ["0" * 200000]


async def test_a_failing_output_listener_does_not_hang_the_check(tmp_path):
    def broken(line: str) -> None:
        raise RuntimeError("listener bug")

    script = "for i in range(200000): print('x' * 10)"
    result = await run_check(f'python -c "{script}"', tmp_path, timeout=30, on_output=broken)
    assert result.passed and not result.timed_out


def test_tail_keeps_the_last_lines_with_a_note():
    text = "\n".join(f"l{n}" for n in range(100)) + "\n"
    cut = tail(text, lines=3)
    assert cut == "[... 97 earlier lines cut ...]\nl97\nl98\nl99"
    assert tail("a\nb\n", lines=80) == "a\nb"
