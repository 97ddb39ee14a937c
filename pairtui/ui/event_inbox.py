"""Carries FlowEvents from the engine (any thread) into the app's event loop, in order.

The engine may report thousands of text deltas a second; posting a Textual message for each
would make the queue the bottleneck. Events are appended to a deque (thread-safe) and drained
together every ~30 ms, with consecutive model text merged into one event.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.app import App

if TYPE_CHECKING:
    from pairtui.agent.events import FlowEvent

DRAIN_SECONDS = 0.03


class EventInbox:
    """`put` is the engine's on_event sink; `handler` receives batches on the app's loop."""

    def __init__(self, app: App, handler: Callable[[list[FlowEvent]], None]) -> None:
        self._app = app
        self._handler = handler
        self._queue: deque[FlowEvent] = deque()
        self._lock = threading.Lock()
        self._scheduled = False
        self._last_drain = 0.0

    def put(self, event: FlowEvent) -> None:
        self._queue.append(event)
        with self._lock:
            if self._scheduled:
                return
            self._scheduled = True
        # Leading edge: after a quiet spell the first event goes at once (a first token is on
        # screen as soon as it arrives); while events keep coming they are batched.
        delay = 0.001 if time.monotonic() - self._last_drain > DRAIN_SECONDS else DRAIN_SECONDS
        if threading.get_ident() == self._app._thread_id:
            self._app.set_timer(delay, self.drain)
        else:
            try:
                self._app.call_from_thread(self._app.set_timer, delay, self.drain)
            except RuntimeError:  # app already closed: nothing left to show
                pass

    def drain(self) -> None:
        """Hand over everything queued, merging runs of model text of the same kind."""
        from pairtui.agent.events import ModelText

        with self._lock:
            self._scheduled = False
        self._last_drain = time.monotonic()
        batch: list[FlowEvent] = []
        run: ModelText | None = None  # the ModelText ending `batch`, if any
        parts: list[str] = []  # its text and what merges into it, joined once
        while self._queue:
            event = self._queue.popleft()
            if isinstance(event, ModelText) and run is not None and run.thinking == event.thinking:
                parts.append(event.text)
                continue
            if run is not None and len(parts) > 1:
                batch[-1] = ModelText("".join(parts), run.thinking)
            batch.append(event)
            run = event if isinstance(event, ModelText) else None
            parts = [event.text] if run is not None else []
        if run is not None and len(parts) > 1:
            batch[-1] = ModelText("".join(parts), run.thinking)
        if batch:
            self._handler(batch)
