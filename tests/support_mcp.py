"""Helpers for the MCP tests: the real stdio test server (tests/mcp_test_server.py) as a
configured server, and a check that its processes are gone."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

SERVER = str(Path(__file__).with_name("mcp_test_server.py"))


def server_table(**env: str) -> dict[str, Any]:
    """A `[mcp.servers.NAME]` / `.mcp.json` entry starting the test server."""
    return {"command": sys.executable, "args": [SERVER], "env": dict(env)}


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (exited, not yet reaped by its parent) is not running
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def pids(pidfile: Path) -> list[int]:
    return [int(line) for line in pidfile.read_text().split()] if pidfile.exists() else []


def wait_gone(found: list[int], seconds: float = 5.0) -> list[int]:
    """The processes still running after up to `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(alive(p) for p in found):
        time.sleep(0.05)
    return [p for p in found if alive(p)]
