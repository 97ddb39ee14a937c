"""What pairtui starts dies with it, even when pairtui is killed with SIGKILL: checks, ACP agents
and MCP servers run under the group guard (agent/group_guard.py). Each kill test starts a real
Python process standing in for pairtui, which starts the program the way pairtui does; the test
then SIGKILLs it (no atexit, no signal handler runs) and asserts that every process of the
program's group is gone within a few seconds."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from pairtui.agent.group_guard import guarded, guarded_shell
from tests.support_acp import still_running
from tests.support_mcp import server_table

ROOT = Path(__file__).resolve().parent.parent
# A program that starts a child in the background, records both pids, and waits.
SPAWNS = 'sleep 300 & echo "$$ $!" > "$PIDFILE"; wait'


def _run(argv: list[str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(argv, capture_output=True, start_new_session=True, timeout=30)


def test_the_guarded_program_exits_and_speaks_as_it_would_alone():
    assert _run(guarded_shell("exit 3")).returncode == 3
    assert _run(guarded_shell("kill -TERM $$")).returncode == -signal.SIGTERM
    out = _run(guarded_shell("echo out; echo err >&2"))
    assert (out.returncode, out.stdout, out.stderr) == (0, b"out\n", b"err\n")
    assert _run(guarded_shell("no-such-command-here")).returncode == 127
    with pytest.raises(FileNotFoundError):
        guarded(["no-such-program-here"])


def test_the_program_starts_with_default_signals_and_dies_as_it_would_alone():
    # Python ignores SIGPIPE; a program inheriting that would never see `head` close its pipe
    mask = _run(guarded_shell("grep SigIgn /proc/self/status")).stdout.split()[-1]
    assert int(mask, 16) == 0
    ended = _run(guarded_shell("while :; do echo y; done | head -1"))
    assert (ended.returncode, ended.stdout, ended.stderr) == (0, b"y\n", b"")
    assert _run(guarded_shell("kill -KILL $$")).returncode == -signal.SIGKILL


def test_a_stopped_check_keeps_its_grace_period(tmp_path):
    import asyncio

    from pairtui.agent.verify import run_check

    marker, started = tmp_path / "cleaned-up", tmp_path / "started"
    program = (f"import signal, sys, time, pathlib\n"
               f"def bye(*_):\n    time.sleep(0.1); pathlib.Path({str(marker)!r}).touch(); sys.exit(0)\n"
               f"signal.signal(signal.SIGTERM, bye)\npathlib.Path({str(started)!r}).touch()\n"
               f"time.sleep(60)\n")
    (tmp_path / "child.py").write_text(program)

    async def stop_when_started() -> None:
        cancel = asyncio.Event()

        async def later() -> None:
            while not started.exists():
                await asyncio.sleep(0.02)
            cancel.set()

        task = asyncio.ensure_future(later())
        result = await run_check(f"exec {sys.executable} child.py", tmp_path, 30, cancel=cancel)
        await task
        assert result.cancelled

    asyncio.run(stop_when_started())
    assert marker.exists(), "the check's own SIGTERM clean-up ran before anything was killed"


def test_a_signal_to_the_guard_reaches_the_whole_group(tmp_path):
    pidfile = tmp_path / "pids"
    proc = subprocess.Popen(guarded_shell(SPAWNS), start_new_session=True,
                            env={**os.environ, "PIDFILE": str(pidfile)})
    pids = _pids(pidfile)
    proc.send_signal(signal.SIGTERM)  # to the guard alone, not to the group
    assert proc.wait(10) == -signal.SIGTERM  # as the program ended: the shell died of it
    assert still_running(*pids) == []


def _pids(pidfile: Path, seconds: float = 20.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while True:
        if pidfile.exists() and len(pidfile.read_text().split()) == 2:
            return [int(p) for p in pidfile.read_text().split()]
        if time.monotonic() > deadline:
            raise AssertionError("the program never started")
        time.sleep(0.02)


def _kill_pairtui_then_check(script: str, pidfile: Path) -> None:
    """Run `script` as pairtui would run its part, SIGKILL it once the program's two pids are
    written, and assert that both are gone shortly after."""
    pairtui = subprocess.Popen([sys.executable, "-c", textwrap.dedent(script)], cwd=ROOT,
                               env={**os.environ, "PIDFILE": str(pidfile)})
    try:
        pids = _pids(pidfile)
        assert still_running(*pids, seconds=0) == pids
        pairtui.kill()
        pairtui.wait(10)
        assert still_running(*pids) == []
    finally:  # nothing left behind by a failing test
        pairtui.kill()
        for pid in _pids(pidfile, 0) if pidfile.exists() else ():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def test_a_check_dies_with_pairtui_even_of_sigkill(tmp_path):
    _kill_pairtui_then_check(f"""
        import asyncio
        from pathlib import Path
        from pairtui.agent.verify import run_check
        asyncio.run(run_check({SPAWNS!r}, Path({str(tmp_path)!r}), timeout=120))
    """, tmp_path / "pids")


def test_an_acp_agent_dies_with_pairtui_even_of_sigkill(tmp_path):
    _kill_pairtui_then_check(f"""
        import asyncio, os
        from pathlib import Path
        from pairtui.agent.executors.acp_process import AgentProcess
        from pairtui.models.acp_agents import AgentSpec

        async def main():
            spec = AgentSpec("fake", ("/bin/sh", "-c", {SPAWNS!r}), dict(os.environ))
            await AgentProcess.spawn(spec, Path({str(tmp_path)!r}))
            await asyncio.sleep(120)
        asyncio.run(main())
    """, tmp_path / "pids")


def test_an_mcp_server_and_its_child_die_with_pairtui_even_of_sigkill(tmp_path):
    # the server sees its stdin close and exits by itself; the child it started would not
    table = server_table(MCP_TEST_PIDFILE=str(tmp_path / "pids"), MCP_TEST_CHILD="1")
    _kill_pairtui_then_check(f"""
        import asyncio
        from pairtui.agent.mcp.hub import McpHub
        from pairtui.agent.mcp.servers import server_from

        async def main():
            hub = McpHub([server_from("t", {table!r}, "user config", True)], print)
            await hub.start()
            await asyncio.sleep(120)
        asyncio.run(main())
    """, tmp_path / "pids")
