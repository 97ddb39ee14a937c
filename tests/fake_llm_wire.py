"""The scripted replies of the fake LLM server and their rendering in each wire format:
Anthropic Messages SSE, OpenAI Responses SSE and Chat Completions chunks (see fake_llm_server)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Text:
    text: str
    pieces: int = 1


@dataclass(frozen=True)
class Thinking:
    text: str
    signature: str = "sig-fake"
    pieces: int = 1


@dataclass(frozen=True)
class Tool:
    name: str
    args: dict[str, Any]
    id: str | None = None
    pieces: int = 1
    raw: str | None = None  # arguments text to send instead of json.dumps(args) (e.g. broken JSON)

    def wire_args(self) -> str:
        return self.raw if self.raw is not None else json.dumps(self.args)


@dataclass(frozen=True)
class Custom:
    """A Responses API custom (freeform) tool call, e.g. Codex's apply_patch; Responses only."""

    name: str
    input: str
    id: str | None = None


@dataclass(frozen=True)
class Usage:
    input_tokens: int = 10
    output_tokens: int = 5
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0


@dataclass
class Reply:
    """One scripted response: a stream of parts, or an HTTP error (status != 200)."""

    parts: list[Text | Thinking | Tool | Custom] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    stop: str | None = None  # Anthropic stop_reason (default tool_use / end_turn); "max_tokens"
    #                          also becomes Responses' incomplete and Chat's finish "length"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None  # error body (JSON-able or str); default: the format's usual error shape
    error_after: int | None = None  # send this many events, then an error event
    error_type: str = "overloaded_error"
    drop_after: int | None = None  # send this many events (negative: all but that many), then stop
    hard_drop: bool = False  # drop by closing the socket mid-body instead of ending it cleanly
    pace: float = 0.0  # seconds between events (0: the whole body in one write)

    @classmethod
    def http_error(cls, status: int, headers: dict[str, str] | None = None, body: Any = None) -> Reply:
        return cls(status=status, headers=dict(headers or {}), body=body)


def _split(text: str, pieces: int) -> list[str]:
    if pieces <= 1 or len(text) <= 1:
        return [text]
    size = max(1, -(-len(text) // pieces))
    return [text[i:i + size] for i in range(0, len(text), size)]


def _sse(event: str | None, data: Any) -> bytes:
    payload = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {payload}\n\n".encode()


def _tool_id(tool: Tool, index: int) -> str:
    return tool.id or f"toolu_{index:02d}"


def anthropic_events(reply: Reply, model: str) -> list[bytes]:
    u = reply.usage
    has_tools = any(isinstance(p, Tool) for p in reply.parts)
    out = [_sse("message_start", {"type": "message_start", "message": {
        "id": "msg_fake", "type": "message", "role": "assistant", "model": model, "content": [],
        "stop_reason": None, "stop_sequence": None,
        "usage": {"input_tokens": u.input_tokens, "output_tokens": 1,
                  "cache_read_input_tokens": u.cache_read_tokens,
                  "cache_creation_input_tokens": u.cache_write_tokens}}}),
           _sse("ping", {"type": "ping"})]
    for i, part in enumerate(reply.parts):
        if isinstance(part, Text):
            block, deltas = {"type": "text", "text": ""}, [
                {"type": "text_delta", "text": t} for t in _split(part.text, part.pieces)]
        elif isinstance(part, Thinking):
            block = {"type": "thinking", "thinking": "", "signature": ""}
            deltas = [{"type": "thinking_delta", "thinking": t} for t in _split(part.text, part.pieces)]
            deltas.append({"type": "signature_delta", "signature": part.signature})
        else:
            block = {"type": "tool_use", "id": _tool_id(part, i), "name": part.name, "input": {}}
            deltas = [{"type": "input_json_delta", "partial_json": t}
                      for t in _split(part.wire_args(), part.pieces)]
        out.append(_sse("content_block_start",
                        {"type": "content_block_start", "index": i, "content_block": block}))
        out += [_sse("content_block_delta", {"type": "content_block_delta", "index": i, "delta": d})
                for d in deltas]
        out.append(_sse("content_block_stop", {"type": "content_block_stop", "index": i}))
    stop = reply.stop or ("tool_use" if has_tools else "end_turn")
    out.append(_sse("message_delta", {"type": "message_delta",
                                      "delta": {"stop_reason": stop, "stop_sequence": None},
                                      "usage": {"output_tokens": u.output_tokens}}))
    out.append(_sse("message_stop", {"type": "message_stop"}))
    return out


def anthropic_error_event(error_type: str) -> bytes:
    return _sse("error", {"type": "error", "error": {"type": error_type, "message": "Overloaded"}})


def responses_events(reply: Reply, model: str) -> list[bytes]:
    seq = iter(range(1_000_000))
    u = reply.usage

    def ev(kind: str, **data: Any) -> bytes:
        return _sse(kind, {"type": kind, "sequence_number": next(seq), **data})

    base = {"id": "resp_fake", "object": "response", "created_at": 0, "model": model, "output": []}
    out = [ev("response.created", response={**base, "status": "in_progress"})]
    done_items: list[dict[str, Any]] = []
    for i, part in enumerate(reply.parts):
        if isinstance(part, Text):
            item_id = f"msg_{i}"
            out.append(ev("response.output_item.added", output_index=i, item={
                "type": "message", "id": item_id, "role": "assistant", "status": "in_progress",
                "content": []}))
            out += [ev("response.output_text.delta", item_id=item_id, output_index=i,
                       content_index=0, delta=t, logprobs=[]) for t in _split(part.text, part.pieces)]
            item = {"type": "message", "id": item_id, "role": "assistant", "status": "completed",
                    "content": [{"type": "output_text", "text": part.text, "annotations": []}]}
        elif isinstance(part, Thinking):
            item_id = f"rs_{i}"
            out.append(ev("response.output_item.added", output_index=i,
                          item={"type": "reasoning", "id": item_id, "summary": []}))
            out += [ev("response.reasoning_summary_text.delta", item_id=item_id, output_index=i,
                       summary_index=0, delta=t) for t in _split(part.text, part.pieces)]
            item = {"type": "reasoning", "id": item_id, "encrypted_content": part.signature,
                    "summary": [{"type": "summary_text", "text": part.text}]}
        elif isinstance(part, Custom):
            item_id = f"ctc_{i}"
            head = {"type": "custom_tool_call", "id": item_id, "call_id": part.id or f"call_{i:02d}",
                    "name": part.name}
            out.append(ev("response.output_item.added", output_index=i,
                          item={**head, "input": "", "status": "in_progress"}))
            out.append(ev("response.custom_tool_call_input.delta", item_id=item_id,
                          output_index=i, delta=part.input))
            out.append(ev("response.custom_tool_call_input.done", item_id=item_id,
                          output_index=i, input=part.input))
            item = {**head, "input": part.input, "status": "completed"}
        else:
            item_id, args = f"fc_{i}", part.wire_args()
            head = {"type": "function_call", "id": item_id, "call_id": _tool_id(part, i),
                    "name": part.name}
            out.append(ev("response.output_item.added", output_index=i,
                          item={**head, "arguments": "", "status": "in_progress"}))
            out += [ev("response.function_call_arguments.delta", item_id=item_id, output_index=i,
                       delta=t) for t in _split(args, part.pieces)]
            out.append(ev("response.function_call_arguments.done", item_id=item_id,
                          output_index=i, arguments=args))
            item = {**head, "arguments": args, "status": "completed"}
        out.append(ev("response.output_item.done", output_index=i, item=item))
        done_items.append(item)
    usage = {"input_tokens": u.input_tokens + u.cache_read_tokens,
             "input_tokens_details": {"cached_tokens": u.cache_read_tokens},
             "output_tokens": u.output_tokens, "output_tokens_details": {"reasoning_tokens": 0},
             "total_tokens": u.input_tokens + u.cache_read_tokens + u.output_tokens}
    if reply.stop == "max_tokens":
        out.append(ev("response.incomplete", response={
            **base, "status": "incomplete", "output": done_items, "usage": usage,
            "incomplete_details": {"reason": "max_output_tokens"}}))
    else:
        out.append(ev("response.completed", response={**base, "status": "completed",
                                                      "output": done_items, "usage": usage}))
    return out


def responses_error_event() -> bytes:
    return _sse("error", {"type": "error", "code": "server_error", "message": "The server is overloaded",
                          "param": None, "sequence_number": 999})


def chat_events(reply: Reply, model: str) -> list[bytes]:
    u = reply.usage

    def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
        return _sse(None, {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 0,
                           "model": model, "choices": [{"index": 0, "delta": delta,
                                                        "finish_reason": finish}]})

    out = [chunk({"role": "assistant", "content": ""})]
    calls = 0
    for i, part in enumerate(reply.parts):
        if isinstance(part, Text):
            out += [chunk({"content": t}) for t in _split(part.text, part.pieces)]
        elif isinstance(part, Thinking):
            out += [chunk({"reasoning_content": t}) for t in _split(part.text, part.pieces)]
        else:
            out.append(chunk({"tool_calls": [{"index": calls, "id": _tool_id(part, i),
                                              "type": "function",
                                              "function": {"name": part.name, "arguments": ""}}]}))
            out += [chunk({"tool_calls": [{"index": calls, "function": {"arguments": t}}]})
                    for t in _split(part.wire_args(), part.pieces)]
            calls += 1
    finish = "length" if reply.stop == "max_tokens" else ("tool_calls" if calls else "stop")
    out.append(chunk({}, finish))
    out.append(_sse(None, {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 0,
                           "model": model, "choices": [], "usage": {
                               "prompt_tokens": u.input_tokens + u.cache_read_tokens,
                               "completion_tokens": u.output_tokens,
                               "total_tokens": u.input_tokens + u.cache_read_tokens + u.output_tokens,
                               "prompt_tokens_details": {"cached_tokens": u.cache_read_tokens}}}))
    out.append(_sse(None, "[DONE]"))
    return out


def chat_error_event() -> bytes:
    return _sse(None, {"error": {"message": "The server is overloaded", "type": "server_error",
                                 "code": None}})


def default_error_body(path: str, status: int) -> Any:
    kind = {401: "authentication_error", 403: "permission_error", 404: "not_found_error",
            429: "rate_limit_error", 529: "overloaded_error"}.get(status, "api_error")
    if path.endswith("/messages"):
        return {"type": "error", "error": {"type": kind, "message": f"fake {status}"}}
    return {"error": {"message": f"fake {status}", "type": kind, "code": None}}


def _gemini_parts(reply: Reply) -> list[list[dict[str, Any]]]:
    """Each wire chunk's parts: text and thoughts in their pieces, a function call whole."""
    chunks: list[list[dict[str, Any]]] = []
    for part in reply.parts:
        if isinstance(part, Text):
            chunks += [[{"text": t}] for t in _split(part.text, part.pieces)]
        elif isinstance(part, Thinking):
            chunks += [[{"text": t, "thought": True}] for t in _split(part.text, part.pieces)]
        else:
            chunks.append([{"functionCall": {"name": part.name, "args": part.args}}])
    return chunks or [[{"text": ""}]]


def _gemini_usage(reply: Reply) -> dict[str, int]:
    u = reply.usage
    return {"promptTokenCount": u.input_tokens, "candidatesTokenCount": u.output_tokens,
            "totalTokenCount": u.input_tokens + u.output_tokens}


def gemini_events(reply: Reply, model: str) -> list[bytes]:
    """Gemini `streamGenerateContent?alt=sse`: one candidate chunk per data line, the last one
    with finishReason and usage."""
    chunks = _gemini_parts(reply)
    out = []
    for n, parts in enumerate(chunks):
        candidate: dict[str, Any] = {"content": {"role": "model", "parts": parts}, "index": 0}
        data: dict[str, Any] = {"candidates": [candidate], "modelVersion": model}
        if n == len(chunks) - 1:
            candidate["finishReason"] = "MAX_TOKENS" if reply.stop == "max_tokens" else "STOP"
            data["usageMetadata"] = _gemini_usage(reply)
        out.append(_sse(None, data))
    return out


def gemini_body(reply: Reply, model: str) -> dict[str, Any]:
    """Gemini `generateContent` (not streamed): the whole reply in one candidate."""
    parts = [p for chunk in _gemini_parts(reply) for p in chunk]
    return {"candidates": [{"content": {"role": "model", "parts": parts}, "index": 0,
                            "finishReason": "STOP"}],
            "usageMetadata": _gemini_usage(reply), "modelVersion": model}
