"""What a reopened session brings back: the model's words and tool calls so far (from
transcript.jsonl) and the person's review marks on each chunk's hunks (review-marks.json).

Both live in the session's directory under the git dir. Marks are keyed by a hash of the
hunk's path and changed lines, not by position, so a mark follows its hunk when the diff is
recomputed and is simply dropped when the hunk no longer exists. Writes are atomic.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from pairtui.agent.events import FlowEvent, ModelText, ToolFinished, ToolStarted
from pairtui.agent.tool_specs import describe_call
from pairtui.core.store import write_atomic
from pairtui.diff.model import Hunk
from pairtui.errors import StateError
from pairtui.models.base import ToolCall

MARKS_FILE = "review-marks.json"
MARK_STATES = ("accepted", "rejected", "partial", "commented")


@dataclass(frozen=True)
class EarlierStep:
    """Where one model's turns begin in a replayed transcript (the pane draws a divider)."""

    model: str  # "provider:model", a replay transcript's path shortened to its name


def _short(model: str) -> str:
    provider, _, name = model.partition(":")
    if provider == "replay" and name:
        return f"replay:{name.replace(chr(92), '/').rsplit('/', 1)[-1].removesuffix('.jsonl')}"
    return model


def transcript_events(records: list[dict]) -> list[FlowEvent | EarlierStep]:
    """The model pane's events for a transcript's records: text, thinking and tool calls, with
    an EarlierStep wherever the model speaking changes (planner, then executor...)."""
    events: list[FlowEvent | EarlierStep] = []
    speaking = None
    for record in records:
        kind = record.get("kind")
        if kind == "assistant":
            if record.get("model") != speaking:
                speaking = record.get("model")
                events.append(EarlierStep(_short(str(speaking or "model"))))
            if thinking := str(record.get("thinking") or ""):
                events.append(ModelText(thinking, thinking=True))
            if text := str(record.get("text") or ""):
                if events and isinstance(events[-1], ModelText) and not events[-1].thinking:
                    text = "\n\n" + text  # each turn its own paragraph, as it streamed
                events.append(ModelText(text))
            for call in record.get("tool_calls") or ():
                if not isinstance(call, dict):
                    continue
                args = call.get("arguments")
                tool = ToolCall(str(call.get("id", "")), str(call.get("name", "?")),
                                args if isinstance(args, dict) else {})
                events.append(ToolStarted(tool.id, tool.name, describe_call(tool)))
        elif kind == "tool_result":
            events.append(ToolFinished(str(record.get("id", "")), str(record.get("name", "?")),
                                       str(record.get("content", "")), bool(record.get("is_error"))))
    return events


def hunk_key(path: str, hunk: Hunk | None) -> str:
    """A short id of a change: its path and its changed lines (context and position aside)."""
    digest = hashlib.blake2s(path.encode("utf-8", "surrogateescape"), digest_size=8)
    for line in hunk.lines if hunk is not None else ():
        if line.kind != " ":
            digest.update(line.kind.encode() + line.raw + b"\n")
    return digest.hexdigest()


def load_marks(session_dir: Path, chunk: int) -> dict[str, str]:
    """hunk_key -> state of the person's marks on `chunk`; empty when none were saved."""
    try:
        data = json.loads((session_dir / MARKS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    marks = data.get(str(chunk), {}) if isinstance(data, dict) else {}
    return {str(k): v for k, v in marks.items() if v in MARK_STATES} if isinstance(marks, dict) else {}


def save_marks(session_dir: Path, chunk: int, marks: dict[str, str]) -> None:
    """Replace `chunk`'s marks (all-or-nothing); other chunks' marks stay."""
    path = session_dir / MARKS_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, ValueError):
        data = {}
    if not isinstance(data, dict):
        data = {}
    data[str(chunk)] = {k: v for k, v in marks.items() if v in MARK_STATES}
    try:
        session_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(path, (json.dumps(data, indent=1, sort_keys=True) + "\n").encode("utf-8"))
    except OSError as exc:
        raise StateError(f"could not save the review marks: {exc.strerror or exc}") from None
