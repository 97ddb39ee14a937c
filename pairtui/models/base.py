"""One streaming interface for every model provider. (Interface fixed; owned by the models work.)

A provider takes a Request and yields Events; errors are ProviderError subclasses.

Guarantees every provider keeps (anthropic, openai, openai-chat, replay):
- Text and thinking stream live as TextDelta / ThinkingDelta, for display.
- ToolCall events carry complete, parsed arguments and are only yielded once the provider's
  terminal event arrived, just before Usage and Stop: a turn cut short never yields a ToolCall,
  so partial output is never acted on.
- A retryable failure (429, 5xx, overloaded, dropped stream) is retried by the shared policy
  (models/retry.py). If text was already yielded, a StreamRestarted event comes first: the
  consumer drops the partial turn it collected (TurnCollector does) and the turn starts again.
  Nothing is silently duplicated.
- A failure that survives the retries raises a ProviderFailure subclass whose message is one
  line naming provider, model and what to fix, and whose `partial_text` holds the text streamed
  before it (shown, never acted on). API keys never appear in messages or reprs.
- Cancelling the consuming task closes the HTTP stream. A consumer that stops early without
  cancelling should close the iterator (`contextlib.aclosing(provider.stream(req))`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from pairtui.errors import ProviderError


@dataclass(frozen=True)
class TextDelta:
    text: str


@dataclass(frozen=True)
class ThinkingDelta:
    text: str  # shown dimmed; never sent back unless the API requires it


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    arguments: dict[str, Any]  # complete, parsed JSON arguments
    invalid_arguments: str | None = None  # the raw text when the model's JSON did not parse


@dataclass(frozen=True)
class Usage:
    """Tokens of one call; `input_tokens` excludes cache reads and writes (priced apart)."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cache_read_tokens + other.cache_read_tokens,
            self.cache_write_tokens + other.cache_write_tokens,
        )

    @property
    def total_tokens(self) -> int:
        return (self.input_tokens + self.output_tokens + self.cache_read_tokens
                + self.cache_write_tokens)


@dataclass(frozen=True)
class Stop:
    reason: str  # "end_turn" | "tool_use" | "max_tokens" | provider's own word
    # What the provider needs back verbatim in the assistant Message (Message.opaque), e.g.
    # Anthropic's signed thinking blocks. TurnCollector puts it there.
    opaque: Any = field(default=None, compare=False)


@dataclass(frozen=True)
class StreamRestarted:
    """The turn is being retried after text was already streamed: drop what this turn showed
    and collected so far; the turn starts again from its first event."""

    reason: str     # one line, e.g. "overloaded (529)"
    attempt: int    # the attempt about to start (2 = first retry)
    delay: float    # seconds waited before it


Event = TextDelta | ThinkingDelta | ToolCall | Usage | Stop | StreamRestarted


@dataclass(frozen=True)
class OpaqueTurn:
    """Provider-native content of an assistant turn, sent back only to the same provider/model."""

    provider: str
    model: str
    items: tuple[Any, ...]


@dataclass(frozen=True)
class ToolResult:
    call_id: str
    content: str
    is_error: bool = False


@dataclass(frozen=True)
class Message:
    """A conversation turn. Assistant turns carry text and tool calls; user turns carry text
    and/or tool results. `opaque` holds provider data that must be sent back verbatim
    (e.g. signed thinking blocks); other providers ignore it."""

    role: str  # "user" | "assistant"
    text: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    tool_results: tuple[ToolResult, ...] = ()
    opaque: Any = field(default=None, compare=False)


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    parameters: dict[str, Any]  # JSON schema of the arguments object


@dataclass(frozen=True)
class Request:
    system: str
    messages: tuple[Message, ...]
    tools: tuple[ToolSpec, ...] = ()
    max_tokens: int = 8192
    cache_prefix: str = ""  # stable context (repo context, plan) sent before messages, cached
    temperature: float | None = None  # None: provider default; never sent to reasoning models
    reasoning: str = ""  # "" provider default, or "low" | "medium" | "high" effort / thinking


class Provider(Protocol):
    name: str   # "anthropic" | "openai" | "openai-chat" | "replay"
    model: str

    def stream(self, request: Request) -> AsyncIterator[Event]:
        """Yield events of one assistant turn, ending with Usage then Stop.
        Raises a ProviderError subclass; cancelling the consuming task closes the stream."""
        ...


class ProviderFailure(ProviderError):
    """A provider error carrying the text streamed before it (`partial_text`: for display only)."""

    def __init__(self, message: str, partial_text: str = "") -> None:
        super().__init__(message)
        self.partial_text = partial_text


class ProviderAuthError(ProviderFailure):
    """401/403: bad or missing key. Not retried."""


class ProviderNotFoundError(ProviderFailure):
    """404: bad model name or endpoint. Not retried."""


class ProviderRateLimitError(ProviderFailure):
    """429 that survived retries."""


class ProviderOverloadedError(ProviderFailure):
    """5xx / overloaded / mid-stream error that survived retries."""


class ProviderConnectionError(ProviderFailure):
    """Connection refused, timeout, or a stream dropped before its terminal event."""


class ProviderRequestError(ProviderFailure):
    """400/413/422 and the like: the request itself was refused. Not retried."""


class TurnCollector:
    """Builds the assistant Message of one turn from its events (the tool loop's bookkeeping).

    Handles StreamRestarted by starting over, so a retried turn is never recorded twice."""

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self.text_parts: list[str] = []
        self.thinking_parts: list[str] = []
        self.tool_calls: list[ToolCall] = []
        self.usage: Usage | None = None
        self.stop: Stop | None = None

    def add(self, event: Event) -> None:
        if isinstance(event, TextDelta):
            self.text_parts.append(event.text)
        elif isinstance(event, ThinkingDelta):
            self.thinking_parts.append(event.text)
        elif isinstance(event, ToolCall):
            self.tool_calls.append(event)
        elif isinstance(event, Usage):
            self.usage = event
        elif isinstance(event, Stop):
            self.stop = event
        elif isinstance(event, StreamRestarted):
            self._reset()

    @property
    def text(self) -> str:
        return "".join(self.text_parts)

    def message(self) -> Message:
        return Message(
            role="assistant",
            text=self.text,
            tool_calls=tuple(self.tool_calls),
            opaque=self.stop.opaque if self.stop else None,
        )
