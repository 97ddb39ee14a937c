"""MCP overhead: a no-op tool call through pairtui vs the bare SDK client, same server.

Both sides talk to tests/mcp_test_server.py over stdio (the SDK's MCPServer). The bare side is
the SDK's `Client.call_tool("echo")`; pairtui's is `McpTools.call` of `mcp__t__echo`, which adds
the allow-list check, the hub's dispatch and timeout, the result's text extraction and its size
bound. Spawn and tool discovery are excluded. Runs alternate; the best of each is kept. Calls/s
is over wall time (the server is another process and does most of the work).
Target: pairtui >= 0.8x the bare SDK's calls/s.
Measured on the 2-core dev machine shared with other work: 0.92-0.98x (about 900-930 vs
950-980 calls/s).

Run: .venv/bin/python benchmarks/mcp_bench.py
Prints: name  value  reference  ratio
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mcp import Client  # noqa: E402
from mcp.client.stdio import StdioServerParameters, stdio_client  # noqa: E402

from pairtui.agent.mcp.hub import McpHub  # noqa: E402
from pairtui.agent.mcp.servers import ServerSpec  # noqa: E402
from pairtui.agent.mcp.toolset import McpTools  # noqa: E402
from pairtui.models.base import ToolCall  # noqa: E402

SERVER = str(ROOT / "tests" / "mcp_test_server.py")
CALLS = 300
RUNS = 3


async def _bare(client: Client) -> float:
    start = time.perf_counter()
    for _ in range(CALLS):
        await client.call_tool("echo", {"text": "x"})
    return CALLS / (time.perf_counter() - start)


async def _pairtui(tools: McpTools) -> float:
    call = ToolCall("1", "mcp__t__echo", {"text": "x"})
    start = time.perf_counter()
    for _ in range(CALLS):
        outcome = await tools.call(call)
        assert not outcome.is_error, outcome.content
    return CALLS / (time.perf_counter() - start)


async def _noop_call(_call: ToolCall) -> None:
    return None


async def main() -> None:
    params = StdioServerParameters(command=sys.executable, args=[SERVER])
    with open("/dev/null", "w") as quiet:
        async with Client(stdio_client(params, errlog=quiet), cache=None) as client:
            hub = McpHub([ServerSpec("t", "bench", command=sys.executable, args=(SERVER,))],
                         print)
            tools = McpTools((), _noop_call, hub, allow=("t__echo",))
            await tools.current()
            try:
                bare, ours = [], []
                for _ in range(RUNS):
                    bare.append(await _bare(client))
                    ours.append(await _pairtui(tools))
            finally:
                await hub.aclose()
    print(f"mcp_noop_calls_per_s  {max(ours):.0f}  {max(bare):.0f}  {max(ours) / max(bare):.2f}x")


if __name__ == "__main__":
    asyncio.run(main())
