"""`pairtui mcp [--json] [--no-start]`: the configured MCP servers, where each was declared,
whether it may start (a repo's `.mcp.json` needs `pairtui trust`), and, having started the
trusted ones, whether each came up and its tools. Servers are stopped before the command ends.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from pairtui.agent.mcp.hub import McpHub
from pairtui.agent.mcp.servers import configured_servers
from pairtui.config import load_config
from pairtui.git.repo import find_repo


async def _probe(hub: McpHub) -> None:
    try:
        await hub.start()
    finally:
        await hub.aclose()


def run(args: argparse.Namespace) -> int:
    root = find_repo(Path(args.repo)).root
    config = load_config(root)
    servers = configured_servers(root, config)
    warnings: list[str] = []
    hub = McpHub(servers, warnings.append, config.mcp_start_timeout, cwd=str(root))
    if not args.no_start and hub.servers:
        asyncio.run(_probe(hub))
    tools: dict[str, list[dict[str, Any]]] = {}
    for name, tool in hub.tools.items():
        tools.setdefault(tool.server, []).append(
            {"name": name, "read_only": tool.read_only, "description": tool.spec.description})
    rows = []
    for spec in servers:
        status = ("untrusted" if not spec.trusted else
                  "not started" if args.no_start else hub.status(spec.name))
        rows.append({"name": spec.name, "from": spec.origin, "transport": "http" if spec.url else "stdio",
                     "command": spec.shown, "trusted": spec.trusted, "status": status,
                     "tools": tools.get(spec.name, [])})
    if args.json:
        json.dump({"servers": rows}, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    if not rows:
        print("no MCP servers configured (.mcp.json in the repo, or [mcp.servers.NAME] in the "
              "user config)")
        return 0
    for row in rows:
        print(f"{row['name']}  [{row['status']}]  {row['command']}  (from {row['from']})")
        for tool in row["tools"]:
            mark = " (read-only)" if tool["read_only"] else ""
            print(f"  {tool['name']}{mark}")
    if any(not r["trusted"] for r in rows):
        print("untrusted servers are not started: run `pairtui trust` to review the repo's .mcp.json")
    return 0
