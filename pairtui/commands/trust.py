"""`pairtui trust [--yes | --revoke]`: let the repo's `.pairtui.toml` and `.mcp.json` grant power.

A repo file's power-granting keys (config.GRANT_FIELDS) are ignored, and its `.mcp.json`
servers are not started, until the person trusted that exact file (trust.py). This command
shows what each file grants (keys; each server's command or URL) and, on the person's yes (a
prompt on a terminal, or --yes), remembers the files' digests. Editing a file undoes its
trust; `--revoke` forgets both at once.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pairtui.config import GRANT_FIELDS, REPO_CONFIG_NAME, user_config_path
from pairtui.errors import ConfigError, UsageError
from pairtui.git.repo import find_repo
from pairtui.trust import TrustStore


def _granted(path: Path) -> dict[str, object]:
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path} does not exist: there is nothing to trust") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"{path}: cannot be read as TOML ({err})") from None
    return {key: data[key] for key in GRANT_FIELDS if key in data}


def _confirmed(args: argparse.Namespace) -> bool:
    if args.yes:
        return True
    if not sys.stdin.isatty():
        raise UsageError("not a terminal: pass --yes to trust the file")
    return input("Trust this file? [y/N] ").strip().lower() in ("y", "yes")


def _servers(path: Path) -> list[str]:
    """`NAME: command args` (or URL) for each server of a `.mcp.json`."""
    from pairtui.agent.mcp.servers import read_mcp_json, server_from

    return [f"{name}: {server_from(name, table, str(path), False).shown}"
            for name, table in read_mcp_json(path).items()]


def run(args: argparse.Namespace) -> int:
    from pairtui.agent.mcp.servers import MCP_FILE

    store = TrustStore(user_config_path().parent)
    root = find_repo(Path(args.repo)).root
    path, mcp_path = root / REPO_CONFIG_NAME, root / MCP_FILE
    if args.revoke:
        for each in (path, mcp_path):
            if each.exists() or each == path:
                done = store.revoke(each)
                print(f"{each}: {'no longer trusted' if done else 'was not trusted'}")
        return 0
    servers = _servers(mcp_path) if mcp_path.exists() else []
    granted = _granted(path) if path.exists() or not servers else {}
    pending = []
    if granted:
        print(f"{path}:")
        for key, value in granted.items():
            print(f"  {key} = {value!r}")
        pending += [] if store.is_trusted(path) else [path]
    elif path.exists():
        print(f"{path} grants nothing that needs trust; nothing to do")
    if servers:
        print(f"{mcp_path} starts these MCP servers:")
        for line in servers:
            print(f"  {line}")
        pending += [] if store.is_trusted(mcp_path) else [mcp_path]
    if (granted or servers) and not pending:
        print("trusted as they are now")
        return 0
    if not pending:
        return 0
    if not _confirmed(args):
        print("not trusted; those keys stay ignored and those servers are not started")
        return 0
    for each in pending:
        digest = store.trust(each)
        print(f"trusted {each} (sha256 {digest[:12]}); editing the file needs a new `pairtui trust`")
    return 0
