"""OpenAI Responses API, streamed through the official SDK (AsyncOpenAI).

Function calls are assembled from `response.output_item.added` and the
`response.function_call_arguments.delta/done` events; usage comes from `response.completed`
(or `response.incomplete`). A stream without either terminal event is a dropped stream and is
retried. The turn's output items (reasoning items included) come back in Stop.opaque and are
sent back verbatim as input, as the API asks for reasoning models with function calls.
Reasoning models get no temperature and an optional effort (see families.py).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx2
import openai

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
from pairtui.models.families import family_of
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


def make_client(api_key: str, base_url: str | None,
                timeout: httpx2.Timeout | None) -> openai.AsyncOpenAI:
    """An SDK client whose own retries are off: the shared RetryPolicy decides."""
    return openai.AsyncOpenAI(api_key=api_key, base_url=base_url, max_retries=0,
                              timeout=timeout or httpx2.Timeout(300.0, connect=10.0))


def classify_openai(exc: BaseException, secrets: tuple[str, ...]) -> Failure:
    """Map an openai SDK exception (HTTP status, mid-stream error, transport) to a Failure."""
    if isinstance(exc, openai.APIStatusError):
        body = exc.body if isinstance(exc.body, dict) else {}
        error = body.get("error") if isinstance(body.get("error"), dict) else body
        detail = one_line(str(error.get("message", "")), secrets)
        return failure_for_status(exc.status_code, parse_retry_after(exc.response.headers),
                                  _error_type(error), detail)
    if isinstance(exc, openai.APIConnectionError) or not isinstance(exc, openai.APIError):
        return classify_transport(exc)
    body = exc.body if isinstance(exc.body, dict) else {}  # an error sent inside the stream
    return failure_for_status(200, None, _error_type(body), one_line(exc.message, secrets))


def _error_type(error: dict[str, Any]) -> str | None:
    value = error.get("code") or error.get("type")
    return str(value) if value else None


def tool_result_text(content: str, is_error: bool) -> str:
    return f"Error: {content}" if is_error else content


class OpenAIClientProvider:
    """What both OpenAI wire formats share: the SDK client (its own retries off), the retry
    policy and the stream entry point. Subclasses build the request and read one attempt."""

    name = ""

    def __init__(self, model: str, *, api_key: str, base_url: str | None = None,
                 policy: RetryPolicy | None = None, timeout: httpx2.Timeout | None = None,
                 host: str = "") -> None:
        self.model = model
        self._secrets = (api_key,)
        self._policy = policy or RetryPolicy()
        self._label = ProviderLabel(self.name, model, "OPENAI_API_KEY", host)
        self._client = make_client(api_key, base_url, timeout)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(model={self.model!r})"

    def stream(self, request: Request) -> AsyncIterator[Event]:
        params = self.build_params(request)
        return stream_with_retries(lambda: self._attempt(params), self._policy, self._label)

    def build_params(self, request: Request) -> dict[str, Any]:
        raise NotImplementedError

    def _attempt(self, params: dict[str, Any]) -> AsyncIterator[Event]:
        raise NotImplementedError


class OpenAIResponsesProvider(OpenAIClientProvider):
    """Provider "openai": one streamed Responses call per turn."""

    name = "openai"

    def build_params(self, request: Request) -> dict[str, Any]:
        family = family_of(self.model)
        instructions = "\n\n".join(p for p in (request.system, request.cache_prefix) if p)
        params: dict[str, Any] = {
            "model": self.model,
            "input": self._input(request.messages),
            "max_output_tokens": request.max_tokens,
        }
        if instructions:
            params["instructions"] = instructions
        if request.tools:
            params["tools"] = [{"type": "function", "name": t.name, "description": t.description,
                                "parameters": t.parameters, "strict": False}
                               for t in request.tools]
        if family.effort and request.reasoning:
            params["reasoning"] = {"effort": request.reasoning}
        if family.temperature and request.temperature is not None:
            params["temperature"] = request.temperature
        return params

    def _input(self, messages: tuple[Message, ...]) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        for m in messages:
            opaque = m.opaque
            if (m.role == "assistant" and isinstance(opaque, OpaqueTurn)
                    and opaque.provider == self.name and opaque.model == self.model):
                items += [dict(item) for item in opaque.items]
                continue
            items += [{"type": "function_call_output", "call_id": r.call_id,
                       "output": tool_result_text(r.content, r.is_error)}
                      for r in m.tool_results]
            if m.text:
                items.append({"role": m.role, "content": m.text})
            items += [{"type": "function_call", "call_id": c.id, "name": c.name,
                       "arguments": json.dumps(c.arguments)} for c in m.tool_calls]
        return items

    async def _attempt(self, params: dict[str, Any]) -> AsyncIterator[Event]:
        failure: Failure | None = None
        try:
            stream = await self._client.responses.create(**params, stream=True)
        except (openai.OpenAIError, httpx2.HTTPError) as exc:
            failure = classify_openai(exc, self._secrets)
        if failure is not None:
            raise AttemptFailed(failure)
        args: dict[str, list[str]] = {}
        calls: list[ToolCall] = []
        items: list[dict[str, Any]] = []
        final: Any = None
        try:
            async with stream:
                async for ev in stream:
                    kind = ev.type
                    if kind in ("response.output_text.delta", "response.refusal.delta"):
                        yield TextDelta(ev.delta)
                    elif kind == "response.function_call_arguments.delta":
                        args.setdefault(ev.item_id, []).append(ev.delta)
                    elif kind in ("response.reasoning_summary_text.delta",
                                  "response.reasoning_text.delta"):
                        yield ThinkingDelta(ev.delta)
                    elif kind == "response.output_item.done":
                        item = ev.item
                        items.append(item.model_dump(exclude_none=True))
                        if item.type == "function_call":
                            raw = item.arguments or "".join(args.get(item.id or "", []))
                            calls.append(_tool_call(item.call_id, item.name, raw))
                    elif kind in ("response.completed", "response.incomplete"):
                        final = ev.response
                    elif kind == "response.failed":
                        error = ev.response.error
                        failure = failure_for_status(200, None, error.code if error else None,
                                                     one_line(error.message if error else "",
                                                              self._secrets))
                    elif kind == "error":
                        failure = failure_for_status(200, None, ev.code,
                                                     one_line(ev.message, self._secrets))
                    if failure is not None:
                        break
        except (openai.OpenAIError, httpx2.HTTPError) as exc:
            failure = while_streaming(classify_openai(exc, self._secrets))
        if failure is not None:
            raise AttemptFailed(failure)
        if final is None:
            raise AttemptFailed(Failure("dropped"))
        for call in calls:
            yield call
        yield _usage(final.usage)
        yield Stop(_stop_reason(final, calls), OpaqueTurn(self.name, self.model, tuple(items)))


def _tool_call(call_id: str, name: str, raw: str) -> ToolCall:
    try:
        args = json.loads(raw) if raw.strip() else {}
    except ValueError:
        return ToolCall(call_id, name, {}, raw)
    return ToolCall(call_id, name, args, None) if isinstance(args, dict) else ToolCall(
        call_id, name, {}, raw)


def _usage(usage: Any) -> Usage:
    if usage is None:
        return Usage()
    details = usage.input_tokens_details
    cached = (details.cached_tokens or 0) if details else 0
    written = (getattr(details, "cache_write_tokens", None) or 0) if details else 0
    return Usage(max(0, usage.input_tokens - cached - written), usage.output_tokens,
                 cached, written)


def _stop_reason(response: Any, calls: list[ToolCall]) -> str:
    if response.status == "incomplete":
        reason = response.incomplete_details.reason if response.incomplete_details else None
        return "max_tokens" if reason == "max_output_tokens" else (reason or "incomplete")
    return "tool_use" if calls else "end_turn"
