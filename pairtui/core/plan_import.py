"""The plan shapes other tools write, read into the pieces `parse_plan` needs.

- Cursor plan mode (`.cursor/plans/*.plan.md`): YAML front matter with `name`, `overview` and a
  `todos` list (`- id: ...` / `content: ...` / `status: ...`). Only that shape is read, not YAML
  in general; the todos become chunks when the markdown has no numbered headings.
- Phased plans ("## Phase 1: ..." with "### Success Criteria" / "#### Automated Verification"):
  backticked commands (or fenced shell lines) in the automated list become the Verify command.
Claude Code plans need nothing special: numbered `### Step N:` headings and `**File:**` lines are
already understood by the tolerant parser.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$")
_TODO_START = re.compile(r"^\s*-\s+([A-Za-z_][\w-]*)\s*:\s*(.*)$")
_TODO_FIELD = re.compile(r"^\s+([A-Za-z_][\w-]*)\s*:\s*(.*)$")
_BOLD_LABEL = re.compile(r"^\s*(?:\*\*|__)(.+?)(?:\*\*|__)\s*:?\s*$")
_PLAIN_LABEL = re.compile(r"^\s*([A-Za-z][\w /]*?)\s*:\s*$")
_AUTOMATED = re.compile(r"automated\s+verification", re.IGNORECASE)
_SUCCESS = re.compile(r"success\s+criteria", re.IGNORECASE)
_MANUAL = re.compile(r"manual\s+(?:verification|testing|checks?)", re.IGNORECASE)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_PROGRAM = re.compile(r"^[A-Za-z0-9_.][\w./+-]*$")
_BARE_COMMANDS = {"make", "pytest", "tox", "nox", "ruff", "mypy", "pyright", "just"}


@dataclass(frozen=True)
class FrontMatter:
    name: str = ""
    overview: str = ""
    todos: tuple[tuple[str, int], ...] = field(default=())  # (content, 1-based line)


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def split_front_matter(lines: list[str]) -> tuple[FrontMatter, int]:
    """Read a leading `---` block; returns it and the index of the first markdown line."""
    if not lines or lines[0].rstrip("\r").strip() != "---":
        return FrontMatter(), 0
    end = next(
        (i for i in range(1, len(lines)) if lines[i].rstrip("\r").strip() in ("---", "...")), None
    )
    if end is None:
        return FrontMatter(), 0
    values: dict[str, str] = {}
    todos: list[tuple[str, int]] = []
    key = ""
    block: list[str] | None = None
    todo: dict[str, tuple[str, int]] = {}

    def close_todo() -> None:
        if "content" in todo:
            todos.append(todo["content"])
        todo.clear()

    for i in range(1, end):
        text = lines[i].rstrip("\r")
        if block is not None and (text.startswith((" ", "\t")) or not text.strip()):
            block.append(text.strip())
            continue
        if block is not None:
            values[key] = " ".join(part for part in block if part)
            block = None
        top = _KEY.match(text)
        if top:
            close_todo()
            key, value = top.group(1), top.group(2).strip()
            if value in ("|", ">", "|-", ">-", "|+", ">+"):
                block = []
            else:
                values[key] = _unquote(value)
            continue
        if key == "todos":
            start = _TODO_START.match(text)
            item = start or _TODO_FIELD.match(text)
            if start:
                close_todo()
            if item:
                todo[item.group(1)] = (_unquote(item.group(2)), i + 1)
    if block is not None:
        values[key] = " ".join(part for part in block if part)
    close_todo()
    return FrontMatter(values.get("name", ""), values.get("overview", ""), tuple(todos)), end + 1


def todo_chunks(front: FrontMatter) -> list[tuple[int, str, int]]:
    """(number, title, line) for each front-matter todo, numbered from 1."""
    return [(n, content, line) for n, (content, line) in enumerate(front.todos, start=1) if content]


def _label(text: str, level: int) -> str | None:
    if level:
        return text
    match = _BOLD_LABEL.match(text) or _PLAIN_LABEL.match(text)
    return match.group(1) if match else None


def _is_command(span: str) -> bool:
    span = span.strip()
    words = span.split()
    if not words or not _PROGRAM.match(words[0]):
        return False
    if len(words) == 1 and span not in _BARE_COMMANDS:
        return False
    try:
        shlex.split(span)
    except ValueError:
        return False
    return True


def _section(lines: list[tuple[str, int, bool]], start: int, level: int) -> list[str]:
    commands: list[str] = []
    for text, heading_level, fenced in lines[start + 1 :]:
        if heading_level and (level == 0 or heading_level <= level):
            break
        label = None if fenced else _label(text, heading_level)
        if label is not None and (_MANUAL.search(label) or level == 0):
            break
        if fenced:
            line = text.strip().removeprefix("$ ").strip()
            if line and not _FENCE.match(text) and not line.startswith("#") and _is_command(line):
                commands.append(line)
            continue
        commands.extend(s.strip() for s in re.findall(r"`([^`]+)`", text) if _is_command(s))
    return commands


def criteria_commands(lines: list[tuple[str, int, bool]]) -> list[str]:
    """Commands listed under "Automated Verification" (else "Success Criteria") in a chunk.

    `lines` are (text, heading level or 0, inside a code fence). Spans that are
    not plausibly commands (paths, code, prose) are skipped rather than refused.
    """
    for pattern in (_AUTOMATED, _SUCCESS):
        commands: list[str] = []
        for index, (text, level, fenced) in enumerate(lines):
            if fenced:
                continue
            heading = text.lstrip("#").strip() if level else text
            label = _label(heading, level)
            if label is not None and pattern.search(label):
                commands.extend(c for c in _section(lines, index, level) if c not in commands)
        if commands:
            return commands
    return []
