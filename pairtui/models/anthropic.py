"""Anthropic Messages API, streamed through the official SDK (AsyncAnthropic).

Prompt caching: cache_control marks the system prompt, Request.cache_prefix (a second system
block: repo context, plan) and the last block of the conversation, so each turn of a tool loop
re-reads everything before it from the cache. Signed thinking blocks come back in
Stop.opaque and are sent back verbatim when the assistant turn is replayed to the same model.
A stream ending without `message_stop`, and the mid-stream `error` event, are retried.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import anthropic
import httpx2

from pairtui.models.base import (
    Event,
    Message,
    OpaqueTurn,
    Request,
    Stop,
    TextDelta,
    ThinkingDelta,
    ToolCall,
    Usage,
)
from pairtui.models.retry import (
    AttemptFailed,
    Failure,
    ProviderLabel,
    RetryPolicy,
    classify_transport,
    failure_for_status,
    one_line,
    parse_retry_after,
    stream_with_retries,
    while_streaming,
)

EPHEMERAL = {"type": "ephemeral"}
THINKING_BUDGET = {"low": 2048, "medium": 8192, "high": 24576}


class AnthropicProvider:
    """Provider "anthropic": one streamed Messages call per turn."""

    name = "anthropic"

    def __init__(self, model: str, *, api_key: str | None = None, auth_token: str | None = None,
                 base_url: str | None = None, policy: RetryPolicy | None = None,
                 timeout: httpx2.Timeout | None = None, host: str = "") -> None:
        self.model = model
        self._secrets = tuple(s for s in (api_key, auth_token) if s)
        self._policy = policy or RetryPolicy()
        self._label = ProviderLabel(self.name, model, "ANTHROPIC_API_KEY", host)
        self._client = anthropic.AsyncAnthropic(
            api_key=api_key, auth_token=auth_token, base_url=base_url, max_retries=0,
            timeout=timeout or httpx2.Timeout(300.0, connect=10.0))

    def __repr__(self) -> str:
        return f"AnthropicProvider(model={self.model!r})"

    def stream(self, request: Request) -> AsyncIterator[Event]:
        params = self.build_params(request)
        return stream_with_retries(lambda: self._attempt(params), self._policy, self._label)

    def build_params(self, request: Request) -> dict[str, Any]:
        """The Messages API arguments for `request` (without `stream`)."""
        system: list[dict[str, Any]] = []
        if request.system:
            system.append({"type": "text", "text": request.system, "cache_control": EPHEMERAL})
        if request.cache_prefix:
            system.append({"type": "text", "text": request.cache_prefix,
                           "cache_control": EPHEMERAL})
        params: dict[str, Any] = {
            "model": self.model,
            "max_tokens": request.max_tokens,
            "messages": self._messages(request.messages),
        }
        if system:
            params["system"] = system
        if request.tools:
            params["tools"] = [{"name": t.name, "description": t.description,
                                "input_schema": t.parameters} for t in request.tools]
        budget = THINKING_BUDGET.get(request.reasoning)
        if budget and request.max_tokens > 2048:
            params["thinking"] = {"type": "enabled",
                                  "budget_tokens": min(budget, request.max_tokens - 1024)}
        elif request.temperature is not None:
            params["temperature"] = request.temperature
        return params

    def _messages(self, messages: tuple[Message, ...]) -> list[dict[str, Any]]:
        out = [{"role": m.role, "content": self._content(m)} for m in messages]
        out = [m for m in out if m["content"]]
        if out:
            last = dict(out[-1]["content"][-1])
            if last.get("type") not in ("thinking", "redacted_thinking"):
                last["cache_control"] = EPHEMERAL
                out[-1]["content"] = [*out[-1]["content"][:-1], last]
        return out

    def _content(self, message: Message) -> list[dict[str, Any]]:
        opaque = message.opaque
        if (message.role == "assistant" and isinstance(opaque, OpaqueTurn)
                and opaque.provider == self.name and opaque.model == self.model):
            return [dict(block) for block in opaque.items]
        blocks: list[dict[str, Any]] = [
            {"type": "tool_result", "tool_use_id": r.call_id, "content": r.content or "(empty)",
             **({"is_error": True} if r.is_error else {})}
            for r in message.tool_results]
        if message.text.strip():  # the API refuses empty or whitespace-only text blocks
            blocks.append({"type": "text", "text": message.text})
        blocks += [{"type": "tool_use", "id": c.id, "name": c.name, "input": c.arguments}
                   for c in message.tool_calls]
        return blocks

    async def _attempt(self, params: dict[str, Any]) -> AsyncIterator[Event]:
        failure: Failure | None = None
        try:
            stream = await self._client.messages.create(**params, stream=True)
        except (anthropic.AnthropicError, httpx2.HTTPError) as exc:
            failure = self._classify(exc)
        if failure is not None:
            raise AttemptFailed(failure)
        turn = _Turn()
        try:
            async with stream:
                async for ev in stream:
                    kind = ev.type
                    if kind == "content_block_delta":
                        delta = ev.delta
                        dkind = delta.type
                        if dkind == "text_delta":
                            turn.add_text(ev.index, delta.text)
                            yield TextDelta(delta.text)
                        elif dkind == "thinking_delta":
                            turn.add_thinking(ev.index, delta.thinking)
                            yield ThinkingDelta(delta.thinking)
                        elif dkind == "input_json_delta":
                            turn.add_json(ev.index, delta.partial_json)
                        elif dkind == "signature_delta":
                            turn.blocks[ev.index]["signature"] = delta.signature
                    elif kind == "content_block_start":
                        turn.start(ev.index, ev.content_block.model_dump(exclude_none=True))
                    elif kind == "content_block_stop":
                        turn.finish(ev.index)
                    elif kind == "message_start":
                        turn.start_usage(ev.message.usage)
                    elif kind == "message_delta":
                        turn.stop_reason = ev.delta.stop_reason or turn.stop_reason
                        turn.update_usage(ev.usage)
                    elif kind == "message_stop":
                        turn.complete = True
        except (anthropic.AnthropicError, httpx2.HTTPError) as exc:
            failure = while_streaming(self._classify(exc))
        if failure is not None:
            raise AttemptFailed(failure)
        if not turn.complete:
            raise AttemptFailed(Failure("dropped"))
        for call in turn.calls:
            yield call
        yield turn.usage
        yield Stop(turn.stop_reason or "end_turn",
                   OpaqueTurn(self.name, self.model, tuple(turn.ordered_blocks())))

    def _classify(self, exc: BaseException) -> Failure:
        if isinstance(exc, anthropic.APIStatusError):
            body = exc.body if isinstance(exc.body, dict) else {}
            error = body.get("error") if isinstance(body.get("error"), dict) else {}
            detail = one_line(str(error.get("message", "")), self._secrets)
            return failure_for_status(exc.status_code, parse_retry_after(exc.response.headers),
                                      exc.type or error.get("type"), detail)
        return classify_transport(exc)


class _Turn:
    """Content blocks of the turn being streamed, keyed by their index."""

    def __init__(self) -> None:
        self.blocks: dict[int, dict[str, Any]] = {}
        self.pieces: dict[int, list[str]] = {}
        self.calls: list[ToolCall] = []
        self.stop_reason: str | None = None
        self.complete = False
        self.usage = Usage()

    def start(self, index: int, block: dict[str, Any]) -> None:
        self.blocks[index] = block
        self.pieces[index] = []

    def add_text(self, index: int, text: str) -> None:
        self.pieces[index].append(text)

    add_thinking = add_text
    add_json = add_text

    def finish(self, index: int) -> None:
        block, joined = self.blocks[index], "".join(self.pieces.pop(index, []))
        kind = block.get("type")
        if kind == "text":
            block["text"] = joined
        elif kind == "thinking":
            block["thinking"] = joined
        elif kind == "tool_use":
            try:
                args = json.loads(joined) if joined.strip() else {}
                bad = None if isinstance(args, dict) else joined
            except ValueError:
                args, bad = {}, joined
            block["input"] = args if isinstance(args, dict) else {}
            self.calls.append(ToolCall(block["id"], block["name"], block["input"], bad))

    def ordered_blocks(self) -> list[dict[str, Any]]:
        return [self.blocks[i] for i in sorted(self.blocks)
                if not (self.blocks[i].get("type") == "text" and not self.blocks[i].get("text"))]

    def start_usage(self, usage: Any) -> None:
        self.usage = Usage(usage.input_tokens or 0, usage.output_tokens or 0,
                           usage.cache_read_input_tokens or 0,
                           usage.cache_creation_input_tokens or 0)

    def update_usage(self, usage: Any) -> None:
        u = self.usage
        self.usage = Usage(
            usage.input_tokens if usage.input_tokens is not None else u.input_tokens,
            usage.output_tokens,
            usage.cache_read_input_tokens if usage.cache_read_input_tokens is not None
            else u.cache_read_tokens,
            usage.cache_creation_input_tokens if usage.cache_creation_input_tokens is not None
            else u.cache_write_tokens)
