"""Helpers for the ACP tests: a config declaring the scripted fake agent, and its log."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from pairtui.config import AgentConfig, Config

FAKE_AGENT = Path(__file__).with_name("fake_acp_agent.py")

PLAN = """\
# Goal: Greet people by name

## Chunk 1: Add a greet function
Files: src/app.py

Add greet(name) returning "hello <name>".
"""

GREET = "def hello():\n    return 'hi'\n\n\ndef greet(name):\n    return f'hello {name}'\n"


def fake_agent(tmp_path: Path, script: list[list[dict[str, Any]]],
               env: dict[str, str] | None = None) -> tuple[AgentConfig, Path]:
    """The `[agents.fake]` entry running `script`, and the log file it writes."""
    script_path = tmp_path / "acp_script.json"
    script_path.write_text(json.dumps(script))
    log = tmp_path / "acp_log.jsonl"
    return AgentConfig((sys.executable, str(FAKE_AGENT), str(script_path), str(log)),
                       dict(env or {})), log


def fake_config(tmp_path: Path, script: list[list[dict[str, Any]]], **fields: Any) -> tuple[Config, Path]:
    agent, log = fake_agent(tmp_path, script, fields.pop("agent_env", None))
    return Config(executor="acp:fake", planner="acp:fake", agents={"fake": agent}, **fields), log


def read_log(log: Path) -> list[dict[str, Any]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def events_of(log: Path, kind: str) -> list[dict[str, Any]]:
    return [r for r in read_log(log) if r["event"] == kind]


def alive(pid: int) -> bool:
    """Whether `pid` is a live process (a zombie counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1].split()[0] != "Z"
    except OSError:
        return True


def still_running(*pids: int, seconds: float = 3.0) -> list[int]:
    """The pids still running after up to `seconds`: a SIGKILL is delivered when the target
    is next scheduled, so "killed" is checked as "gone shortly after", not "gone this instant"."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(alive(p) for p in pids):
        time.sleep(0.02)
    return [p for p in pids if alive(p)]
