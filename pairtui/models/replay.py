"""Replay: a scripted model that plays a transcript through the normal Provider interface.

It drives `pairtui demo` and most tests. It only emits events, exactly as a real provider
does, so the tool loop that consumes them runs for real (tools execute, files change).

Transcript format (JSONL, UTF-8). Each non-blank line is one assistant turn, played by one
`stream()` call, in order:

    {"turn": [{"thinking": "Let me look."}, {"text": "Reading the file."},
              {"tool": "read_file", "args": {"path": "shop/cart.py"}}],
     "pace": 300, "usage": {"input_tokens": 1200, "output_tokens": 340}}

- "turn": a list of items, played in order: {"text": "..."}, {"thinking": "..."} (shown dimmed)
  and {"tool": NAME, "args": {...}} (a tool call; ids are generated as "call_<turn>_<i>",
  turn and i counted from 1). Tool calls are yielded after the turn's text, as with real
  providers, and the stop reason is "tool_use" if the turn has tool calls, else "end_turn".
- "pace" (optional): tokens per second for text and thinking, about 4 characters a token.
  Absent: as fast as possible.
- "usage" (optional): input_tokens, output_tokens, cache_read_tokens, cache_write_tokens.
  Absent: estimated from the text lengths (about 4 characters a token).
- {"comment": "..."} lines are skipped.
- {"error": "auth" | "rate_limit" | "overloaded" | "connection"} makes that stream() call raise
  the matching ProviderError (ProviderAuthError, ProviderRateLimitError, ...).
- When the turns run out, stream() raises ProviderError("replay transcript ... exhausted").

Build one with `make_provider("replay:PATH", config)`; PATH is relative to the current directory.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pairtui.errors import UsageError
from pairtui.models.base import (
    Event,
    ProviderAuthError,
    ProviderConnectionError,
    ProviderFailure,
    ProviderOverloadedError,
    ProviderRateLimitError,
    Request,
    Stop,
    TextDelta,
    ThinkingDelta,
    ToolCall,
    Usage,
)

CHARS_PER_TOKEN = 4
CHUNK_CHARS = 16  # paced text is streamed in pieces of about four tokens
ERRORS: dict[str, tuple[type[ProviderFailure], str]] = {
    "auth": (ProviderAuthError, "the API key was rejected (401, scripted)"),
    "rate_limit": (ProviderRateLimitError, "rate limited (429, scripted)"),
    "overloaded": (ProviderOverloadedError, "overloaded (529, scripted)"),
    "connection": (ProviderConnectionError, "connection failed (scripted)"),
}


@dataclass(frozen=True)
class ReplayTurn:
    items: tuple[dict[str, Any], ...] = ()
    pace: float | None = None  # tokens/s
    usage: Usage | None = None
    error: str | None = None


def parse_transcript(text: str, source: str = "transcript") -> list[ReplayTurn]:
    """Parse a JSONL transcript; a bad line raises UsageError naming the line."""
    turns: list[ReplayTurn] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            turn = _parse_line(json.loads(line))
        except (ValueError, TypeError, KeyError) as exc:
            raise UsageError(f"{source} line {number}: {exc}") from None
        if turn is not None:
            turns.append(turn)
    return turns


def _parse_line(data: Any) -> ReplayTurn | None:
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    if "comment" in data and "turn" not in data:
        return None
    if "error" in data:
        if data["error"] not in ERRORS:
            raise ValueError(f"unknown error {data['error']!r}; use one of {', '.join(ERRORS)}")
        return ReplayTurn(error=data["error"])
    items = data["turn"]
    if not isinstance(items, list):
        raise ValueError('"turn" must be a list')
    for item in items:
        if not isinstance(item, dict) or not ({"text", "thinking", "tool"} & item.keys()):
            raise ValueError(f"turn item must have text, thinking or tool: {item!r}")
        if "tool" in item and not isinstance(item.get("args", {}), dict):
            raise ValueError(f"tool args must be an object: {item!r}")
    pace = data.get("pace")
    if pace is not None and (not isinstance(pace, int | float) or pace <= 0):
        raise ValueError('"pace" must be a positive number of tokens per second')
    usage = data.get("usage")
    return ReplayTurn(tuple(items), float(pace) if pace else None,
                      Usage(**usage) if isinstance(usage, dict) else None)


def load_transcript(path: Path) -> list[ReplayTurn]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"replay transcript not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read replay transcript {path}: {exc}") from None
    return parse_transcript(text, str(path))


class ReplayProvider:
    """Provider "replay": each stream() call plays the next turn of the transcript."""

    name = "replay"

    def __init__(self, turns: list[ReplayTurn], source: str = "transcript") -> None:
        self.model = source
        self._turns = turns
        self._next = 0

    @classmethod
    def from_path(cls, path: Path) -> ReplayProvider:
        return cls(load_transcript(path), path.name)

    def __repr__(self) -> str:
        return f"ReplayProvider(model={self.model!r}, turn={self._next})"

    @property
    def remaining(self) -> int:
        return len(self._turns) - self._next

    @property
    def position(self) -> int:
        """Turns played so far; setting it replays from there (an interrupted round again)."""
        return self._next

    @position.setter
    def position(self, value: int) -> None:
        self._next = max(0, min(int(value), len(self._turns)))

    def stream(self, request: Request) -> AsyncIterator[Event]:
        return self._play(request)

    async def _play(self, request: Request) -> AsyncIterator[Event]:
        if self._next >= len(self._turns):
            raise ProviderFailure(
                f"replay transcript {self.model} exhausted after {len(self._turns)} turns")
        self._next += 1
        number, turn = self._next, self._turns[self._next - 1]
        if turn.error:
            cls, what = ERRORS[turn.error]
            raise cls(f"replay ({self.model}): {what}")
        calls: list[ToolCall] = []
        out_chars = 0
        for item in turn.items:
            if "tool" in item:
                args = dict(item.get("args", {}))
                calls.append(ToolCall(f"call_{number}_{len(calls) + 1}", item["tool"], args))
                out_chars += len(json.dumps(args))
                continue
            thinking = "thinking" in item and "text" not in item
            text = str(item["thinking"] if thinking else item["text"])
            out_chars += len(text)
            async for event in _paced(text, thinking, turn.pace):
                yield event
        for call in calls:
            yield call
        yield turn.usage or Usage(_estimate_input(request), max(1, out_chars // CHARS_PER_TOKEN))
        yield Stop("tool_use" if calls else "end_turn")


async def _paced(text: str, thinking: bool, pace: float | None) -> AsyncIterator[Event]:
    make = ThinkingDelta if thinking else TextDelta
    if not text:
        return
    if pace is None:
        await asyncio.sleep(0)  # let the consumer redraw and be cancelled between events
        yield make(text)
        return
    for start in range(0, len(text), CHUNK_CHARS):
        piece = text[start:start + CHUNK_CHARS]
        await asyncio.sleep(len(piece) / CHARS_PER_TOKEN / pace)
        yield make(piece)


def _estimate_input(request: Request) -> int:
    chars = len(request.system) + len(request.cache_prefix)
    for m in request.messages:
        chars += len(m.text) + sum(len(r.content) for r in m.tool_results)
        chars += sum(len(json.dumps(c.arguments)) for c in m.tool_calls)
    return chars // CHARS_PER_TOKEN
