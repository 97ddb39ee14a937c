"""A loopback fake LLM server for tests: real SDK clients talk real HTTP to it.

It speaks three wire formats, chosen by the request path:
  /v1/messages          Anthropic Messages SSE (message_start ... message_stop)
  /v1/responses         OpenAI Responses SSE (response.created ... response.completed)
  /v1/chat/completions  Chat Completions chunks ending in `data: [DONE]`

Replies are scripted once, independently of the format, and served in order (one per request):

    from tests.fake_llm_server import FakeLLMServer, Reply, Text, Thinking, Tool

    with FakeLLMServer() as server:
        server.push(Reply([Thinking("hmm"), Text("Reading it."), Tool("read_file", {"path": "a.py"})]))
        server.push(Reply([Text("Done.")], usage=Usage(120, 30)))
        server.push(Reply.http_error(429, headers={"retry-after": "0"}))
        server.push(Reply([Text("partial")], drop_after=3))         # connection dropped
        server.push(Reply([Text("x")], error_after=2))               # mid-stream error event
        server.push(Reply([Text("slow " * 50, pieces=50)], pace=0.05))  # 50 ms between events

        provider = make_provider("anthropic:claude-x", server.config())  # or openai:, openai-chat:
        # bare SDKs: AsyncAnthropic(api_key="k", base_url=server.url),
        #            AsyncOpenAI(api_key="k", base_url=server.openai_url)

        server.requests[0].body      # the JSON the client sent (check tools, cache_control...)
        server.wait_disconnect(0.2)  # True once a client hung up mid-stream

`Text/Thinking/Tool(pieces=n)` split their text (or the tool's JSON arguments) over n deltas.
With no scripted reply left the server answers 400 "fake server: no scripted reply left" (not
retried), so a test that asks for more than it scripted fails at once and loudly.
Retries wait for real: pass a quick policy when scripting errors, e.g.
`make_provider(spec, server.config(), RetryPolicy(base_delay=0.01, cap=0.05))`.
Everything stays on 127.0.0.1 with a random port.
"""

from __future__ import annotations

import json
import select
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from pairtui.config import Config


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
class Usage:
    input_tokens: int = 10
    output_tokens: int = 5
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0


@dataclass
class Reply:
    """One scripted response: a stream of parts, or an HTTP error (status != 200)."""

    parts: list[Text | Thinking | Tool] = field(default_factory=list)
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


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


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


def _default_error_body(path: str, status: int) -> Any:
    kind = {401: "authentication_error", 403: "permission_error", 404: "not_found_error",
            429: "rate_limit_error", 529: "overloaded_error"}.get(status, "api_error")
    if path.endswith("/messages"):
        return {"type": "error", "error": {"type": kind, "message": f"fake {status}"}}
    return {"error": {"message": f"fake {status}", "type": kind, "code": None}}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep test output quiet
        pass

    def do_GET(self) -> None:
        self._reply_json(404, {"error": {"message": "not found"}})

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("content-length") or 0))
        try:
            body = json.loads(raw or b"null")
        except ValueError:
            body = raw.decode("utf-8", "replace")
        owner = self.server.owner
        owner._record(Recorded("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body))
        reply = owner._next_reply()
        if reply is None:
            self._reply_json(400, {"type": "error", "error": {
                "type": "invalid_request_error", "message": "fake server: no scripted reply left"}})
            return
        if reply.status != 200:
            self._reply_json(reply.status, reply.body if reply.body is not None
                             else _default_error_body(self.path, reply.status), reply.headers)
            return
        self._stream(reply, body.get("model", "fake-model") if isinstance(body, dict) else "fake")

    def _reply_json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = (body if isinstance(body, str) else json.dumps(body)).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _events(self, reply: Reply, model: str) -> list[bytes]:
        if self.path.endswith("/messages"):
            events, error = anthropic_events(reply, model), anthropic_error_event(reply.error_type)
        elif self.path.endswith("/responses"):
            events, error = responses_events(reply, model), responses_error_event()
        else:
            events, error = chat_events(reply, model), chat_error_event()
        if reply.error_after is not None:
            return events[:reply.error_after] + [error]
        if reply.drop_after is not None:
            return events[:reply.drop_after]
        return events

    def _stream(self, reply: Reply, model: str) -> None:
        events = self._events(reply, model)
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("transfer-encoding", "chunked")
        for key, value in reply.headers.items():
            self.send_header(key, value)
        self.end_headers()
        try:
            if reply.pace <= 0:
                self._chunk(b"".join(events))
            else:
                for event in events:
                    self._chunk(event)
                    if self._peer_closed(reply.pace):
                        self.server.owner._disconnected()
                        return
            if reply.drop_after is not None and reply.hard_drop:
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
                return
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.server.owner._disconnected()
            self.close_connection = True

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def _peer_closed(self, wait: float) -> bool:
        """Wait up to `wait` seconds; True as soon as the client hangs up."""
        readable, _, _ = select.select([self.connection], [], [], wait)
        if not readable:
            return False
        try:
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: FakeLLMServer


class FakeLLMServer:
    """Serves scripted replies on 127.0.0.1:<random port> from a background thread."""

    def __init__(self) -> None:
        self._replies: deque[Reply] = deque()
        self._lock = threading.Lock()
        self.requests: list[Recorded] = []
        self.disconnects: list[float] = []  # time.monotonic() of each client hang-up mid-stream
        self._disconnect = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,),
                                        daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def openai_url(self) -> str:
        return self.url + "/v1"

    def config(self, key: str = "test-key", **overrides: Any) -> Config:
        """A Config whose anthropic/openai/openai-chat providers all talk to this server."""
        return Config(**{"anthropic_api_key": key, "openai_api_key": key,
                         "anthropic_base_url": self.url, "openai_base_url": self.openai_url,
                         **overrides})

    def start(self) -> FakeLLMServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeLLMServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def push(self, *replies: Reply) -> None:
        with self._lock:
            self._replies.extend(replies)

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._replies)

    def wait_disconnect(self, timeout: float) -> bool:
        return self._disconnect.wait(timeout)

    def _next_reply(self) -> Reply | None:
        with self._lock:
            return self._replies.popleft() if self._replies else None

    def _record(self, request: Recorded) -> None:
        with self._lock:
            self.requests.append(request)

    def _disconnected(self) -> None:
        self.disconnects.append(time.monotonic())
        self._disconnect.set()
