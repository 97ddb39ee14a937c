"""Which MCP servers a session may start: the repo's `.mcp.json` and `[mcp.servers.NAME]`.

`.mcp.json` is Claude Code's format: {"mcpServers": {NAME: {"command", "args", "env"} or
{"type": "http", "url", "headers"}}}. The user config's servers win on a name clash. `${VAR}`
(and `${VAR:-default}`) in any string is expanded from the environment, so a committed file
names secrets without holding them. A repo file's servers are started only when the person
trusted that exact file (trust.py) or passed --trust-mcp for one run; until then they are
listed as untrusted and never started.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pairtui.config import Config, user_config_path
from pairtui.errors import ConfigError, UsageError
from pairtui.trust import TrustStore

MCP_FILE = ".mcp.json"
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


@dataclass(frozen=True)
class ServerSpec:
    """One configured server: how to reach it and where it was declared."""

    name: str
    origin: str  # "user config" or the .mcp.json path
    command: str | None = None
    args: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict, repr=False)
    url: str | None = None
    headers: dict[str, str] = field(default_factory=dict, repr=False)
    trusted: bool = True
    missing_vars: tuple[str, ...] = ()

    @property
    def shown(self) -> str:
        """What starts: the command line or the URL (never env or header values)."""
        if self.url:
            return self.url
        return " ".join([self.command or "", *self.args]).strip()

    @property
    def secrets(self) -> tuple[str, ...]:
        """Values passed in env and headers, to be masked in results and transcripts."""
        return tuple(v for v in (*self.env.values(), *self.headers.values()) if len(v) >= 6)


def expand(value: str, missing: list[str]) -> str:
    """`${VAR}` / `${VAR:-default}` from the environment; unknown names are noted in `missing`."""
    def one(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        if name in os.environ:
            return os.environ[name]
        if default is None:
            missing.append(name)
            return ""
        return default

    return _VAR.sub(one, value)


def _strings(where: str, value: Any, kind: str) -> Any:
    if kind == "list":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: expected a list of strings")
        return value
    if not isinstance(value, Mapping) or not all(isinstance(v, str) for v in value.values()):
        raise ConfigError(f"{where}: expected an object of string values")
    return value


def server_from(name: str, table: Mapping[str, Any], origin: str, trusted: bool) -> ServerSpec:
    """One server entry, checked and with `${VAR}` expanded. ConfigError names the entry."""
    where = f"{origin}: {name}"
    missing: list[str] = []
    kind = table.get("type", "http" if "url" in table else "stdio")
    if kind in ("http", "streamable-http", "streamable_http"):
        url = table.get("url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise ConfigError(f"{where}: url: expected an http:// or https:// URL")
        headers = _strings(f"{where}: headers", table.get("headers", {}), "map")
        return ServerSpec(name, origin, url=expand(url, missing),
                          headers={str(k): expand(v, missing) for k, v in headers.items()},
                          trusted=trusted, missing_vars=tuple(missing))
    if kind != "stdio":
        raise ConfigError(f"{where}: type {kind!r} is not supported (stdio or http)")
    command = table.get("command")
    if not isinstance(command, str) or not command.strip():
        raise ConfigError(f"{where}: command: expected the program to start")
    args = _strings(f"{where}: args", table.get("args", []), "list")
    env = _strings(f"{where}: env", table.get("env", {}), "map")
    return ServerSpec(name, origin, command=expand(command, missing),
                      args=tuple(expand(a, missing) for a in args),
                      env={str(k): expand(v, missing) for k, v in env.items()},
                      trusted=trusted, missing_vars=tuple(missing))


def read_mcp_json(path: Path) -> dict[str, Mapping[str, Any]]:
    """The `mcpServers` object of a `.mcp.json` ({} when there is no file)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise ConfigError(f"{path}: cannot be read as JSON ({err})") from None
    servers = data.get("mcpServers", {}) if isinstance(data, dict) else None
    if not isinstance(servers, dict) or not all(isinstance(v, dict) for v in servers.values()):
        raise ConfigError(f"{path}: expected {{\"mcpServers\": {{NAME: {{...}}}}}}")
    return servers


def repo_file_trusted(path: Path, config: Config) -> bool:
    """Whether the repo's `.mcp.json` may start programs: trusted hash, or --trust-mcp."""
    if config.trust_mcp:
        return True
    return TrustStore(user_config_path().parent).is_trusted(path)


def configured_servers(repo_root: Path | None, config: Config) -> list[ServerSpec]:
    """Every configured server, user config first; a repo server named like a user one is
    left out (the user's wins)."""
    servers = {name: server_from(name, table, "user config", True)
               for name, table in config.mcp.items()}
    if repo_root is not None:
        path = Path(repo_root) / MCP_FILE
        entries = read_mcp_json(path)
        trusted = bool(entries) and repo_file_trusted(path, config)
        for name, table in entries.items():
            if name not in servers:
                servers[name] = server_from(name, table, str(path), trusted)
    return list(servers.values())


def untrusted_mcp_notice(servers: list[ServerSpec]) -> str | None:
    """The one line saying the repo's servers were not started and how to start them."""
    held = [s.name for s in servers if not s.trusted]
    if not held:
        return None
    return (f"{MCP_FILE} declares MCP servers ({', '.join(held)}), not started until you trust "
            "the file: run `pairtui trust` to review it (or --trust-mcp for one run)")


def refuse_untrusted_servers(repo_root: Path, config: Config) -> None:
    """Headless commands start nothing a person has not trusted, and say so before any work:
    an untrusted `.mcp.json` with servers is a one-line UsageError (exit 2) naming them and how
    to trust the file (`pairtui trust`, or --trust-mcp for one run). A malformed file is left to
    the session, which reports it in its own line and goes on without those servers."""
    try:
        servers = configured_servers(repo_root, config)
    except ConfigError:
        return
    if notice := untrusted_mcp_notice(servers):
        raise UsageError(notice.replace("not started until", "so nothing runs headless until", 1))


@dataclass(frozen=True)
class RepoServersTrust:
    """The question the TUI asks before a session starts: may this repo's `.mcp.json` start
    its servers? Answered yes, the file's hash is remembered (trust.py) and an edit to the file
    asks again; answered no, nothing is recorded and the servers stay off."""

    repo_root: Path
    config: Config

    def pending(self) -> list[str]:
        """`NAME: what starts` for each server waiting for trust; [] when none (or a bad file,
        which the session reports in its own one line)."""
        try:
            servers = configured_servers(self.repo_root, self.config)
        except ConfigError:
            return []
        return [f"{s.name}: {s.shown}" for s in servers if not s.trusted]

    def trust(self) -> None:
        TrustStore(user_config_path().parent).trust(Path(self.repo_root) / MCP_FILE)
