"""Build a Provider from a "PROVIDER:MODEL" spec and the config.

Specs: "anthropic:MODEL", "openai:MODEL" (Responses API), "openai-chat:MODEL" (Chat
Completions: OpenAI or any compatible server by base URL), "replay:PATH", "acp:NAME" (an ACP
agent program; see models/acp_agents.py).
Keys and base URLs come from the config, else the SDKs' own variables (ANTHROPIC_API_KEY,
ANTHROPIC_AUTH_TOKEN, ANTHROPIC_BASE_URL, OPENAI_API_KEY, OPENAI_BASE_URL). A missing key is
reported before any HTTP. openai-chat against a non-OpenAI base URL needs no key (local servers).
SDK modules are imported only for the provider asked for, to keep start-up light.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from pairtui.config import Config
from pairtui.errors import UsageError
from pairtui.models.base import Provider, ProviderAuthError
from pairtui.models.retry import RetryPolicy

PROVIDERS = ("anthropic", "openai", "openai-chat", "replay", "acp")
LOCAL_SERVER_KEY = "not-needed"  # compatible servers that ignore the key still want a header


def parse_spec(spec: str) -> tuple[str, str]:
    """Split "PROVIDER:MODEL"; UsageError (one line) if it is not one."""
    provider, sep, model = spec.strip().partition(":")
    provider = provider.strip().lower()
    if not sep or provider not in PROVIDERS or not model.strip():
        raise UsageError(f"bad model {spec!r}: expected PROVIDER:MODEL with PROVIDER one of "
                         f"{', '.join(PROVIDERS)} (e.g. anthropic:claude-sonnet-4-5)")
    return provider, model.strip()


def host_of(base_url: str | None, default: str) -> str:
    """The base URL without credentials or query, fit for an error message."""
    if not base_url:
        return default
    parts = urlsplit(base_url)
    host = parts.hostname or base_url
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}".rstrip("/") if parts.scheme else host


def make_provider(spec: str, config: Config, policy: RetryPolicy | None = None) -> Provider:
    """The provider for `spec`. Raises UsageError (bad spec, missing transcript) or
    ProviderAuthError (no key), each one line, before any network traffic."""
    provider, model = parse_spec(spec)
    if policy is None:
        policy = RetryPolicy(max_attempts=int(getattr(config, "provider_max_attempts", 4) or 4))
    if provider == "replay":
        from pairtui.models.replay import ReplayProvider

        return ReplayProvider.from_path(Path(model))
    if provider == "acp":
        from pairtui.models.acp_agents import AcpAgentHandle, resolve_agent

        return AcpAgentHandle(resolve_agent(model, config))
    if provider == "anthropic":
        return _anthropic(model, config, policy)
    return _openai(provider, model, config, policy)


def _anthropic(model: str, config: Config, policy: RetryPolicy) -> Provider:
    from pairtui.models.anthropic import AnthropicProvider

    key = config.anthropic_api_key or os.environ.get("ANTHROPIC_API_KEY") or None
    token = None if key else os.environ.get("ANTHROPIC_AUTH_TOKEN") or None
    if not key and not token:
        raise ProviderAuthError(f"anthropic ({model}): no API key; set ANTHROPIC_API_KEY or "
                                "anthropic_api_key in the config")
    base_url = config.anthropic_base_url or os.environ.get("ANTHROPIC_BASE_URL") or None
    return AnthropicProvider(model, api_key=key, auth_token=token, base_url=base_url,
                             policy=policy, host=host_of(base_url, "api.anthropic.com"))


def _openai(provider: str, model: str, config: Config, policy: RetryPolicy) -> Provider:
    key = config.openai_api_key or os.environ.get("OPENAI_API_KEY") or None
    base_url = config.openai_base_url or os.environ.get("OPENAI_BASE_URL") or None
    host = host_of(base_url, "api.openai.com")
    if not key:
        if provider == "openai-chat" and base_url and "api.openai.com" not in base_url:
            key = LOCAL_SERVER_KEY
        else:
            raise ProviderAuthError(f"{provider} ({model}): no API key; set OPENAI_API_KEY or "
                                    "openai_api_key in the config (for a local server, set "
                                    "OPENAI_BASE_URL and use openai-chat)")
    if provider == "openai":
        from pairtui.models.openai import OpenAIResponsesProvider

        return OpenAIResponsesProvider(model, api_key=key, base_url=base_url, policy=policy,
                                       host=host)
    from pairtui.models.openai_chat import OpenAIChatProvider

    return OpenAIChatProvider(model, api_key=key, base_url=base_url, policy=policy, host=host)
