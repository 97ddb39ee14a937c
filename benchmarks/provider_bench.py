"""Provider overhead: the same stream read through pairtui's Provider interface vs the bare SDK loop.

The fake LLM server runs in a child process (so it does not share our GIL) and answers every
request at full speed with the same long reply: 3,000 text deltas and a tool call whose
arguments arrive in 500 deltas. For each wire format both loops read that stream with the same
SDK client; runs alternate and the best of each is kept. Time is this process's CPU time (the
server is another process), so other work on the machine does not skew the ratio.
Target: interface >= 0.8x the bare SDK's events/s.

Run: .venv/bin/python benchmarks/provider_bench.py
Prints: name  value  reference  ratio   (events/s through the interface, bare SDK, ratio)
"""

from __future__ import annotations

import asyncio
import multiprocessing
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pairtui.config import Config  # noqa: E402
from pairtui.models.base import Message, Request  # noqa: E402
from pairtui.models.registry import make_provider  # noqa: E402
from tests.fake_llm_server import FakeLLMServer, Reply, Text, Tool  # noqa: E402

TEXT_DELTAS = 3000
ARG_DELTAS = 500
ROUNDS = 7
KEY = "bench-key"


def long_reply() -> Reply:
    return Reply([Text("tok " * TEXT_DELTAS, pieces=TEXT_DELTAS),
                  Tool("write_file", {"path": "a.py", "content": "x" * (ARG_DELTAS * 4)},
                       pieces=ARG_DELTAS)])


def serve(conn) -> None:  # child process
    server = FakeLLMServer()
    server.push(*[long_reply() for _ in range(4 * ROUNDS * 3 + 6)])
    server.start()
    conn.send(server.url)
    conn.recv()  # until the parent is done
    server.stop()


async def bare_anthropic(client) -> int:
    stream = await client.messages.create(model="claude-bench", max_tokens=100, stream=True,
                                          messages=[{"role": "user", "content": "go"}])
    count = 0
    async for _event in stream:
        count += 1
    return count


async def bare_responses(client) -> int:
    stream = await client.responses.create(model="gpt-4.1", input="go", stream=True)
    count = 0
    async for _event in stream:
        count += 1
    return count


async def bare_chat(client) -> int:
    stream = await client.chat.completions.create(
        model="llama3", messages=[{"role": "user", "content": "go"}], stream=True,
        stream_options={"include_usage": True})
    count = 0
    async for _event in stream:
        count += 1
    return count


async def through_interface(provider) -> int:
    count = 0
    async for _event in provider.stream(Request(system="", messages=(Message("user", "go"),))):
        count += 1
    return count


async def timed(make_run) -> float:
    """CPU seconds this process spent on one stream: robust when other work shares the cores."""
    started = time.process_time()
    await make_run()
    return time.process_time() - started


async def main(url: str) -> None:
    config = Config(anthropic_api_key=KEY, openai_api_key=KEY, anthropic_base_url=url,
                    openai_base_url=url + "/v1")
    # The bare loops use each provider's own SDK client, so only pairtui's layer differs.
    claude = make_provider("anthropic:claude-bench", config)
    responses = make_provider("openai:gpt-4.1", config)
    chat = make_provider("openai-chat:llama3", config)
    cases = [
        ("anthropic", lambda: bare_anthropic(claude._client), claude),
        ("openai", lambda: bare_responses(responses._client), responses),
        ("openai-chat", lambda: bare_chat(chat._client), chat),
    ]
    print(f"{'name':<44}{'value':>12}{'reference':>12}{'ratio':>8}")
    worst = float("inf")
    for name, bare, provider in cases:
        sdk_events = await bare()  # warm up both paths and count the wire events
        await through_interface(provider)
        bare_best = iface_best = float("inf")
        for _ in range(ROUNDS):
            bare_best = min(bare_best, await timed(bare))
            iface_best = min(iface_best, await timed(lambda p=provider: through_interface(p)))
        value, reference = sdk_events / iface_best, sdk_events / bare_best
        ratio = value / reference
        worst = min(worst, ratio)
        print(f"{name + ' events/s (interface vs bare SDK)':<44}{value:>12,.0f}"
              f"{reference:>12,.0f}{ratio:>8.2f}")
    print(f"{'worst ratio (target >= 0.80)':<44}{'':>12}{'':>12}{worst:>8.2f}")


if __name__ == "__main__":
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.Process(target=serve, args=(child,), daemon=True)
    process.start()
    try:
        asyncio.run(main(parent.recv()))
    finally:
        parent.send("stop")
        process.join(5)
