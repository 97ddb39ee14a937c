"""Settings: defaults < user config < repo config (.pairtui.toml) < environment < flags.

Files (TOML):
  user config   $XDG_CONFIG_HOME/pairtui/config.toml if XDG_CONFIG_HOME is set, else the
                platform's config dir (platformdirs: ~/.config/pairtui/config.toml on Linux,
                ~/Library/Application Support/pairtui/config.toml on macOS)
  repo config   <repo>/.pairtui.toml, meant to be committed: API keys are refused there,
                and base URLs must point at this machine (a cloned repo must not be able to
                send your key to its own server). Keys that grant power (GRANT_FIELDS: letting
                the model run commands unasked) count only once the person trusted that exact
                file (`pairtui trust`, see trust.py); until then they are ignored and listed
                in `Config.untrusted_repo_keys` for the commands to say so in one line.

Keys (top level of either file):
  planner = "anthropic:claude-opus-4-1"      PROVIDER:MODEL that writes and revises the plan
  executor = "anthropic:claude-sonnet-4-5"   PROVIDER:MODEL that carries out each chunk
      PROVIDER is anthropic, openai, openai-chat (any Chat Completions server) or replay
  verify = "pytest -q"                       check for chunks without a Verify: line
  max_fix_rounds = 2                         executor retries after a failed check
  verify_timeout = 300                       seconds before a check is stopped
  allow_run_command_headless = false         let run_command run without asking (headless)
  max_turns = 40                             executor turns per chunk
  max_runs = 4                               `run --worktree` runs at once (default: cores)
  trailers = true                            Pairtui-* trailers on landed chunks' commits
  plans_dir = "docs/plans"                   keep each approved plan as a file in the repo
  plans_commit = "with-first-chunk"          ...landed with the first chunk, or "own-commit"
  verify_env = "auto"                        where checks find python: "auto" (the active
                                             virtualenv, else the repo's .venv/ or venv/,
                                             else PATH as is), "inherit" (PATH as is), or
                                             a virtualenv directory (repo-relative or absolute)
  anthropic_base_url / openai_base_url       endpoints (e.g. a proxy or a local server)
  anthropic_api_key / openai_api_key         user config only (or the environment)
  agent_turn_timeout = 1800                  seconds an ACP agent's turn may take
  [agents.NAME]                              an ACP agent for `acp:NAME` (user config only)
  command = ["my-agent", "--acp"]            argv, found on PATH
  env = {MY_AGENT_MODEL = "fast"}            extra variables it gets (besides HOME, PATH)
  pass_env = ["MY_AGENT_KEY"]                variables passed on from pairtui's environment
  [mcp.servers.NAME]                         an MCP server (user config only; see agent/mcp/):
  command = "uvx" / args = [...] / env = {}   stdio, or url = "https://..." / headers = {}
  mcp_allow = ["git__git_status", "docs__*"] MCP tools a headless run may call unasked
  mcp_start_timeout = 20 / mcp_timeout = 120 seconds to start a server / for one call
  mcp_result_limit = 20000                   characters of an MCP result the model sees
  [prices]                                   $ per million tokens, [input, output]
  "gpt-4.1" = [2.0, 8.0]                     adds to / overrides the built-in table
                                             (pairtui/models/pricing.py)

Flags only: plan_out (`--plan-out PATH`, the kept plan's file for this session).

Environment: PAIRTUI_PLANNER, PAIRTUI_EXECUTOR, PAIRTUI_VERIFY, PAIRTUI_VERIFY_ENV, ANTHROPIC_API_KEY,
OPENAI_API_KEY, ANTHROPIC_BASE_URL, OPENAI_BASE_URL. Flags: a dict keyed like Config's
fields; None means "not given".

Guarantees: a bad file, key or value is a ConfigError naming the file (or variable) and the
key; API key values never appear in a repr, an error message or anything pairtui writes.
"""

from __future__ import annotations

import difflib
import ipaddress
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs

from pairtui.errors import ConfigError

REPO_CONFIG_NAME = ".pairtui.toml"
KEY_FIELDS = ("anthropic_api_key", "openai_api_key")
URL_FIELDS = ("anthropic_base_url", "openai_base_url")
GRANT_FIELDS = ("allow_run_command_headless", "mcp_allow")
FLAG_ONLY = ("plan_out", "trust_mcp")
PLANS_COMMIT = ("with-first-chunk", "own-commit")
ENVIRONMENT = {
    "PAIRTUI_PLANNER": "planner",
    "PAIRTUI_EXECUTOR": "executor",
    "PAIRTUI_VERIFY": "verify",
    "PAIRTUI_VERIFY_ENV": "verify_env",
    "ANTHROPIC_API_KEY": "anthropic_api_key",
    "OPENAI_API_KEY": "openai_api_key",
    "ANTHROPIC_BASE_URL": "anthropic_base_url",
    "OPENAI_BASE_URL": "openai_base_url",
}


@dataclass(frozen=True)
class Config:
    planner: str = "anthropic:claude-opus-4-1"
    executor: str = "anthropic:claude-sonnet-4-5"
    verify: str | None = None  # repo's default check for chunks without Verify:
    max_fix_rounds: int = 2
    verify_timeout: float = 300.0
    allow_run_command_headless: bool = False
    max_turns: int = 40  # executor turn limit per chunk
    max_runs: int = field(default_factory=lambda: os.cpu_count() or 1)  # worktree runs at once
    verify_env: str = "auto"
    trailers: bool = True  # Pairtui-* trailers on landed commits (what `pairtui why` reads)
    plans_dir: str | None = None  # repo folder where approved plans are kept as files
    plans_commit: str = "with-first-chunk"  # or "own-commit"
    plan_out: str | None = None  # --plan-out: this session's plan file (flag only)
    prices: dict[str, tuple[float, float]] = field(
        default_factory=dict
    )  # model -> ($/Mtok in, out)
    anthropic_api_key: str | None = field(default=None, repr=False)
    openai_api_key: str | None = field(default=None, repr=False)
    anthropic_base_url: str | None = None
    openai_base_url: str | None = None
    # Not a setting: the repo config's power-granting keys left out because the file is not
    # trusted (see trust.py).
    untrusted_repo_keys: tuple[str, ...] = ()
    agent_turn_timeout: float = 1800.0  # seconds an ACP agent's turn may take
    agents: dict[str, AgentConfig] = field(default_factory=dict)  # [agents.NAME] for acp:NAME
    mcp: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)  # [mcp.servers.NAME] by NAME
    mcp_allow: tuple[str, ...] = ()  # MCP tools a headless run calls unasked ("server__tool", "server__*")
    mcp_start_timeout: float = 20.0
    mcp_timeout: float = 120.0
    mcp_result_limit: int = 20_000
    trust_mcp: bool = False  # --trust-mcp: start the repo's .mcp.json servers for this run only

    @property
    def secrets(self) -> tuple[str, ...]:
        """The configured API keys (and key-like agent variables), for redaction."""
        agent_keys = tuple(v for a in self.agents.values() for k, v in a.env.items()
                           if _SECRET_NAME.search(k) and v)
        return tuple(k for k in (self.anthropic_api_key, self.openai_api_key) if k) + agent_keys


@dataclass(frozen=True)
class AgentConfig:
    """An ACP agent declared as `[agents.NAME]`: its argv, the variables it gets set and the
    variables of pairtui's own environment passed on to it (nothing else is)."""

    command: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict, repr=False)
    pass_env: tuple[str, ...] = ()


_SECRET_NAME = re.compile(r"KEY|TOKEN|SECRET|PASSWORD", re.I)


def _agents(value: Any) -> dict[str, AgentConfig]:
    if not isinstance(value, Mapping):
        raise ValueError("expected tables [agents.NAME] with command = [...]")
    agents = {}
    for name, table in value.items():
        if not isinstance(table, Mapping):
            raise ValueError(f"{name}: expected a table with command = [...]")
        unknown = set(table) - {"command", "env", "pass_env"}
        if unknown:
            raise ValueError(f"{name}: unknown key {sorted(unknown)[0]!r} (expected command, env, "
                             "pass_env)")
        command = table.get("command")
        if (not isinstance(command, list) or not command
                or not all(isinstance(a, str) and a for a in command)):
            raise ValueError(f"{name}: command: expected a list of strings, e.g. "
                             '["my-agent", "--acp"]')
        env = table.get("env", {})
        if not isinstance(env, Mapping) or not all(isinstance(v, str) for v in env.values()):
            raise ValueError(f"{name}: env: expected a table of NAME = \"value\" strings")
        passed = table.get("pass_env", [])
        if not isinstance(passed, list) or not all(isinstance(v, str) and v for v in passed):
            raise ValueError(f"{name}: pass_env: expected a list of variable names")
        agents[str(name)] = AgentConfig(tuple(command), {str(k): v for k, v in env.items()},
                                        tuple(passed))
    return agents


def _mcp(value: Any) -> dict[str, dict[str, Any]]:
    """`[mcp.servers.NAME]` tables, checked for shape here and read by agent/mcp/servers.py."""
    if not isinstance(value, Mapping) or set(value) - {"servers"}:
        raise ValueError("expected tables [mcp.servers.NAME]")
    servers = value.get("servers", {})
    if not isinstance(servers, Mapping) or not all(isinstance(t, Mapping) for t in servers.values()):
        raise ValueError("expected tables [mcp.servers.NAME] with command = \"...\" or url = \"...\"")
    for name, table in servers.items():
        if not isinstance(table.get("command"), str) and not isinstance(table.get("url"), str):
            raise ValueError(f"servers.{name}: expected command = \"...\" or url = \"...\"")
    return {str(k): dict(v) for k, v in servers.items()}


def _patterns(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError('expected a list of "server__tool" names (a * matches any part)')
    return tuple(v.strip() for v in value)


def _model_spec(value: Any) -> str:
    if not isinstance(value, str) or ":" not in value or not all(value.split(":", 1)):
        raise ValueError("expected PROVIDER:MODEL, e.g. anthropic:claude-sonnet-4-5")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a non-empty string")
    return value


def _optional_text(value: Any) -> str | None:
    if not isinstance(value, str):
        raise ValueError("expected a string")
    return value.strip() or None


def _count(minimum: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ValueError(f"expected a whole number >= {minimum}")
        return value

    return check


def _seconds(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ValueError("expected a positive number of seconds")
    return float(value)


def _verify_env(value: Any) -> str:
    """"auto", "inherit", or a virtual environment's directory (relative to the repo or
    absolute); whether that directory holds an environment is checked when a check runs."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError('expected "auto", "inherit" or the path of a virtual environment')
    return value.strip()


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("expected true or false")
    return value


def _plans_commit(value: Any) -> str:
    if value not in PLANS_COMMIT:
        raise ValueError(f"expected one of {', '.join(repr(v) for v in PLANS_COMMIT)}")
    return value


def _url(value: Any) -> str:
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        raise ValueError("expected an http:// or https:// URL")
    return value


def _prices(value: Any) -> dict[str, tuple[float, float]]:
    if not isinstance(value, Mapping):
        raise ValueError("expected a table of model = [input, output] ($ per million tokens)")
    table = {}
    for model, pair in value.items():
        if (
            not isinstance(pair, list | tuple)
            or len(pair) != 2
            or any(isinstance(p, bool) or not isinstance(p, int | float) or p < 0 for p in pair)
        ):
            raise ValueError(
                f"{model}: expected [input, output] $ per million tokens, e.g. [3.0, 15.0]"
            )
        table[str(model)] = (float(pair[0]), float(pair[1]))
    return table


_CHECKS: dict[str, Callable[[Any], Any]] = {
    "planner": _model_spec,
    "executor": _model_spec,
    "verify": _optional_text,
    "max_fix_rounds": _count(0),
    "verify_timeout": _seconds,
    "allow_run_command_headless": _flag,
    "max_turns": _count(1),
    "max_runs": _count(1),
    "verify_env": _verify_env,
    "trailers": _flag,
    "plans_dir": _optional_text,
    "plans_commit": _plans_commit,
    "plan_out": _optional_text,
    "prices": _prices,
    "anthropic_api_key": _text,
    "openai_api_key": _text,
    "anthropic_base_url": _url,
    "openai_base_url": _url,
    "agent_turn_timeout": _seconds,
    "agents": _agents,
    "mcp": _mcp,
    "mcp_allow": _patterns,
    "mcp_start_timeout": _seconds,
    "mcp_timeout": _seconds,
    "mcp_result_limit": _count(200),
    "trust_mcp": _flag,
}


def _checked(where: str, key: str, value: Any) -> Any:
    if key not in _CHECKS:
        hint = difflib.get_close_matches(key, _CHECKS, n=1)
        raise ConfigError(
            f"{where}: unknown key {key!r}" + (f" (did you mean {hint[0]!r}?)" if hint else "")
        )
    try:
        return _CHECKS[key](value)
    except ValueError as exc:
        shown = "" if key in KEY_FIELDS else f", got {value!r}"
        raise ConfigError(f"{where}: {key}: {exc}{shown}") from None


def user_config_path() -> Path:
    """Where the user config lives (it need not exist)."""
    xdg = os.environ.get("XDG_CONFIG_HOME", "").strip()
    if xdg:
        return Path(xdg) / "pairtui" / "config.toml"
    return platformdirs.user_config_path("pairtui") / "config.toml"


def _is_loopback(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _refuse_in_repo(path: Path, key: str, value: Any) -> None:
    """Settings a committed file must not control, because they decide where keys go."""
    if key in KEY_FIELDS:
        raise ConfigError(
            f"{path}: {key}: API keys are not allowed in the repo config (it is meant to be "
            f"committed); set {key.upper()} or put it in {user_config_path()}"
        )
    if key == "agents":
        raise ConfigError(
            f"{path}: agents: a repo config may not declare agent commands (a cloned repo "
            f"must not choose what runs on your machine); put them in {user_config_path()}"
        )
    if key == "mcp":
        raise ConfigError(
            f"{path}: mcp: a repo declares its MCP servers in .mcp.json (started only once you "
            f"trust it); put your own in {user_config_path()}"
        )
    if key in URL_FIELDS and isinstance(value, str) and not _is_loopback(value):
        raise ConfigError(
            f"{path}: {key}: the repo config may only point at a server on this machine (the "
            f"server receives your API key); set {key.upper()} or put it in {user_config_path()}"
        )


def _drop_untrusted_grants(path: Path, settings: dict[str, Any]) -> tuple[str, ...]:
    """Take the power-granting keys out of an untrusted repo file's settings; returns them."""
    granted = tuple(key for key in GRANT_FIELDS if key in settings)
    if not granted:
        return ()
    from pairtui.trust import TrustStore

    if TrustStore(user_config_path().parent).is_trusted(path):
        return ()
    for key in granted:
        del settings[key]
    return granted


def untrusted_notice(config: Config) -> str | None:
    """The one line that says which repo keys were ignored and how to honour them."""
    if not config.untrusted_repo_keys:
        return None
    keys = ", ".join(config.untrusted_repo_keys)
    return (f"{REPO_CONFIG_NAME} sets {keys}, ignored until you trust the file: "
            f"run `pairtui trust` to review and trust it")


def _read_file(path: Path, repo: bool) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"{path}: cannot be read: {getattr(exc, 'strerror', None) or exc}"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    settings = {}
    for key, value in data.items():
        if key == "trust_mcp":
            raise ConfigError(f"{path}: trust_mcp is a command-line flag only (--trust-mcp); "
                              "use `pairtui trust` to trust a repo's .mcp.json")
        if key in FLAG_ONLY:
            raise ConfigError(f"{path}: {key} is a command-line flag only (--plan-out); "
                              "use plans_dir in a config file")
        settings[key] = _checked(str(path), key, value)
        if repo:
            _refuse_in_repo(path, key, settings[key])
    return settings


def _from_environment() -> dict[str, Any]:
    settings = {}
    for variable, key in ENVIRONMENT.items():
        value = os.environ.get(variable, "")
        if value.strip():
            settings[key] = _checked(variable, key, value.strip())
    return settings


def _from_flags(flags: Mapping[str, Any] | None) -> dict[str, Any]:
    settings = {}
    for key, value in (flags or {}).items():
        if value is not None:
            option = "--" + key.replace("_", "-")
            settings[key] = _checked(option, key, value)
    return settings


def load_config(repo_root: Path | None, flags: dict | None = None) -> Config:
    """Merge every layer (later wins; `[prices]` tables merge per model). ConfigError on bad input."""
    layers = [_read_file(user_config_path(), repo=False)]
    untrusted: tuple[str, ...] = ()
    if repo_root is not None:
        repo_file = Path(repo_root) / REPO_CONFIG_NAME
        layers.append(_read_file(repo_file, repo=True))
        untrusted = _drop_untrusted_grants(repo_file, layers[-1])
    layers += [_from_environment(), _from_flags(flags)]
    config = Config(untrusted_repo_keys=untrusted)
    prices: dict[str, tuple[float, float]] = {}
    agents: dict[str, AgentConfig] = {}
    servers: dict[str, dict[str, Any]] = {}
    for layer in layers:
        prices.update(layer.pop("prices", {}))
        agents.update(layer.pop("agents", {}))
        servers.update(layer.pop("mcp", {}))
        config = replace(config, **layer)
    return replace(config, prices=prices, agents=agents, mcp=servers)
