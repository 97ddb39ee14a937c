"""A real MCP server (the SDK's MCPServer, over stdio) for pairtui's MCP tests.

Its behaviour at start-up comes from the environment: MCP_TEST_PIDFILE (write the process id
there, so a test can check it is gone after close), MCP_TEST_CHILD (start a `sleep` child
and write its id after the server's, as servers wrapping other programs do), MCP_TEST_MODE=crash (exit before speaking)
or slowstart (sleep 30 s first); MCP_TEST_HTTP_PORT serves streamable HTTP on
127.0.0.1 instead of stdio. Tools: die (exits mid-call), grow (adds `added`, then tools/list_changed), echo (read-only), shout, fail (an error result),
slow (sleeps), big (a huge text), token (returns MCP_TEST_TOKEN), picture (an image), and
one whose name needs shortening.
"""

from __future__ import annotations

import os
import sys
import time

from mcp.server.mcpserver import Context, MCPServer
from mcp.types import ImageContent, TextContent, ToolAnnotations

if pidfile := os.environ.get("MCP_TEST_PIDFILE"):
    child = ""
    if os.environ.get("MCP_TEST_CHILD"):
        import subprocess

        child = f" {subprocess.Popen(['sleep', '300'], stdin=subprocess.DEVNULL).pid}"
    with open(pidfile, "a", encoding="utf-8") as out:
        out.write(f"{os.getpid()}{child}\n")
mode = os.environ.get("MCP_TEST_MODE", "")
if mode == "crash":
    sys.exit(3)
if mode == "slowstart":
    time.sleep(30)

server = MCPServer("pairtui-test")


@server.tool(annotations=ToolAnnotations(read_only_hint=True))
def echo(text: str) -> str:
    """Repeat the text."""
    return f"echo: {text}"


@server.tool()
def shout(text: str) -> str:
    """Repeat the text loudly (not read-only)."""
    return text.upper()


@server.tool()
def fail(reason: str) -> str:
    """Always fails."""
    raise ValueError(f"it broke: {reason}")


@server.tool(annotations=ToolAnnotations(read_only_hint=True))
def slow(seconds: float) -> str:
    """Sleep, then answer."""
    time.sleep(seconds)
    return "woke up"


@server.tool()
def big(size: int) -> str:
    """A long text."""
    return "x" * size


@server.tool(annotations=ToolAnnotations(read_only_hint=True))
def token() -> str:
    """The secret the server was given."""
    return f"token is {os.environ.get('MCP_TEST_TOKEN', '')}"


@server.tool()
def picture() -> list:
    """An image and a caption."""
    return [TextContent(type="text", text="a red dot"),
            ImageContent(type="image", data="iVBORw0KGgo=", mime_type="image/png")]


@server.tool(name="a_tool_with_a.very.long/name_that_will_need_shortening_" + "z" * 40)
def long_named() -> str:
    """Answers to a long name."""
    return "long ok"


@server.tool()
def die() -> str:
    """The process exits in the middle of the call."""
    os._exit(1)


@server.tool()
async def grow(ctx: Context) -> str:
    """Add a tool named `added` and tell the client its tool list changed."""
    server.add_tool(lambda: "added ok", name="added", description="Appears after grow.")
    await ctx.notify_tools_changed()
    return "grown"


if __name__ == "__main__":
    if port := os.environ.get("MCP_TEST_HTTP_PORT"):  # streamable HTTP on 127.0.0.1
        server.run("streamable-http", host="127.0.0.1", port=int(port))
    else:
        server.run()
