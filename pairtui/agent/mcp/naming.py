"""Model-facing names of MCP tools: `mcp__SERVER__TOOL`, at most 64 characters of
`[A-Za-z0-9_-]` (what every provider accepts), unique within a session.

Other characters become `_`; a name too long is cut and ends in a short hash of the full name,
so two long names that share a prefix stay apart; a clash left after that gets `_2`, `_3`...
"""

from __future__ import annotations

import hashlib
import re

PREFIX = "mcp__"
MAX_LEN = 64
_BAD = re.compile(r"[^A-Za-z0-9_-]")


def clean(part: str) -> str:
    return _BAD.sub("_", part) or "_"


def tool_name(server: str, tool: str, taken: set[str]) -> str:
    """A name for `tool` of `server` not in `taken` (which the caller updates)."""
    name = f"{PREFIX}{clean(server)}__{clean(tool)}"
    if len(name) > MAX_LEN:
        digest = hashlib.sha256(f"{server}\0{tool}".encode()).hexdigest()[:8]
        name = name[:MAX_LEN - 9] + "_" + digest
    base, n = name, 2
    while name in taken:
        suffix = f"_{n}"
        name = base[:MAX_LEN - len(suffix)] + suffix
        n += 1
    return name


def short_name(name: str) -> str:
    """`server__tool` for `mcp__server__tool` (what mcp_allow patterns match)."""
    return name[len(PREFIX):] if name.startswith(PREFIX) else name
