"""Helpers for provider tests: real providers pointed at the loopback fake server."""

from __future__ import annotations

from dataclasses import dataclass, field

from pairtui.config import Config
from pairtui.models.base import Event, Message, Provider, Request, TurnCollector
from pairtui.models.registry import make_provider
from pairtui.models.retry import RetryPolicy
from tests.fake_llm_server import FakeLLMServer

WIRES = ("anthropic", "openai", "openai-chat")
SECRET = "sk-test-SECRET-4f9a2c"  # grep for it in every message the error tests produce


@dataclass
class RecordingSleep:
    """A RetryPolicy sleep that records the waits asked for and returns at once."""

    waits: list[float] = field(default_factory=list)

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def fast_policy(sleep: RecordingSleep | None = None, attempts: int = 4) -> RetryPolicy:
    return RetryPolicy(max_attempts=attempts, base_delay=0.01, cap=0.5,
                       sleep=sleep or RecordingSleep())


def config_for(server: FakeLLMServer, key: str = SECRET) -> Config:
    return Config(anthropic_api_key=key, openai_api_key=key,
                  anthropic_base_url=server.url, openai_base_url=server.openai_url)


def provider_for(wire: str, server: FakeLLMServer, model: str | None = None,
                 policy: RetryPolicy | None = None, key: str = SECRET) -> Provider:
    model = model or {"anthropic": "claude-test", "openai": "gpt-4.1",
                      "openai-chat": "llama3"}[wire]
    return make_provider(f"{wire}:{model}", config_for(server, key), policy or fast_policy())


def user(text: str) -> Request:
    return Request(system="You are terse.", messages=(Message("user", text),))


async def collect(provider: Provider, request: Request) -> list[Event]:
    return [event async for event in provider.stream(request)]


async def turn(provider: Provider, request: Request) -> TurnCollector:
    collector = TurnCollector()
    async for event in provider.stream(request):
        collector.add(event)
    return collector
