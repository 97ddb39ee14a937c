"""A loopback fake LLM server for tests: real SDK clients talk real HTTP to it.

It speaks these wire formats, chosen by the request path:
  /v1/messages          Anthropic Messages SSE (message_start ... message_stop)
  .../models/M:streamGenerateContent?alt=sse   Gemini SSE (:generateContent answers JSON)
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
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from pairtui.config import Config
from tests.fake_llm_wire import (
    Reply,
    Text,
    Thinking,
    Tool,
    Usage,
    anthropic_error_event,
    anthropic_events,
    chat_error_event,
    chat_events,
    default_error_body,
    gemini_body,
    gemini_events,
    responses_error_event,
    responses_events,
)

__all__ = ["FakeLLMServer", "Recorded", "Reply", "Text", "Thinking", "Tool", "Usage"]


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


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
        reply = owner.responder(body) if owner.responder is not None else owner._next_reply()
        if reply is None:
            self._reply_json(400, {"type": "error", "error": {
                "type": "invalid_request_error", "message": "fake server: no scripted reply left"}})
            return
        if reply.status != 200:
            self._reply_json(reply.status, reply.body if reply.body is not None
                             else default_error_body(self.path, reply.status), reply.headers)
            return
        model = body.get("model", "fake-model") if isinstance(body, dict) else "fake"
        if ":generateContent" in self.path or ":countTokens" in self.path:  # Gemini, not streamed
            model = self.path.split("/models/")[-1].split(":")[0]
            self._reply_json(200, {"totalTokens": 10} if ":countTokens" in self.path
                             else gemini_body(reply, model))
            return
        self._stream(reply, model)

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
        path = self.path.split("?")[0]  # Claude Code asks for /v1/messages?beta=true
        if ":streamGenerateContent" in path:
            return gemini_events(reply, path.split("/models/")[-1].split(":")[0])
        if path.endswith("/messages"):
            events, error = anthropic_events(reply, model), anthropic_error_event(reply.error_type)
        elif path.endswith("/responses"):
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
        # Instead of the queue: a function of the request body giving the reply (for real
        # agents, whose requests vary in number and order).
        self.responder: Callable[[Any], Reply | None] | None = None
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
