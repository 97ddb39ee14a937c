"""One streaming interface for every model provider. (Interface fixed; owned by the models work.)

A provider takes a Request and yields Events; errors are ProviderError subclasses.
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


@dataclass(frozen=True)
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0


@dataclass(frozen=True)
class Stop:
    reason: str  # "end_turn" | "tool_use" | "max_tokens" | provider's own word


Event = TextDelta | ThinkingDelta | ToolCall | Usage | Stop


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


class Provider(Protocol):
    name: str   # "anthropic" | "openai" | "openai-chat" | "replay"
    model: str

    def stream(self, request: Request) -> AsyncIterator[Event]:
        """Yield events of one assistant turn, ending with Usage then Stop.
        Raises a ProviderError subclass; cancelling the consuming task closes the stream."""
        ...


class ProviderAuthError(ProviderError):
    """401/403: bad or missing key. Not retried."""


class ProviderNotFoundError(ProviderError):
    """404: bad model name or endpoint. Not retried."""


class ProviderRateLimitError(ProviderError):
    """429 that survived retries."""


class ProviderOverloadedError(ProviderError):
    """5xx / overloaded / mid-stream error that survived retries."""


class ProviderConnectionError(ProviderError):
    """Connection refused, timeout, or a stream dropped before its terminal event."""
