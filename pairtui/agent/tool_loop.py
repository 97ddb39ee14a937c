"""The tool loop shared by planner and executor: stream a turn, run its tool calls, feed the
results back, until a turn asks for no tool.

Guarantees: every tool call gets a result (errors are results, never crashes); a call that keeps
failing the same way stops the loop after REPEAT_LIMIT tries with a message naming it; the loop
never runs more than `max_turns` model turns; a reply cut at the output limit is continued and
its parts joined; usage is metered per turn as it arrives. Tool results are redacted (the
given secrets, pairtui's key variables, credential-shaped text) before the model, the
transcript or any event sees them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from pairtui.agent.call_trace import CallRecord, marks_of
from pairtui.agent.events import (
    FlowEvent,
    ModelText,
    Notice,
    ToolFinished,
    ToolStarted,
    UsageUpdated,
)
from pairtui.agent.tool_specs import describe_call
from pairtui.core.redact import env_secrets, redact
from pairtui.errors import PairtuiError
from pairtui.models.base import (
    Message,
    Provider,
    Request,
    StreamRestarted,
    TextDelta,
    ThinkingDelta,
    ToolCall,
    ToolResult,
    ToolSpec,
    TurnCollector,
    Usage,
)
from pairtui.models.pricing import cost_usd

REPEAT_LIMIT = 3
CONTINUE = ("Your reply was cut off at the output limit. Continue exactly where it stopped, "
            "without repeating anything; split large file writes into smaller edits.")


class Outcome(Protocol):
    """What running a tool gives back (agent.tools.ToolOutcome has this shape)."""

    content: str
    is_error: bool
    changed_paths: tuple[str, ...]


RunTool = Callable[[ToolCall], Awaitable[Outcome]]


class ToolList(Protocol):
    """A tool list that can change between turns (agent/mcp/toolset.py: MCP servers)."""

    async def current(self) -> tuple[ToolSpec, ...]: ...


Tools = tuple[ToolSpec, ...] | ToolList
Emit = Callable[[FlowEvent], None]
Record = Callable[[dict], None]


class LoopStoppedError(PairtuiError):
    """The model loop was stopped (turn limit, a repeated failing call); the chunk is not done."""

    exit_code = 1


@dataclass
class UsageMeter:
    """Tokens and cost accumulated over a session (prices: models/pricing.py plus config)."""

    prices: dict[str, tuple[float, float]] = field(default_factory=dict)
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0

    def add(self, model: str, usage: Usage) -> UsageUpdated:
        self.tokens_in += usage.input_tokens + usage.cache_read_tokens + usage.cache_write_tokens
        self.tokens_out += usage.output_tokens
        self.cost_usd += cost_usd(model, usage, self.prices)
        return UsageUpdated(self.tokens_in, self.tokens_out, round(self.cost_usd, 6))


@dataclass
class LoopResult:
    """What a finished loop leaves: the conversation (to continue later), the last text, calls."""

    messages: list[Message]
    text: str
    calls: list[CallRecord]
    turns: int


def _call_key(call: ToolCall) -> str:
    return call.name + json.dumps(call.arguments, sort_keys=True, default=str)


async def run_tool_loop(
    provider: Provider,
    system: str,
    messages: list[Message],
    tools: Tools,
    run_tool: RunTool,
    emit: Emit,
    meter: UsageMeter,
    max_turns: int,
    record: Record | None = None,
    first_call_number: int = 1,
    cache_prefix: str = "",
    on_call: Callable[[CallRecord], None] | None = None,
    secrets: Iterable[str | None] = (),
) -> LoopResult:
    """Drive `provider` until a turn has no tool calls. `messages` is extended in place;
    `on_call` hears of each finished tool call at once (so a later error loses no record);
    `secrets` (e.g. Config.secrets) are masked in tool results."""
    masked = (*secrets, *env_secrets(os.environ))
    calls: list[CallRecord] = []
    failures: dict[str, int] = {}
    number = first_call_number
    carried = ""
    for turn in range(1, max_turns + 1):
        specs = tools if isinstance(tools, tuple) else await tools.current()
        request = Request(system=system, messages=tuple(messages), tools=specs, cache_prefix=cache_prefix)
        message, thinking, stop = await _stream_turn(provider, request, emit, meter)
        messages.append(message)
        text, tool_calls = message.text, message.tool_calls
        if record:
            record({"kind": "assistant", "model": f"{provider.name}:{provider.model}", "text": text,
                    "thinking": thinking, "stop": stop,
                    "tool_calls": [{"id": c.id, "name": c.name, "arguments": c.arguments} for c in tool_calls]})
        if not tool_calls and stop == "max_tokens":
            carried += text  # cut at the output limit: ask for the rest, keep what came
            messages.append(Message(role="user", text=CONTINUE))
            continue
        if not tool_calls:
            return LoopResult(messages, carried + text, calls, turn)
        carried = ""
        results = []
        stopped = ""
        for call in tool_calls:
            if stopped:  # every call gets a result, so the conversation can go on later
                results.append(ToolResult(call.id, "not run: the loop was stopped", is_error=True))
                continue
            emit(ToolStarted(call.id, call.name, describe_call(call)))
            outcome = await _run_one(run_tool, call) if call.invalid_arguments is None else _Failed(
                f"{call.name}: the arguments were not valid JSON ({call.invalid_arguments[:200]!r}); "
                "call it again with a JSON object")
            result = ToolResult(call.id, redact(outcome.content, masked), outcome.is_error)
            emit(ToolFinished(call.id, call.name, result.content, result.is_error))
            if record:
                record({"kind": "tool_result", "id": call.id, "name": call.name, "call": number,
                        "is_error": result.is_error, "content": result.content[:4000],
                        "changed": list(outcome.changed_paths)})
            added, removed = marks_of(call) if not result.is_error else ((), ())
            calls.append(CallRecord(number, call.name, tuple(outcome.changed_paths), result.is_error,
                                    added, removed))
            if on_call:
                on_call(calls[-1])
            number += 1
            results.append(result)
            if result.is_error:
                key = _call_key(call)
                failures[key] = failures.get(key, 0) + 1
                if failures[key] >= REPEAT_LIMIT:
                    first = result.content.splitlines()[0] if result.content else "error"
                    stopped = (f"stopped: the model repeated the same failing call {REPEAT_LIMIT} times "
                               f"({describe_call(call)}: {first})")
        messages.append(Message(role="user", tool_results=tuple(results)))
        if stopped:
            raise LoopStoppedError(stopped)
    raise LoopStoppedError(f"stopped: the model was still calling tools after {max_turns} turns (turn limit)")


@dataclass(frozen=True)
class _Failed:
    content: str
    is_error: bool = True
    changed_paths: tuple[str, ...] = ()


async def _run_one(run_tool: RunTool, call: ToolCall) -> Outcome:
    """A tool's own failure becomes an error result the model can read; the loop goes on."""
    try:
        return await run_tool(call)
    except PairtuiError as err:
        return _Failed(f"{call.name}: {err.message}")
    except (OSError, ValueError, TypeError, KeyError) as err:
        return _Failed(f"{call.name} failed: {type(err).__name__}: {err}")


async def _stream_turn(
    provider: Provider, request: Request, emit: Emit, meter: UsageMeter
) -> tuple[Message, str, str]:
    """One assistant turn: streamed to the person as it comes; returns (message, thinking, stop)."""
    turn = TurnCollector()
    async for event in provider.stream(request):
        turn.add(event)
        if isinstance(event, TextDelta):
            emit(ModelText(event.text))
        elif isinstance(event, ThinkingDelta):
            emit(ModelText(event.text, thinking=True))
        elif isinstance(event, Usage):
            emit(meter.add(provider.model, event))
        elif isinstance(event, StreamRestarted):
            emit(Notice(f"the model's reply was cut ({event.reason}); retrying, attempt {event.attempt}", "warning"))
    return turn.message(), "".join(turn.thinking_parts), turn.stop.reason if turn.stop else ""
