"""Chat Completions streaming ("openai-chat"): OpenAI itself and any compatible server by base
URL (Ollama, vLLM, LM Studio, llama.cpp server).

Tool calls are assembled from `delta.tool_calls` fragments keyed by their index; reasoning text
arrives as `reasoning_content` (vLLM, llama.cpp, DeepSeek) or `reasoning` (Ollama, OpenRouter).
Usage comes from the final chunk asked for with `stream_options.include_usage`.
The SDK hides `[DONE]`, so a choice's `finish_reason` is the terminal event: a stream that ends
without one was dropped and is retried.
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
    Request,
    Stop,
    TextDelta,
    ThinkingDelta,
    ToolCall,
    Usage,
)
from pairtui.models.families import family_of
from pairtui.models.openai import OpenAIClientProvider, classify_openai, tool_result_text
from pairtui.models.retry import (
    AttemptFailed,
    Failure,
    while_streaming,
)

FINISH = {"stop": "end_turn", "tool_calls": "tool_use", "function_call": "tool_use",
          "length": "max_tokens"}


class OpenAIChatProvider(OpenAIClientProvider):
    """Provider "openai-chat": one streamed Chat Completions call per turn."""

    name = "openai-chat"

    def build_params(self, request: Request) -> dict[str, Any]:
        family = family_of(self.model)
        system = "\n\n".join(p for p in (request.system, request.cache_prefix) if p)
        messages = [{"role": "system", "content": system}] if system else []
        params: dict[str, Any] = {
            "model": self.model,
            "messages": messages + self._messages(request.messages),
            "stream_options": {"include_usage": True},
            family.max_tokens_param: request.max_tokens,
        }
        if request.tools:
            params["tools"] = [{"type": "function", "function": {
                "name": t.name, "description": t.description, "parameters": t.parameters}}
                for t in request.tools]
        if family.effort and request.reasoning:
            params["reasoning_effort"] = request.reasoning
        if family.temperature and request.temperature is not None:
            params["temperature"] = request.temperature
        return params

    @staticmethod
    def _messages(messages: tuple[Message, ...]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for m in messages:
            out += [{"role": "tool", "tool_call_id": r.call_id,
                     "content": tool_result_text(r.content, r.is_error)} for r in m.tool_results]
            if m.role == "assistant" and m.tool_calls:
                out.append({"role": "assistant", "content": m.text or None, "tool_calls": [
                    {"id": c.id, "type": "function",
                     "function": {"name": c.name, "arguments": json.dumps(c.arguments)}}
                    for c in m.tool_calls]})
            elif m.text:
                out.append({"role": m.role, "content": m.text})
        return out

    async def _attempt(self, params: dict[str, Any]) -> AsyncIterator[Event]:
        failure: Failure | None = None
        try:
            stream = await self._client.chat.completions.create(**params, stream=True)
        except (openai.OpenAIError, httpx2.HTTPError) as exc:
            failure = classify_openai(exc, self._secrets)
        if failure is not None:
            raise AttemptFailed(failure)
        calls: dict[int, _PendingCall] = {}
        finish: str | None = None
        usage = Usage()
        try:
            async with stream:
                async for chunk in stream:
                    if chunk.usage is not None:
                        usage = _usage(chunk.usage)
                    if not chunk.choices:
                        continue
                    choice = chunk.choices[0]
                    delta = choice.delta
                    if delta is not None:
                        if delta.content:
                            yield TextDelta(delta.content)
                        extra = delta.model_extra
                        if extra:
                            thought = extra.get("reasoning_content") or extra.get("reasoning")
                            if isinstance(thought, str) and thought:
                                yield ThinkingDelta(thought)
                        if delta.tool_calls:
                            for frag in delta.tool_calls:
                                _merge(calls, frag)
                    if choice.finish_reason:
                        finish = choice.finish_reason
        except (openai.OpenAIError, httpx2.HTTPError) as exc:
            failure = while_streaming(classify_openai(exc, self._secrets))
        if failure is not None:
            raise AttemptFailed(failure)
        if finish is None:
            raise AttemptFailed(Failure("dropped"))
        tool_calls = [calls[i].done() for i in sorted(calls)]
        for call in tool_calls:
            yield call
        yield usage
        yield Stop("tool_use" if tool_calls and finish == "stop" else FINISH.get(finish, finish))


class _PendingCall:
    def __init__(self) -> None:
        self.id = ""
        self.name = ""
        self.args: list[str] = []

    def done(self) -> ToolCall:
        raw = "".join(self.args)
        try:
            args = json.loads(raw) if raw.strip() else {}
        except ValueError:
            return ToolCall(self.id, self.name, {}, raw)
        if not isinstance(args, dict):
            return ToolCall(self.id, self.name, {}, raw)
        return ToolCall(self.id, self.name, args)


def _merge(calls: dict[int, _PendingCall], frag: Any) -> None:
    """Fold one tool-call fragment in; servers that omit `index` send each call whole."""
    index = frag.index if frag.index is not None else len(calls)
    pending = calls.setdefault(index, _PendingCall())
    if frag.id:
        pending.id = frag.id
    fn = frag.function
    if fn is not None:
        if fn.name:
            pending.name = fn.name
        if fn.arguments:
            pending.args.append(fn.arguments)
    if not pending.id:
        pending.id = f"call_{index}"


def _usage(usage: Any) -> Usage:
    details = usage.prompt_tokens_details
    cached = (details.cached_tokens or 0) if details else 0
    return Usage(max(0, (usage.prompt_tokens or 0) - cached), usage.completion_tokens or 0,
                 cached, 0)
