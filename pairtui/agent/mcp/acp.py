"""The session's trusted MCP servers in ACP's `session/new` form (mcpServers), so an ACP agent
executing a chunk gets the same servers pairtui would offer its own executor."""

from __future__ import annotations

from typing import Any

from pairtui.agent.mcp.servers import ServerSpec


def acp_mcp_servers(servers: list[ServerSpec]) -> list[Any]:
    """Trusted servers with every variable set; stdio ones with an absolute command path when
    it can be found on PATH (agents start them without a shell)."""
    import shutil

    from acp.schema import EnvVariable, HttpHeader, HttpMcpServer, McpServerStdio

    out: list[Any] = []
    for spec in servers:
        if not spec.trusted or spec.missing_vars:
            continue
        if spec.url:
            out.append(HttpMcpServer(name=spec.name, url=spec.url, type="http", headers=[
                HttpHeader(name=k, value=v) for k, v in spec.headers.items()]))
        else:
            command = shutil.which(spec.command or "") or spec.command or ""
            out.append(McpServerStdio(name=spec.name, command=command, args=list(spec.args), env=[
                EnvVariable(name=k, value=v) for k, v in spec.env.items()]))
    return out
