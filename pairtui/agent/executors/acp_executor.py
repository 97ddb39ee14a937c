"""An ACP agent as the chunk executor: the same three rounds as agent/executor.py's Executor.

One ACP session per chunk; each executor round is one `session/prompt`: the chunk brief first,
then a fix round's failing output, or a hunk sent back with the person's comment. The agent's
edits reach the tree two ways, and both are traced to calls:
- through `fs/write_text_file` (Claude Code, Gemini): served and recorded by PairtuiClient;
- straight to disk (Codex): after the turn, files whose stat changed and that no fs write
  covered are credited to the tool call whose diff named them, else to the turn itself.
Usage: tokens when the agent reports them; cost only as the agent reports it (never priced by
pairtui's table, which does not know what an agent's subscription costs).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pairtui.agent import prompts
from pairtui.agent.call_trace import CallRecord, line_marks
from pairtui.agent.confine import list_repo_files
from pairtui.agent.events import FlowEvent, Notice, UsageUpdated
from pairtui.agent.executor import OUTPUT_TAIL_LIMIT, ChunkBrief, bound_head, bound_tail
from pairtui.agent.executors.acp_client import AskPermission, PairtuiClient
from pairtui.agent.executors.acp_session import AcpConnection
from pairtui.agent.tool_loop import LoopResult, LoopStoppedError, UsageMeter
from pairtui.models.acp_agents import AcpAgentHandle
from pairtui.models.base import Provider

ACP_PREAMBLE = """\
You are working inside pairtui, a pair-programming tool. pairtui splits the person's goal \
into chunks; you carry out ONE chunk now, in this repository. Do only what the chunk says. \
Do not commit or touch git: the person reviews your change hunk by hunk and pairtui commits \
it. pairtui runs the chunk's Verify command after you finish and tells you if it fails. \
When done, reply with a short summary of what you changed."""

Fingerprint = dict[str, tuple[int, int]]


def fingerprint(repo_root: Path) -> Fingerprint:
    """(mtime_ns, size) of every tracked and untracked, non-ignored file."""
    marks: Fingerprint = {}
    for rel in list_repo_files(repo_root):
        try:
            stat = (repo_root / rel).lstat()
        except OSError:
            continue
        marks[rel] = (stat.st_mtime_ns, stat.st_size)
    return marks


@dataclass
class AcpExecutor:
    """Drop-in for Executor (run_chunk / fix / revise_hunk) driving an ACP agent."""

    provider: Provider  # the LazyProvider of "acp:NAME" (the flow reads .provider)
    repo_root: Path
    emit: Callable[[FlowEvent], None]
    meter: UsageMeter
    timeout: float = 1800.0
    ask_permission: AskPermission | None = None
    allow_commands: bool = False
    on_call: Callable[[CallRecord], None] | None = None
    record: Callable[[dict], None] | None = None  # the session transcript
    secrets: tuple[str, ...] = ()  # configured keys, masked in what the agent reads
    mcp_servers: list = field(default_factory=list)  # trusted MCP servers for session/new
    sessions: dict[int, str] = field(default_factory=dict)  # chunk -> ACP session id
    _last_tree: dict[int, Fingerprint] = field(default_factory=dict)  # after each chunk's turn
    _conn: AcpConnection | None = None

    def ready(self) -> None:
        """Resolve the agent now (ProviderError if it is not installed), before a checkpoint."""
        self._handle()

    async def run_chunk(self, brief: ChunkBrief, first_call_number: int = 1) -> LoopResult:
        self.sessions.pop(brief.chunk.number, None)
        self._last_tree.pop(brief.chunk.number, None)
        return await self._round(brief, None, first_call_number, {"round": "execute"})

    async def fix(self, brief: ChunkBrief, command: str, output: str, round_no: int, rounds: int,
                  first_call_number: int) -> LoopResult:
        note = prompts.fix_round(command, bound_tail(output, OUTPUT_TAIL_LIMIT), round_no, rounds)
        return await self._round(brief, note, first_call_number, {
            "round": "fix", "fix_round": round_no, "fix_rounds": rounds, "command": command})

    async def revise_hunk(self, brief: ChunkBrief, path: str, hunk_text: str, comment: str,
                          first_call_number: int) -> LoopResult:
        note = prompts.hunk_comment(path, bound_head(hunk_text, OUTPUT_TAIL_LIMIT), comment)
        return await self._round(brief, note, first_call_number, {
            "round": "comment", "path": path, "comment": comment, "hunk": hunk_text[:2000]})

    async def aclose(self) -> None:
        """Kill the agent's process group (the session can go on with a new one later)."""
        if self._conn is not None:
            await self._conn.close()
        self.sessions.clear()

    # -- one round -------------------------------------------------------------------------

    async def _round(self, brief: ChunkBrief, note: str | None, first_call_number: int,
                     about: dict) -> LoopResult:
        """One prompt; the transcript gets the same "round", "assistant" and "tool_result"
        records the built-in executor writes, so `pairtui why` and `t` tell an agent's hunks
        the same way (written even when the turn fails: its writes are in the tree)."""
        if self.record is not None:
            self.record({"kind": "round", "chunk": brief.chunk.number,
                         "first_call": first_call_number, **about})
        conn = self._connection()
        client = conn.client
        client.counter.next = first_call_number
        calls: list[CallRecord] = []
        client.on_call = lambda call: self._note(calls, call)
        session = self.sessions.get(brief.chunk.number)
        if session is not None and not conn.started:  # the agent went away since: start over
            session = None
        if session is None:
            session = await conn.new_session()
            self.sessions[brief.chunk.number] = session
            text = "\n\n".join(p for p in (ACP_PREAMBLE, brief.prefix(), brief.opening()) if p)
            if note:
                text += ("\n\n(Earlier work on this chunk is already in the working tree.)\n\n"
                         + note)
        else:
            text = note or brief.opening()
        before = await asyncio.to_thread(fingerprint, self.repo_root)
        try:
            return await self._turn(conn, session, text, before, brief, calls)
        finally:
            self._transcribe(conn, calls)

    async def _turn(self, conn: AcpConnection, session: str, text: str, before: Fingerprint,
                    brief: ChunkBrief, calls: list[CallRecord]) -> LoopResult:
        client = conn.client
        touched = _changed(self._last_tree.get(brief.chunk.number), before)
        if touched:  # rejected or edited in review since: the agent's memory of them is stale
            text = (f"Since your last turn the person changed these files in review (rejected or "
                    f"edited hunks): {', '.join(touched[:20])}. Read them again before editing "
                    "them; do not redo what was rejected unless asked.\n\n" + text)
        cost_before = client.mapper.costs.get(session)
        response = await conn.prompt(session, text, self.timeout)
        after = await asyncio.to_thread(fingerprint, self.repo_root)
        self._last_tree[brief.chunk.number] = after
        self._credit_direct_writes(client, before, after)
        cost_now = client.mapper.costs.get(session)
        spent = None if cost_now is None else max(0.0, cost_now - (cost_before or 0.0))
        self._usage(response, conn.spec.label, spent, cost_now)
        if response.stop_reason == "refusal":
            raise LoopStoppedError(f"stopped: {conn.spec.label} refused the chunk")
        if response.stop_reason in ("max_tokens", "max_turn_requests"):
            self.emit(Notice(f"{conn.spec.label} stopped early ({response.stop_reason}); the "
                             "check will tell whether the chunk is done", "warning"))
        return LoopResult([], "".join(client.mapper.text), calls, 1)

    def _credit_direct_writes(self, client: PairtuiClient, before: Fingerprint,
                              after: Fingerprint) -> None:
        """Files changed on disk by the agent itself (not through fs/write_text_file)."""
        changed = [p for p in _changed(before, after) if p not in client.written]
        if not changed:
            return
        root = str(client.repo_root)
        by_call: dict[str, list[str]] = {}
        for path in changed:
            owner = next((c for c in reversed(client.mapper.order)
                          if _names(client.mapper.calls[c], path, root)), None)
            by_call.setdefault(owner or "", []).append(path)
        ordered = [c for c in client.mapper.order if c in by_call] + ([""] if "" in by_call else [])
        for owner in ordered:
            paths = by_call[owner]
            tracked = client.mapper.calls.get(owner)
            added: list[str] = []
            removed: list[str] = []
            if tracked is not None:
                for diff_path, (old, new) in tracked.diffs.items():
                    if _relative(diff_path, root) in paths:
                        old_marks, new_marks = set(line_marks(old or "")), set(line_marks(new))
                        added += [m for m in line_marks(new) if m not in old_marks]
                        removed += [m for m in line_marks(old or "") if m not in new_marks]
            title = tracked.title if tracked is not None and tracked.title else "turn"
            record = CallRecord(client.counter.next, f"{client.label} {title}"[:80], tuple(paths),
                                False, tuple(dict.fromkeys(added)), tuple(dict.fromkeys(removed)))
            client.counter.next += 1
            client.on_call(record)

    def _transcribe(self, conn: AcpConnection, calls: list[CallRecord]) -> None:
        """The turn as one assistant record (the agent's words, its calls) and a tool_result
        per recorded call."""
        if self.record is None:
            return
        self.record({"kind": "assistant", "model": conn.spec.label,
                     "text": "".join(conn.client.mapper.text),
                     "tool_calls": [{"id": f"acp-{c.number}", "name": c.tool, "arguments": {}}
                                    for c in calls]})
        for call in calls:
            self.record({"kind": "tool_result", "id": f"acp-{call.number}", "call": call.number,
                         "name": call.tool, "is_error": call.is_error,
                         "content": "refused" if call.is_error else "written",
                         "changed": list(call.paths)})

    def _note(self, calls: list[CallRecord], call: CallRecord) -> None:
        calls.append(call)
        if self.on_call is not None:
            self.on_call(call)

    def _usage(self, response: Any, label: str, spent: float | None, total: float | None) -> None:
        """Tokens as reported for the turn; dollars as the agent's session total grew."""
        usage = getattr(response, "usage", None)
        if usage is not None:
            self.meter.tokens_in += usage.input_tokens + (usage.cached_read_tokens or 0) + (
                usage.cached_write_tokens or 0)
            self.meter.tokens_out += usage.output_tokens
        if spent is not None:
            self.meter.cost_usd += spent
        if usage is not None or spent is not None:
            self.emit(UsageUpdated(self.meter.tokens_in, self.meter.tokens_out,
                                   round(self.meter.cost_usd, 6)))
        cost = (f"cost reported by the agent: ${spent:.4f} this turn, ${total:.4f} this session"
                if spent is not None and total is not None
                else "cost unknown (the agent does not report it)")
        self.emit(Notice(f"{label}: turn ended ({response.stop_reason}); {cost}"))

    def _handle(self) -> AcpAgentHandle:
        built = getattr(self.provider, "_built", None)
        handle = built() if built is not None else self.provider
        if not isinstance(handle, AcpAgentHandle):
            raise TypeError("AcpExecutor needs an acp:NAME provider")
        return handle

    def _connection(self) -> AcpConnection:
        if self._conn is None:
            spec = self._handle().spec
            client = PairtuiClient(self.repo_root, spec.label, self.emit,
                                   ask_permission=self.ask_permission,
                                   allow_commands=self.allow_commands, on_call=self.on_call,
                                   secrets=self.secrets)
            self._conn = AcpConnection(spec, self.repo_root, client)
            self._conn.mcp_servers = list(self.mcp_servers)
        return self._conn


def _changed(before: Fingerprint | None, after: Fingerprint) -> list[str]:
    if before is None:
        return []
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))


def _relative(path: str, root: str) -> str:
    return path[len(root) + 1:] if path.startswith(root + "/") else path


def _names(call: Any, path: str, root: str) -> bool:
    return any(_relative(p, root) == path for p in (*call.paths, *call.diffs))
