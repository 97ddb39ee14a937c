"""The executor's tools (DESIGN.md "Executor tools"), the same for every provider.

`Toolbox.call` never raises for a bad call: refused paths, missing files, ambiguous edits and
failing commands come back as `ToolOutcome(is_error=True)` for the model to read. Paths are
confined to the repository (see confine.py); nothing is written when a call is refused.
Paths git ignores are never changed, created, moved or deleted: checkpoints leave them out,
so nothing could bring them back (and a new ignored file would be invisible to review).
Every outcome lists the repo-relative paths it changed, so each change can be traced to the
call that made it.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pairtui.agent.confine import (
    filter_files,
    ignored_paths,
    list_repo_files,
    repo_relative,
    resolve_in_repo,
)
from pairtui.agent.edit_match import replace_once
from pairtui.agent.textfile import (
    atomic_write,
    encode_like,
    looks_binary,
    read_text_file,
    to_file_newlines,
)
from pairtui.agent.tool_specs import ALL_TOOL_SPECS, READ_ONLY_TOOLS, describe_call
from pairtui.agent.verify import run_check, tail
from pairtui.core.redact import REDACTED
from pairtui.errors import PairtuiError, UnsafePathError
from pairtui.models.base import ToolCall, ToolSpec

__all__ = [
    "ALL_TOOL_SPECS", "READ_ONLY_TOOLS", "AskPermission", "ToolOutcome", "Toolbox",
    "describe_call",
]

AskPermission = Callable[[str], Awaitable[bool]]

READ_LINE_LIMIT = 2000
READ_MAX_CHARS = 60_000
LINE_MAX_CHARS = 2000
LIST_MAX_ENTRIES = 1000
SEARCH_MAX_MATCHES = 200
SEARCH_MAX_FILE_BYTES = 2 * 1024 * 1024
COMMAND_TAIL_LINES = 120


@dataclass(frozen=True)
class ToolOutcome:
    """What a tool call gave back: the text for the model and the paths it changed."""

    content: str
    is_error: bool = False
    changed_paths: tuple[str, ...] = ()


_IGNORED = "is ignored by git, so no checkpoint can bring it back; pairtui will not"


_PLACEHOLDER = (f"contains {REDACTED}, the mark pairtui puts where it hid a secret from you; "
                "writing it would destroy that secret, so edit around it instead")


class _CallError(PairtuiError):
    """A bad call (missing argument, wrong type); becomes an error outcome."""


def _arg(args: dict[str, Any], name: str, kind: type, default: Any = ...) -> Any:
    value = args.get(name, default)
    if value is ...:
        raise _CallError(f"missing required argument '{name}'")
    if value is None and default is not ...:
        return default
    if kind is int and isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if kind is int and isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _CallError(f"argument '{name}' must be a {kind.__name__}")
    return value


class Toolbox:
    """The tools bound to one repository.

    `read_only=True` offers only READ_ONLY_TOOLS (the planner's research). `read_roots` are
    extra directories read_file may read by absolute path (the user's own skills).
    run_command needs `ask_permission` to say yes, or `allow_commands` (headless config).
    """

    def __init__(
        self,
        repo_root: Path,
        ask_permission: AskPermission | None = None,
        allow_commands: bool = False,
        *,
        read_only: bool = False,
        read_roots: Sequence[Path] = (),
        command_timeout: float = 300.0,
        command_env: str = "auto",
    ) -> None:
        self.repo_root = Path(repo_root).resolve()
        self._ask_permission = ask_permission
        self._allow_commands = allow_commands
        self._read_only = read_only
        self._read_roots = tuple(Path(p).resolve() for p in read_roots)
        self._command_timeout = command_timeout
        self._command_env = command_env  # verify_env: commands run where checks run

    @property
    def specs(self) -> tuple[ToolSpec, ...]:
        """The tool specs to send with a request: all tools, or only the read-only ones."""
        if self._read_only:
            return tuple(s for s in ALL_TOOL_SPECS if s.name in READ_ONLY_TOOLS)
        return ALL_TOOL_SPECS

    async def call(self, call: ToolCall) -> ToolOutcome:
        """Run one tool call; every failure is an error outcome, never an exception."""
        names = {spec.name for spec in self.specs}
        if call.name not in names:
            return ToolOutcome(f"unknown tool '{call.name}'; available: {', '.join(sorted(names))}",
                               is_error=True)
        args = call.arguments if isinstance(call.arguments, dict) else {}
        try:
            if call.name == "run_command":
                return await self._run_command(args)
            return await asyncio.to_thread(getattr(self, f"_{call.name}"), args)
        except PairtuiError as exc:
            return ToolOutcome(f"{call.name}: {exc.message}", is_error=True)
        except OSError as exc:
            return ToolOutcome(f"{call.name}: {exc.strerror or exc}", is_error=True)
        except Exception as exc:  # a tool bug must not end the executor loop
            return ToolOutcome(f"{call.name} failed: {type(exc).__name__}: {exc}", is_error=True)

    # -- paths ---------------------------------------------------------------------------

    def _path(self, raw: str, *, follow_last: bool = True) -> tuple[Path, str]:
        absolute = resolve_in_repo(self.repo_root, raw, follow_last=follow_last)
        return absolute, repo_relative(self.repo_root, absolute)

    def _readable_path(self, raw: str) -> tuple[Path, str]:
        candidate = Path(os.path.expanduser(raw))
        if candidate.is_absolute():
            resolved = candidate.resolve()
            for root in self._read_roots:
                if resolved.is_relative_to(root):
                    return resolved, str(resolved)
        return self._path(raw)

    def _files_under(self, absolute: Path) -> list[str]:
        if absolute.is_dir() and not absolute.is_symlink():
            return [repo_relative(self.repo_root, p) for p in sorted(absolute.rglob("*"))
                    if p.is_file() or p.is_symlink()]
        return [repo_relative(self.repo_root, absolute)]

    def _refuse_ignored(self, targets: Sequence[tuple[str, str]]) -> None:
        """Raise for the first (path, what-to-say) whose path git ignores; one git call."""
        ignored = ignored_paths(self.repo_root, (rel for rel, _ in targets))
        for rel, message in targets:
            if rel in ignored:
                raise UnsafePathError(message)

    def _ignored_targets(self, rel: str, files: Sequence[str], verb: str) -> list[tuple[str, str]]:
        """The path itself and every file under it, each with the refusal to give for it."""
        targets = [(rel, f"{rel} {_IGNORED} {verb} it")]
        targets += [(f, f"{rel} contains {f}, which {_IGNORED} {verb} it")
                    for f in files if f != rel]
        return targets

    # -- read-only tools -----------------------------------------------------------------

    def _read_file(self, args: dict[str, Any]) -> ToolOutcome:
        absolute, shown = self._readable_path(_arg(args, "path", str))
        offset = max(1, _arg(args, "offset", int, 1))
        limit = max(1, min(_arg(args, "limit", int, READ_LINE_LIMIT), READ_LINE_LIMIT))
        text_file = read_text_file(absolute, shown)
        lines = text_file.text.splitlines()
        if not lines:
            return ToolOutcome(f"{shown} is empty")
        if offset > len(lines):
            raise _CallError(f"offset {offset} is past the end of {shown} ({len(lines)} lines)")
        out: list[str] = []
        used = 0
        last = offset - 1
        for number in range(offset, min(len(lines), offset + limit - 1) + 1):
            line = lines[number - 1]
            if len(line) > LINE_MAX_CHARS:
                line = line[:LINE_MAX_CHARS] + " [... line cut]"
            entry = f"{number:>6}\t{line}"
            if used + len(entry) > READ_MAX_CHARS and out:
                break
            out.append(entry)
            used += len(entry) + 1
            last = number
        notes = []
        if text_file.is_crlf:
            notes.append("this file uses CRLF line endings (edits keep them)")
        if last < len(lines):
            notes.append(f"showing lines {offset}-{last} of {len(lines)}; call read_file with "
                         f"offset={last + 1} to read more")
        footer = "".join(f"\n[{note}]" for note in notes)
        return ToolOutcome("\n".join(out) + footer)

    def _list_files(self, args: dict[str, Any]) -> ToolOutcome:
        pattern = _arg(args, "glob", str, "") or None
        files = filter_files(list_repo_files(self.repo_root), pattern)
        if not files:
            return ToolOutcome(f"no files match {pattern!r}" if pattern else "the repository is empty")
        shown = files[:LIST_MAX_ENTRIES]
        more = len(files) - len(shown)
        note = f"\n[{more} more files not shown; narrow the glob]" if more else ""
        return ToolOutcome("\n".join(shown) + note)

    def _search(self, args: dict[str, Any]) -> ToolOutcome:
        pattern = _arg(args, "pattern", str)
        try:
            regex = re.compile(pattern)
        except re.error as exc:
            raise _CallError(f"invalid regular expression {pattern!r}: {exc}") from exc
        files = filter_files(list_repo_files(self.repo_root), _arg(args, "glob", str, "") or None)
        matches: list[str] = []
        total = 0
        for rel in files:
            path = self.repo_root / rel
            try:
                if not path.is_file() or path.stat().st_size > SEARCH_MAX_FILE_BYTES:
                    continue
                data = path.read_bytes()
            except OSError:
                continue
            if looks_binary(data):
                continue
            for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
                if regex.search(line):
                    total += 1
                    if len(matches) < SEARCH_MAX_MATCHES:
                        shown = line if len(line) <= 300 else line[:300] + " [...]"
                        matches.append(f"{rel}:{number}: {shown}")
        if not matches:
            return ToolOutcome(f"no matches for {pattern!r}")
        note = (f"\n[{total - len(matches)} more matches not shown; narrow the pattern or glob]"
                if total > len(matches) else "")
        return ToolOutcome("\n".join(matches) + note)

    # -- editing tools -------------------------------------------------------------------

    def _edit_file(self, args: dict[str, Any]) -> ToolOutcome:
        absolute, rel = self._path(_arg(args, "path", str))
        old, new = _arg(args, "old_string", str), _arg(args, "new_string", str)
        if not absolute.exists():
            raise _CallError(f"{rel} does not exist; use write_file to create it")
        self._refuse_ignored([(rel, f"{rel} {_IGNORED} change it")])
        current = read_text_file(absolute, rel)
        if REDACTED in new and REDACTED not in current.text:
            raise _CallError(f"new_string {_PLACEHOLDER}")
        updated = replace_once(current.text, old, new, current.newline, rel)
        atomic_write(absolute, encode_like(updated, current, rel))
        return ToolOutcome(f"edited {rel}", changed_paths=(rel,))

    def _write_file(self, args: dict[str, Any]) -> ToolOutcome:
        absolute, rel = self._path(_arg(args, "path", str))
        content = _arg(args, "content", str)
        if absolute.is_dir():
            raise _CallError(f"{rel} is a directory")
        self._refuse_ignored([(rel, f"{rel} {_IGNORED} change it" if os.path.lexists(absolute) else
                               f"{rel} is ignored by git, so a new file there would be invisible "
                               "to review and checkpoints; pairtui will not create it")])
        existing = read_text_file(absolute, rel) if absolute.exists() else None
        if REDACTED in content and (existing is None or REDACTED not in existing.text):
            raise _CallError(f"content {_PLACEHOLDER}")
        if existing is not None:
            content = to_file_newlines(content, existing.newline)
        atomic_write(absolute, encode_like(content, existing, rel))
        verb = "overwrote" if existing is not None else "created"
        return ToolOutcome(f"{verb} {rel} ({content.count(chr(10))} lines)", changed_paths=(rel,))

    def _move_path(self, args: dict[str, Any]) -> ToolOutcome:
        src, src_rel = self._path(_arg(args, "src", str), follow_last=False)
        dst, dst_rel = self._path(_arg(args, "dst", str), follow_last=False)
        if src == self.repo_root or dst == self.repo_root:
            raise _CallError("cannot move the repository root")
        if not os.path.lexists(src):
            raise _CallError(f"{src_rel} does not exist")
        if os.path.lexists(dst):
            raise _CallError(f"{dst_rel} already exists; delete it first or pick another name")
        if dst.is_relative_to(src):
            raise _CallError(f"cannot move {src_rel} into itself")
        before = self._files_under(src)
        moved_to = [dst_rel + f[len(src_rel):] for f in before if f.startswith(src_rel + "/")]
        self._refuse_ignored([
            *self._ignored_targets(src_rel, before, "move"),
            (dst_rel, f"{dst_rel} is ignored by git, so what moves there would vanish from "
                      "review and checkpoints; pairtui will not move it there"),
            *((f, f"{f} is ignored by git, so it would vanish from review and checkpoints; "
                  "pairtui will not move it there") for f in moved_to),
        ])
        dst.parent.mkdir(parents=True, exist_ok=True)
        os.rename(src, dst)
        after = self._files_under(dst)
        return ToolOutcome(f"moved {src_rel} -> {dst_rel}", changed_paths=(*before, *after))

    def _delete_path(self, args: dict[str, Any]) -> ToolOutcome:
        absolute, rel = self._path(_arg(args, "path", str), follow_last=False)
        if absolute == self.repo_root:
            raise _CallError("cannot delete the repository root")
        if not os.path.lexists(absolute):
            raise _CallError(f"{rel} does not exist")
        removed = self._files_under(absolute)
        self._refuse_ignored(self._ignored_targets(rel, removed, "delete"))
        if absolute.is_dir() and not absolute.is_symlink():
            shutil.rmtree(absolute)
        else:
            absolute.unlink()
        return ToolOutcome(f"deleted {rel}", changed_paths=tuple(removed))

    # -- commands ------------------------------------------------------------------------

    async def _run_command(self, args: dict[str, Any]) -> ToolOutcome:
        command = _arg(args, "command", str).strip()
        if not command:
            raise _CallError("empty command")
        if not self._allow_commands:
            if self._ask_permission is None:
                raise _CallError("running commands is not allowed here (headless runs need "
                                 "allow_run_command_headless in the config)")
            if not await self._ask_permission(f"run_command: {command}"):
                raise _CallError("the person declined to run this command")
        before = await asyncio.to_thread(self._fingerprint)
        result = await run_check(command, self.repo_root, self._command_timeout,
                                 verify_env=self._command_env)
        after = await asyncio.to_thread(self._fingerprint)
        changed = tuple(sorted(p for p in before.keys() | after.keys()
                               if before.get(p) != after.get(p)))
        status = ("timed out" if result.timed_out else f"exit code {result.exit_code}")
        body = tail(result.output, COMMAND_TAIL_LINES) or "(no output)"
        return ToolOutcome(f"$ {command}\n[{status}]\n{body}", is_error=not result.passed,
                           changed_paths=changed)

    def _fingerprint(self) -> dict[str, tuple[int, int]]:
        marks: dict[str, tuple[int, int]] = {}
        for rel in list_repo_files(self.repo_root):
            try:
                stat = (self.repo_root / rel).lstat()
            except OSError:
                continue
            marks[rel] = (stat.st_mtime_ns, stat.st_size)
        return marks


def changed_paths_of(outcomes: Iterable[ToolOutcome]) -> tuple[str, ...]:
    """Every path the outcomes changed, first-seen order, without repeats."""
    seen: dict[str, None] = {}
    for outcome in outcomes:
        seen.update(dict.fromkeys(outcome.changed_paths))
    return tuple(seen)
