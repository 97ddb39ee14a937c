"""Which program `acp:NAME` runs, with which environment, and whether it is installed.

Built-ins: `claude` (claude-code-acp), `codex` (codex-acp), `gemini` (`gemini --acp`); any other
NAME must be declared in the user config as `[agents.NAME] command = [...]` (a declared name
also overrides a built-in). The agent gets only what it needs: HOME, PATH, the locale and
terminal basics, proxies, its own key variables and base URLs, and what its config declares.
pairtui's other secrets (another provider's key, anything else in the environment) stay out.

A missing program is a ProviderError (exit 3) naming the npm package to install, raised when
the spec is resolved, before any checkpoint or process exists.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field

from pairtui.config import Config
from pairtui.errors import ProviderError, UsageError
from pairtui.models.base import Event, Request

BASICS = ("HOME", "PATH", "USER", "LOGNAME", "SHELL", "TERM", "LANG", "LC_ALL", "LC_CTYPE",
          "TMPDIR", "TZ", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME",
          "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy",
          "NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE")


@dataclass(frozen=True)
class Builtin:
    command: tuple[str, ...]
    package: str  # what `npm install -g` needs
    passes: tuple[str, ...]  # the agent's own key variables and base URLs


BUILTINS: dict[str, Builtin] = {
    "claude": Builtin(("claude-code-acp",), "@zed-industries/claude-code-acp",
                      ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL",
                       "ANTHROPIC_MODEL", "ANTHROPIC_SMALL_FAST_MODEL", "CLAUDE_CONFIG_DIR",
                       "CLAUDE_CODE_USE_BEDROCK", "CLAUDE_CODE_USE_VERTEX", "AWS_REGION",
                       "AWS_PROFILE", "ANTHROPIC_VERTEX_PROJECT_ID", "CLOUD_ML_REGION")),
    "codex": Builtin(("codex-acp",), "@zed-industries/codex-acp",
                     ("OPENAI_API_KEY", "OPENAI_BASE_URL", "CODEX_HOME")),
    "gemini": Builtin(("gemini", "--acp"), "@google/gemini-cli",
                      ("GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GEMINI_BASE_URL",
                       "GOOGLE_CLOUD_PROJECT", "GOOGLE_CLOUD_LOCATION",
                       "GOOGLE_APPLICATION_CREDENTIALS", "GOOGLE_GENAI_USE_VERTEXAI",
                       "GEMINI_MODEL")),
}


@dataclass(frozen=True)
class AgentSpec:
    """A resolved `acp:NAME`: the argv to spawn (first item an absolute path) and its env."""

    name: str
    argv: tuple[str, ...]
    env: dict[str, str] = field(repr=False, default_factory=dict)

    @property
    def label(self) -> str:
        return f"acp:{self.name}"


def agent_environment(
    name: str, config: Config, environ: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The variables the agent is started with (see the module docstring)."""
    environ = os.environ if environ is None else environ
    declared = config.agents.get(name)
    wanted = list(BASICS)
    if name in BUILTINS and declared is None:
        wanted += BUILTINS[name].passes
    if declared is not None:
        wanted += declared.pass_env
    env = {k: environ[k] for k in wanted if environ.get(k) and not environ[k].startswith("()")}
    if name == "claude" and declared is None:  # keys kept in pairtui's user config
        if config.anthropic_api_key and "ANTHROPIC_API_KEY" not in env:
            env["ANTHROPIC_API_KEY"] = config.anthropic_api_key
        if config.anthropic_base_url and "ANTHROPIC_BASE_URL" not in env:
            env["ANTHROPIC_BASE_URL"] = config.anthropic_base_url
    if name == "codex" and declared is None:
        if config.openai_api_key and "OPENAI_API_KEY" not in env:
            env["OPENAI_API_KEY"] = config.openai_api_key
        if config.openai_base_url and "OPENAI_BASE_URL" not in env:
            env["OPENAI_BASE_URL"] = config.openai_base_url
    if declared is not None:
        env.update(declared.env)
    return env


def resolve_agent(name: str, config: Config, environ: Mapping[str, str] | None = None) -> AgentSpec:
    """The agent for `acp:NAME`. UsageError for an unknown name; ProviderError (exit 3) when its
    program is not on PATH, naming what to install."""
    name = name.strip()
    declared = config.agents.get(name)
    if declared is None and name not in BUILTINS:
        known = ", ".join(sorted({*BUILTINS, *config.agents}))
        raise UsageError(f"unknown ACP agent {name!r}: use one of {known}, or declare "
                         f"[agents.{name}] command = [...] in your user config")
    env = agent_environment(name, config, environ)
    command = declared.command if declared is not None else BUILTINS[name].command
    found = shutil.which(command[0], path=env.get("PATH") or os.defpath)
    if found is None:
        if declared is not None:
            raise ProviderError(f"acp:{name}: {command[0]!r} was not found on PATH (from "
                                f"[agents.{name}] in your config)")
        package = BUILTINS[name].package
        raise ProviderError(f"acp:{name}: {command[0]} is not on PATH; install it with "
                            f"`npm install -g {package}`")
    return AgentSpec(name, (found, *command[1:]), env)


class AcpAgentHandle:
    """What `make_provider("acp:NAME")` gives: the resolved agent. The engine drives it over ACP
    (agent/executors/); it is not a token stream, so `stream` is an error if anything tries."""

    name = "acp"

    def __init__(self, spec: AgentSpec) -> None:
        self.spec = spec
        self.model = spec.name

    def stream(self, request: Request) -> AsyncIterator[Event]:
        raise ProviderError(f"{self.spec.label}: an ACP agent is driven by pairtui's flow, "
                            "not called as a model")
