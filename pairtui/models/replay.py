"""Replay: a scripted model that plays a transcript through the normal Provider interface.

It drives `pairtui demo` and most tests. It only emits events, exactly as a real provider
does, so the tool loop that consumes them runs for real (tools execute, files change).

Transcript format (JSONL, UTF-8). Each non-blank line is one assistant turn, played by one
`stream()` call, in order (or, with keys, by what is asked: see below):

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

Keys: a line may carry {"for": KIND, ...}; it starts the turns that answer that kind of request,
up to the next line with "for" (a line with "for" and no "turn" only marks the start). KIND is
"plan", "revise" (a plan revision), "chunk" (a chunk's first round), "fix" (a fix round after a
failed check) or "comment" (a hunk sent back in review); "chunk": N narrows it to chunk N,
"path": P to a hunk in file P, "match": TEXT to requests whose text (the person's comment)
contains TEXT, ignoring case. Before each round the engine says what it asks (`select(Ask)`):
the first section that fits and has turns left plays, and each section keeps its own position,
so a person who asks for more (a revision, a comment) does not shift the script of the chunks.
Turns before the first key answer any request, which is how a transcript without keys plays:
by position (as does any transcript when nobody calls select). A request nothing answers raises
ReplayUnscriptedError before any turn is played.

Build one with `make_provider("replay:PATH", config)`; PATH is relative to the current directory.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pairtui.errors import UsageError
from pairtui.models.base import (
    Event,
    ProviderAuthError,
    ProviderConnectionError,
    ProviderError,
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


KINDS = ("plan", "revise", "chunk", "fix", "comment")


class ReplayUnscriptedError(ProviderError):
    """The transcript has no turn for what was asked; raised before anything is played."""


@dataclass(frozen=True)
class Ask:
    """What a model round is asked for, so a keyed transcript can answer it (see above)."""

    kind: str  # one of KINDS
    chunk: int | None = None
    path: str = ""  # comment: the file of the hunk sent back
    text: str = ""  # revise, comment: what the person wrote

    def describe(self) -> str:
        what = {"plan": "the plan", "revise": "a revision of the plan",
                "chunk": f"chunk {self.chunk}", "fix": f"a fix round of chunk {self.chunk}",
                "comment": f"a comment on chunk {self.chunk}"}.get(self.kind, self.kind)
        return what + (f" ({self.path})" if self.path else "")


@dataclass(frozen=True)
class ReplayKey:
    """The request a section of a transcript answers; unset fields fit any request."""

    kind: str
    chunk: int | None = None
    path: str | None = None
    match: str | None = None

    def fits(self, ask: Ask) -> bool:
        return (self.kind == ask.kind and self.chunk in (None, ask.chunk)
                and self.path in (None, ask.path)
                and (self.match is None or self.match.casefold() in ask.text.casefold()))


@dataclass(frozen=True)
class ReplayTurn:
    items: tuple[dict[str, Any], ...] = ()
    pace: float | None = None  # tokens/s
    usage: Usage | None = None
    error: str | None = None
    key: ReplayKey | None = None  # set on the first turn of a keyed section


def parse_transcript(text: str, source: str = "transcript") -> list[ReplayTurn]:
    """Parse a JSONL transcript; a bad line raises UsageError naming the line."""
    turns: list[ReplayTurn] = []
    key: ReplayKey | None = None  # a "for" line without a turn: the next turn starts it
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if isinstance(data, dict) and "for" in data:
                key = _parse_key(data)
            turn = _parse_line(data)
        except (ValueError, TypeError, KeyError) as exc:
            raise UsageError(f"{source} line {number}: {exc}") from None
        if turn is not None:
            turns.append(replace(turn, key=key) if key else turn)
            key = None
    if key is not None:
        raise UsageError(f"{source}: the last \"for\" line has no turns after it")
    return turns


def _parse_key(data: dict[str, Any]) -> ReplayKey:
    kind, chunk, path, match = (data.get(k) for k in ("for", "chunk", "path", "match"))
    if kind not in KINDS:
        raise ValueError(f'"for" must be one of {", ".join(KINDS)}, got {kind!r}')
    if chunk is not None and (isinstance(chunk, bool) or not isinstance(chunk, int)):
        raise ValueError('"chunk" must be a chunk number')
    for name, value in (("path", path), ("match", match)):
        if value is not None and not (isinstance(value, str) and value):
            raise ValueError(f'"{name}" must be a non-empty string')
    return ReplayKey(kind, chunk, path, match)


def _parse_line(data: Any) -> ReplayTurn | None:
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    if ("comment" in data or "for" in data) and "turn" not in data and "error" not in data:
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
    """Provider "replay": each stream() call plays the next turn of the section chosen for
    the current request (the whole transcript, in order, when it has no keys)."""

    name = "replay"

    def __init__(self, turns: list[ReplayTurn], source: str = "transcript") -> None:
        self.model = source
        self._turns = turns
        self._sections: list[tuple[ReplayKey | None, list[int]]] = []
        for index, turn in enumerate(turns):
            if turn.key is not None or not self._sections:
                self._sections.append((turn.key, []))
            self._sections[-1][1].append(index)
        self._played = [0] * len(self._sections)
        self._ask: Ask | None = None
        self._current: int | None = None

    @classmethod
    def from_path(cls, path: Path) -> ReplayProvider:
        return cls(load_transcript(path), path.name)

    def __repr__(self) -> str:
        return f"ReplayProvider(model={self.model!r}, position={self.position!r})"

    @property
    def remaining(self) -> int:
        return len(self._turns) - sum(self._played)

    @property
    def position(self) -> int | list[int]:
        """Turns played so far (one count per keyed section, a plain number without keys);
        setting it replays from there (an interrupted round again)."""
        return self._played[0] if len(self._played) == 1 else list(self._played)

    @position.setter
    def position(self, value: int | list[int]) -> None:
        if isinstance(value, int):  # a position-only count: sections fill in order
            left, counts = max(0, value), []
            for _, turns in self._sections:
                counts.append(min(left, len(turns)))
                left -= counts[-1]
        else:
            counts = [max(0, min(int(v), len(t))) for v, (_, t) in zip(value, self._sections, strict=False)]
            counts += [0] * (len(self._sections) - len(counts))
        self._played = counts or [0]
        self._current = None

    def select(self, ask: Ask | None) -> None:
        """Say what the coming round is asked for; ReplayUnscriptedError (nothing played) when
        no section answers it."""
        self._ask = ask
        self._current = self._find(ask)

    def _find(self, ask: Ask | None) -> int:
        open_ = [i for i, (_, turns) in enumerate(self._sections) if self._played[i] < len(turns)]
        if ask is None:  # nobody said what is asked (a bare stream() call): play in order
            fitting, anyone = open_, []
        else:
            fitting = [i for i in open_ if (key := self._sections[i][0]) and key.fits(ask)]
            anyone = [i for i in open_ if self._sections[i][0] is None]
        if fitting or anyone:
            return (fitting or anyone)[0]
        if ask is None or all(key is None for key, _ in self._sections):
            raise ProviderFailure(
                f"replay transcript {self.model} exhausted after {len(self._turns)} turns")
        raise ReplayUnscriptedError(
            f"the scripted model ({self.model}) has no turn for {ask.describe()}; nothing was changed")

    def stream(self, request: Request) -> AsyncIterator[Event]:
        return self._play(request)

    async def _play(self, request: Request) -> AsyncIterator[Event]:
        section = self._current
        if section is None or self._played[section] >= len(self._sections[section][1]):
            section = self._current = self._find(self._ask)
        index = self._sections[section][1][self._played[section]]
        self._played[section] += 1
        number, turn = index + 1, self._turns[index]
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
