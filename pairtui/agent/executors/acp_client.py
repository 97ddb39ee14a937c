"""The client side pairtui plays for an ACP agent: updates, files and permissions.

Files: `fs/read_text_file` and `fs/write_text_file` are served through pairtui's own
confinement (agent/confine.py, the Toolbox's write rules): outside the repository, `.git`,
symlinks out and git-ignored paths are refused with an error the agent reads, and nothing is
written. Each write is recorded as a call (CallRecord) at once, named after the agent's tool
call it belongs to, with marks of the lines it added and removed, so a hunk names its call.
Writes are refused while no turn is running (after a cancel) and always in read-only mode
(the planner). What the agent reads is redacted like the built-in tools' results (pairtui's
keys, credential-shaped text), and a write that would put the mask over a secret is refused.

Permissions (`session/request_permission`): edits inside the repository are allowed once
(the round's checkpoint makes them reversible); reads and searches inside it too; anything
else (commands, fetches, mode switches) is asked of the person through the same hook as
`run_command`, or in headless mode follows `allow_run_command_headless`. An "always" option is
never chosen on the person's behalf; with no "allow once" on offer the request is rejected.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any

from acp import RequestError
from acp.schema import (
    AllowedOutcome,
    DeniedOutcome,
    PermissionOption,
    ReadTextFileResponse,
    RequestPermissionResponse,
    WriteTextFileResponse,
)

from pairtui.agent.call_trace import CallRecord, line_marks
from pairtui.agent.confine import ignored_paths, repo_relative, resolve_in_repo
from pairtui.agent.events import FlowEvent, Notice
from pairtui.agent.executors.acp_updates import UpdateMapper
from pairtui.agent.textfile import read_text_file
from pairtui.agent.tools import Toolbox
from pairtui.core.redact import env_secrets, redact
from pairtui.errors import PairtuiError
from pairtui.models.base import ToolCall

AskPermission = Callable[[str], Awaitable[bool]]
READS = ("read", "search", "think")
EDITS = ("edit", "delete", "move")


class CallCounter:
    """Numbers a chunk's calls across its rounds (shared by the bridge and the executor)."""

    def __init__(self) -> None:
        self.next = 1


class PairtuiClient:
    """An `acp.Client` bound to one repository and one pairtui flow."""

    def __init__(
        self,
        repo_root: Path,
        label: str,
        emit: Callable[[FlowEvent], None],
        *,
        read_only: bool = False,
        ask_permission: AskPermission | None = None,
        allow_commands: bool = False,
        on_call: Callable[[CallRecord], None] | None = None,
        secrets: Iterable[str | None] = (),
    ) -> None:
        self.repo_root = Path(repo_root).resolve()
        self.label = label
        self.mapper = UpdateMapper(emit)
        self.counter = CallCounter()
        self.active = False  # a turn of ours is running
        self.written: set[str] = set()  # repo-relative paths written through fs this turn
        self._emit = emit
        self._read_only = read_only
        self._ask = ask_permission
        self._allow_commands = allow_commands
        self.on_call = on_call
        self._tools = Toolbox(self.repo_root)
        self._secrets = (*secrets, *env_secrets(os.environ))
        self.mapper.secrets = self._secrets
        self.mapper.root_prefix = f"{self.repo_root}/"

    # -- session/update --------------------------------------------------------------------

    async def session_update(self, session_id: str, update: Any, **kwargs: Any) -> None:
        if self.active:
            self.mapper.apply(update, session_id)

    # -- fs --------------------------------------------------------------------------------

    async def read_text_file(self, session_id: str, path: str, line: int | None = None,
                             limit: int | None = None, **kwargs: Any) -> ReadTextFileResponse:
        try:
            text = await asyncio.to_thread(self._read, path)
        except (PairtuiError, OSError) as err:
            raise _refused(path, getattr(err, "message", None) or str(err)) from None
        if line is not None or limit is not None:
            lines = text.splitlines(keepends=True)
            start = max(1, line or 1) - 1
            text = "".join(lines[start:start + limit] if limit is not None else lines[start:])
        return ReadTextFileResponse(content=redact(text, self._secrets))

    async def write_text_file(self, session_id: str, path: str, content: str,
                              **kwargs: Any) -> WriteTextFileResponse:
        if self._read_only:
            raise _refused(path, "pairtui asked for a plan: files are read-only now")
        if not self.active:
            raise _refused(path, "the turn was cancelled; pairtui accepts no more writes for it")
        try:
            rel, old = await asyncio.to_thread(self._before_write, path)
        except (PairtuiError, OSError) as err:
            self._record(path, (), is_error=True)
            raise _refused(path, getattr(err, "message", None) or str(err)) from None
        outcome = await self._tools.call(ToolCall(f"fs-{self.counter.next}", "write_file",
                                                  {"path": rel, "content": content}))
        if outcome.is_error:
            self._record(path, (), is_error=True)
            raise _refused(path, outcome.content.removeprefix("write_file: "))
        new_marks = set(line_marks(content))
        old_marks = set(line_marks(old))
        self.written.update(outcome.changed_paths)
        self._record(path, outcome.changed_paths,
                     added=tuple(m for m in line_marks(content) if m not in old_marks),
                     removed=tuple(m for m in line_marks(old) if m not in new_marks))
        return WriteTextFileResponse()

    def _read(self, path: str) -> str:
        absolute, rel = self._confined(path)
        return read_text_file(absolute, rel).text

    def _before_write(self, path: str) -> tuple[str, str]:
        """The repo-relative path and the text there now ("" for a new file)."""
        absolute, rel = self._confined(path)
        return rel, read_text_file(absolute, rel).text if absolute.is_file() else ""

    def _confined(self, path: str) -> tuple[Path, str]:
        """The path inside the repo, not in .git, not through a symlink out, not ignored."""
        absolute = resolve_in_repo(self.repo_root, path)
        rel = repo_relative(self.repo_root, absolute)
        if rel in ignored_paths(self.repo_root, [rel]):
            raise PairtuiError(f"{rel} is ignored by git; pairtui keeps agents out of ignored files")
        return absolute, rel

    def _record(self, path: str, changed: tuple[str, ...], *, is_error: bool = False,
                added: tuple[str, ...] = (), removed: tuple[str, ...] = ()) -> None:
        call = self.mapper.call_for_write(path)
        if call is not None:
            call.wrote = call.wrote or not is_error
        title = call.title if call is not None and call.title else "write_text_file"
        record = CallRecord(self.counter.next, f"{self.label} {title}"[:80], tuple(changed),
                            is_error, added, removed)
        self.counter.next += 1
        if self.on_call:
            self.on_call(record)

    # -- permissions -----------------------------------------------------------------------

    async def request_permission(self, session_id: str, tool_call: Any,
                                 options: list[PermissionOption], **kwargs: Any) -> RequestPermissionResponse:
        if self.active:
            self.mapper.apply(_as_update(tool_call))
        kind = tool_call.kind or self.mapper.kind_of(tool_call.tool_call_id)
        paths = [*(loc.path for loc in tool_call.locations or ()),
                 *(c.path for c in tool_call.content or () if getattr(c, "type", None) == "diff"),
                 *self.mapper.paths_of(tool_call.tool_call_id)]
        title = tool_call.title or (self.mapper.calls.get(tool_call.tool_call_id).title
                                    if tool_call.tool_call_id in self.mapper.calls else "") or kind or "a tool"
        allowed = self.active and await self._decide(kind, paths, title)
        option = _pick(options, allow=allowed)
        chosen = next((o.kind for o in options if o.option_id == option), None)
        if allowed and chosen != "allow_once":
            self._emit(Notice(f"{self.label}: refused {title} (only an \"always\" answer was on "
                              "offer, which pairtui never gives for you)", "warning"))
        elif not allowed:
            self._emit(Notice(f"{self.label}: refused {title}", "warning"))
        if option is None:
            return RequestPermissionResponse(outcome=DeniedOutcome(outcome="cancelled"))
        return RequestPermissionResponse(outcome=AllowedOutcome(outcome="selected", option_id=option))

    async def _decide(self, kind: str | None, paths: list[str], title: str) -> bool:
        inside = await asyncio.to_thread(lambda: all(self._inside(p) for p in paths))
        if kind in READS:
            return inside
        if kind in EDITS and paths and inside:
            return not self._read_only
        if self._read_only or not inside:
            return False
        if self._allow_commands and self._ask is None:
            return True
        if self._ask is None:
            return False
        return await self._ask(f"{self.label}: {title}")

    def _inside(self, path: str) -> bool:
        try:
            self._confined(path)
        except PairtuiError:
            return False
        return True


def _pick(options: list[PermissionOption], allow: bool) -> str | None:
    """The option to answer with: allow once, or reject (once, else always); never allow always."""
    wanted = ("allow_once",) if allow else ("reject_once", "reject_always")
    for kind in wanted:
        for option in options:
            if option.kind == kind:
                return option.option_id
    return None if allow is False else _pick(options, allow=False)


def _refused(path: str, why: str) -> RequestError:
    return RequestError(-32602, f"pairtui refused {path}: {why}", {"path": path})


class _ToolCallView:
    """A permission request's tool call, seen as a tool_call_update (so it is tracked)."""

    session_update = "tool_call_update"

    def __init__(self, call: Any) -> None:
        self.tool_call_id = call.tool_call_id
        self.title, self.kind, self.locations = call.title, call.kind, call.locations
        self.content, self.status = call.content, None


def _as_update(call: Any) -> _ToolCallView:
    return _ToolCallView(call)
