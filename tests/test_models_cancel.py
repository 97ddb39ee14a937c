"""Cancellation (the person presses Esc): the HTTP stream is closed within 200 ms, measured
from the server's side, and the provider stays usable."""

from __future__ import annotations

import asyncio
import time
from contextlib import aclosing

import pytest

from pairtui.models.base import TextDelta
from tests.fake_llm_server import FakeLLMServer, Reply, Text
from tests.support_models import WIRES, collect, provider_for, user


@pytest.fixture
def server():
    with FakeLLMServer() as fake:
        yield fake


def slow_reply() -> Reply:
    return Reply([Text("word " * 200, pieces=200)], pace=0.05)  # ~10 s if nobody stops it


@pytest.mark.parametrize("wire", WIRES)
async def test_cancelling_the_consumer_closes_the_http_stream_within_200ms(server, wire):
    server.push(slow_reply(), Reply([Text("next turn")]))
    provider = provider_for(wire, server)
    first_text = asyncio.Event()
    seen: list[str] = []

    async def consume() -> None:
        async for event in provider.stream(user("go")):
            if isinstance(event, TextDelta):
                seen.append(event.text)
                first_text.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(first_text.wait(), 5)
    cancelled_at = time.monotonic()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await asyncio.to_thread(server.wait_disconnect, 2.0)
    assert server.disconnects[0] - cancelled_at < 0.2
    assert len(seen) < 50  # it really was stopped mid-stream
    # the conversation can go on: the next turn works on a fresh connection
    events = await collect(provider, user("again"))
    assert TextDelta("next turn") in events


@pytest.mark.parametrize("wire", WIRES)
async def test_breaking_out_of_a_closed_iterator_also_closes_the_stream(server, wire):
    server.push(slow_reply())
    provider = provider_for(wire, server)
    async with aclosing(provider.stream(user("go"))) as events:
        async for event in events:
            if isinstance(event, TextDelta):
                break
    closed_at = time.monotonic()
    assert await asyncio.to_thread(server.wait_disconnect, 2.0)
    assert server.disconnects[0] - closed_at < 0.2
