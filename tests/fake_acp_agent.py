"""A scripted ACP agent for tests, written with the SDK's agent side (`acp.run_agent`).

Run as `python fake_acp_agent.py SCRIPT LOG`. SCRIPT is a JSON list of turns; each
`session/prompt` plays the next turn, a list of steps:
  {"say": TEXT} {"think": TEXT} {"plan": [TEXT, ...]} {"usage_cost": DOLLARS}
  {"tool": ID, "title": T, "kind": K, "path": P?, "diff": [OLD|null, NEW]?, "status": S?}
  {"done": ID, "status": "completed"|"failed", "text": T?}
  {"write": PATH, "content": TEXT}      fs/write_text_file through the client
  {"read": PATH}                        fs/read_text_file through the client
  {"disk": PATH, "content": TEXT}       write the file straight to disk (like Codex)
  {"permission": ID, "title": T, "kind": K, "path": P?, "only_always": bool?}
  {"spawn_child": PIDFILE}              start a long-lived child process, write its pid
  {"crash": CODE}                       exit at once, mid-turn
  {"hang": true}                        never answer (until cancelled)
  {"sleep": SECONDS}
  {"stop": REASON} {"tokens": [IN, OUT]}   how the turn ends (default end_turn)
  {"burst": N, "text": T}               N message chunks at full speed (benchmarks)
  {"tools": N}                          N tool calls, each started then completed
  {"stamp": true}                       a message chunk holding the wall time it was sent
With FAKE_STDOUT_JUNK set it first prints a line that is not JSON-RPC on stdout.
With FAKE_NEEDS_KEY set it needs `authenticate` (method "key", variable FAKE_KEY) first.
Relative paths are made absolute against the agent's cwd (real agents send absolute paths).
Everything the client answered is appended to LOG as JSON lines, for the test to read; the
script position is kept in LOG.turn, so an agent restarted after a crash plays the next turn.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from typing import Any

import acp
from acp import (
    InitializeResponse,
    NewSessionResponse,
    PromptResponse,
    RequestError,
    plan_entry,
    start_tool_call,
    text_block,
    tool_content,
    tool_diff_content,
    update_agent_message_text,
    update_agent_thought_text,
    update_plan,
    update_tool_call,
)
from acp.schema import (
    AuthEnvVar,
    Cost,
    EnvVarAuthMethod,
    PermissionOption,
    SessionMode,
    SessionModeState,
    ToolCallLocation,
    ToolCallUpdate,
    Usage,
    UsageUpdate,
)


class FakeAgent:
    def __init__(self, script: list[list[dict[str, Any]]], log_path: str) -> None:
        self.script = script
        self.log_path = log_path
        self.turn = -1
        self.conn: Any = None
        self.cancelled = asyncio.Event()
        self.authed = False

    def on_connect(self, conn: Any) -> None:
        self.conn = conn

    def _next_turn(self) -> int:
        """The script position, kept beside the log so a restarted agent goes on from it."""
        counter = self.log_path + ".turn"
        done = int(open(counter).read()) if os.path.exists(counter) else 0
        with open(counter, "w") as f:
            f.write(str(done + 1))
        return done

    def log(self, **record: Any) -> None:
        with open(self.log_path, "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")

    async def initialize(self, protocol_version: int, client_capabilities: Any = None,
                         client_info: Any = None, **kwargs: Any) -> InitializeResponse:
        fs = client_capabilities.fs if client_capabilities else None
        self.log(event="initialize", read=bool(fs and fs.read_text_file),
                 write=bool(fs and fs.write_text_file), env=sorted(os.environ))
        methods = ([EnvVarAuthMethod(id="key", name="Use FAKE_KEY", type="env_var",
                                     vars=[AuthEnvVar(name="FAKE_KEY")])]
                   if os.environ.get("FAKE_NEEDS_KEY") else [])
        return InitializeResponse(protocol_version=protocol_version, auth_methods=methods)

    async def authenticate(self, method_id: str, **kwargs: Any) -> None:
        self.log(event="authenticate", method=method_id)
        self.authed = True

    async def new_session(self, cwd: str, mcp_servers: Any = None, **kwargs: Any) -> NewSessionResponse:
        if os.environ.get("FAKE_NEEDS_KEY") and not self.authed:
            raise RequestError.auth_required()
        self.log(event="new_session", cwd=cwd,
                 mcp=[{"name": m.name, "command": getattr(m, "command", None),
                       "url": getattr(m, "url", None)} for m in (mcp_servers or [])])
        modes = SessionModeState(current_mode_id="default", available_modes=[
            SessionMode(id="default", name="Default"), SessionMode(id="plan", name="Plan")])
        return NewSessionResponse(session_id=uuid.uuid4().hex, modes=modes)

    async def set_session_mode(self, session_id: str, mode_id: str, **kwargs: Any) -> None:
        self.log(event="set_mode", mode=mode_id)

    async def cancel(self, session_id: str, **kwargs: Any) -> None:
        self.log(event="cancel")
        self.cancelled.set()

    async def prompt(self, session_id: str, prompt: list[Any], **kwargs: Any) -> PromptResponse:
        text = "".join(getattr(b, "text", "") for b in prompt)
        self.log(event="prompt", text=text)
        self.turn = self._next_turn()
        steps = self.script[self.turn] if self.turn < len(self.script) else [{"say": "nothing left"}]
        self.cancelled.clear()
        stop, usage = "end_turn", None
        for step in steps:
            if self.cancelled.is_set():
                return PromptResponse(stop_reason="cancelled")
            if "stop" in step:
                stop = step["stop"]
            if "tokens" in step:
                usage = Usage(input_tokens=step["tokens"][0], output_tokens=step["tokens"][1],
                              total_tokens=sum(step["tokens"]))
            if step.get("hang"):
                await self.cancelled.wait()
                return PromptResponse(stop_reason="cancelled")
            await self.play(session_id, step)
        return PromptResponse(stop_reason=stop, usage=usage)

    async def play(self, sid: str, step: dict[str, Any]) -> None:
        send = self.conn.session_update
        if "say" in step:
            await send(sid, update_agent_message_text(step["say"]))
        elif "think" in step:
            await send(sid, update_agent_thought_text(step["think"]))
        elif "plan" in step:
            await send(sid, update_plan([plan_entry(e) for e in step["plan"]]))
        elif "usage_cost" in step:
            await send(sid, UsageUpdate(session_update="usage_update", used=10, size=1000,
                                        cost=Cost(amount=step["usage_cost"], currency="USD")))
        elif "tool" in step:
            content = ([tool_diff_content(_abs(step["path"]), step["diff"][1], step["diff"][0])]
                       if "diff" in step else None)
            locations = [ToolCallLocation(path=_abs(step["path"]))] if "path" in step else None
            await send(sid, start_tool_call(step["tool"], step["title"], kind=step.get("kind"),
                                            status=step.get("status", "pending"),
                                            content=content, locations=locations))
        elif "done" in step:
            content = [tool_content(text_block(step["text"]))] if "text" in step else None
            await send(sid, update_tool_call(step["done"], status=step["status"], content=content))
        elif "write" in step:
            try:
                await self.conn.write_text_file(sid, _abs(step["write"]), step["content"])
                self.log(event="write", path=step["write"], ok=True)
            except RequestError as err:
                self.log(event="write", path=step["write"], ok=False, error=str(err))
        elif "read" in step:
            try:
                got = await self.conn.read_text_file(sid, _abs(step["read"]))
                self.log(event="read", path=step["read"], ok=True, content=got.content)
            except RequestError as err:
                self.log(event="read", path=step["read"], ok=False, error=str(err))
        elif "disk" in step:
            with open(_abs(step["disk"]), "w", encoding="utf-8") as f:
                f.write(step["content"])
        elif "permission" in step:
            await self.ask(sid, step)
        elif "spawn_child" in step:
            child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
            with open(step["spawn_child"], "w") as f:
                f.write(f"{os.getpid()} {child.pid}")
        elif "crash" in step:
            os._exit(step["crash"])
        elif "burst" in step:
            for _ in range(step["burst"]):
                await send(sid, update_agent_message_text(step.get("text", "tok ")))
        elif "tools" in step:
            for n in range(step["tools"]):
                await send(sid, start_tool_call(f"b{n}", f"Read f{n}.py", kind="read", status="pending"))
                await send(sid, update_tool_call(f"b{n}", status="completed"))
        elif "stamp" in step:
            sent = time.time()
            await send(sid, update_agent_message_text(f"T{sent:.6f}"))
            with open(self.log_path + ".stamp", "w") as f:
                f.write(f"{sent:.6f}")
        elif "sleep" in step:
            await asyncio.sleep(step["sleep"])

    async def ask(self, sid: str, step: dict[str, Any]) -> None:
        options = [PermissionOption(option_id="always", name="Always", kind="allow_always")]
        if not step.get("only_always"):
            options += [PermissionOption(option_id="once", name="Once", kind="allow_once"),
                        PermissionOption(option_id="no", name="No", kind="reject_once")]
        locations = [ToolCallLocation(path=_abs(step["path"]))] if "path" in step else None
        call = ToolCallUpdate(tool_call_id=step["permission"], title=step["title"],
                              kind=step.get("kind"), locations=locations)
        answer = await self.conn.request_permission(sid, call, options)
        outcome = answer.outcome
        self.log(event="permission", id=step["permission"],
                 chosen=getattr(outcome, "option_id", None) or outcome.outcome)


def _abs(path: str) -> str:
    return path if os.path.isabs(path) else os.path.join(os.getcwd(), path)


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as f:
        script = json.load(f)
    if os.environ.get("FAKE_STDOUT_JUNK"):  # a chatty agent: a non-JSON line on the wire
        print("starting up, please wait...", flush=True)
    asyncio.run(acp.run_agent(FakeAgent(script, sys.argv[2])))


if __name__ == "__main__":
    main()
