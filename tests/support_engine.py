"""Helpers for the engine's tests: replay transcripts written on the spot, the CLI run in
process, and a recording provider that remembers what the engine asked the model."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from pairtui.cli import main
from pairtui.models.base import Event, Request
from pairtui.models.replay import ReplayProvider, load_transcript


def text(s: str) -> dict[str, Any]:
    return {"text": s}


def tool(name: str, **args: Any) -> dict[str, Any]:
    return {"tool": name, "args": args}


def turn(*items: dict[str, Any], usage: dict[str, int] | None = None) -> dict[str, Any]:
    line: dict[str, Any] = {"turn": list(items)}
    if usage:
        line["usage"] = usage
    return line


def error(kind: str) -> dict[str, Any]:
    return {"error": kind}


def write_transcript(path: Path, lines: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def edit_chunk(path: str, old: str, new: str, summary: str = "Done.") -> list[dict[str, Any]]:
    """The executor's turns for a chunk that reads one file and edits it once."""
    return [
        turn(text(f"Reading {path}."), tool("read_file", path=path)),
        turn(tool("edit_file", path=path, old_string=old, new_string=new)),
        turn(text(summary)),
    ]


def write_chunk(path: str, content: str, summary: str = "Done.") -> list[dict[str, Any]]:
    return [turn(tool("write_file", path=path, content=content)), turn(text(summary))]


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    """Run `pairtui ARGV` in this process: (exit code, stdout, stderr)."""
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


class RecordingProvider:
    """A replay provider that keeps every Request it was sent (to check what the model saw)."""

    name = "replay"

    def __init__(self, path: Path) -> None:
        self._inner = ReplayProvider(load_transcript(path), path.name)
        self.model = self._inner.model
        self.requests: list[Request] = []

    def stream(self, request: Request) -> AsyncIterator[Event]:
        self.requests.append(request)
        return self._inner.stream(request)

    @property
    def position(self) -> int | list[int]:
        return self._inner.position

    @position.setter
    def position(self, value: int | list[int]) -> None:
        self._inner.position = value

    def select(self, ask) -> None:
        self._inner.select(ask)

    def seen_text(self) -> str:
        """Everything sent to the model, as one string."""
        parts = []
        for request in self.requests:
            parts += [request.system, request.cache_prefix]
            for message in request.messages:
                parts.append(message.text)
                parts += [r.content for r in message.tool_results]
        return "\n".join(parts)


def make_pairing(repo: Path, tmp_path: Path, planner: list[dict], executor: list[dict],
                 goal: str = "Greet people by name", **config_fields: Any):
    """A Pairing on `repo` with recording replay models; returns (pairing, planner, executor, events)."""
    from pairtui.agent.flow import Pairing
    from pairtui.config import Config
    from pairtui.core.session import new_session

    planner_model = RecordingProvider(write_transcript(tmp_path / "planner.jsonl", planner))
    executor_model = RecordingProvider(write_transcript(tmp_path / "executor.jsonl", executor))
    config = Config(**config_fields)
    events: list = []
    session = new_session(goal, "replay:planner", "replay:executor")
    pairing = Pairing(repo, config, session, planner_model, executor_model, events.append)
    return pairing, planner_model, executor_model, events


def of_kind(events: list, kind: type) -> list:
    return [e for e in events if isinstance(e, kind)]
