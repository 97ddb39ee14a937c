"""The plan shapes other tools write, read into the pieces `parse_plan` needs.

- Cursor plan mode (`.cursor/plans/*.plan.md`): YAML front matter with `name`, `overview` and a
  `todos` list (`- id: ...` / `content: ...` / `status: ...`). Only that shape is read, not YAML
  in general; the todos become chunks when the markdown has no numbered headings.
Where the steps of other shapes are found: `plan_shapes`; which checks they name: `plan_checks`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pairtui.core.plan_lines import Line
from pairtui.core.plan_shapes import Piece
from pairtui.errors import PlanError

_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$")
_TODO_START = re.compile(r"^\s*-\s+([A-Za-z_][\w-]*)\s*:\s*(.*)$")
_TODO_FIELD = re.compile(r"^\s+([A-Za-z_][\w-]*)\s*:\s*(.*)$")


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


_WORK_HEADING = re.compile(
    r"^(?:\d+[.)]\s*)?(?:implementation|changes?\b|approach|steps?\b|tasks?\b|fix\b|solution|"
    r"plan\b|proposed|what to do|files?\b|verification|testing|test cases|todo|work\b|修正|実装|変更)",
    re.IGNORECASE,
)
_TITLE_PREFIX = re.compile(r"^(?:goal|plan)\s*:\s*", re.IGNORECASE)


def single_task(lines: list[Line], title: Line | None) -> Piece | None:
    """A plan with a title and sections saying what to change, but no numbered steps, is one
    step: everything under its title."""
    if title is None:
        return None
    if not any(x.level >= 2 and _WORK_HEADING.match(x.heading) for x in lines):
        return None
    own = [x for x in lines if x.number > title.number]
    text = _TITLE_PREFIX.sub("", title.heading).strip()
    return Piece("1", text, title.number, [x.text for x in own], own)


_BOLD_NUMBERED = re.compile(r"^\s*(?:[-*+]\s+)?\*\*(?:step|phase|task)?\s*\d+[.:)]", re.IGNORECASE)
_SPELLED = re.compile(
    r"^(?:step|phase|part|task|stage|milestone)\s+(?:one|two|three|four|five|i+|first)\b", re.I
)
_UNNUMBERED_CHECKBOX = re.compile(r"^\s{0,3}[-*+]\s+\[[ xX]\]\s+\S")
_NUMBERED_LIST = re.compile(r"^ {0,3}1[.)]\s+\S")
_LOOKED_FOR = (
    "looked for step headings ('## Chunk 1: Title', '## Phase 1:', '### Step 2 —', '## 3. Title'), "
    "numbered task lists ('- [ ] 1. Task'), a 'Plan of Work' section and front-matter todos"
)


def no_chunks_error(lines: list[Line], front: FrontMatter, front_lines: list[str]) -> PlanError:
    """"No chunks found", saying what was looked for and what the file seems to use instead, at
    the line where that is."""
    hint: tuple[str, int] | None = None
    for line in lines:
        if line.fenced:
            continue
        if line.level and _SPELLED.match(line.heading):
            hint = (f"its steps are spelled out ('{line.text.strip()}'): write the number", line.number)
        elif not line.level and _BOLD_NUMBERED.match(line.text):
            hint = (f"its steps are bold lines ('{line.text.strip()[:40]}'): make each a heading "
                    "like '## Step 1: Title'", line.number)
        elif not line.level and _UNNUMBERED_CHECKBOX.match(line.text):
            hint = ("its task list has no numbers ('- [ ] Task'): number the tasks, e.g. "
                    "'- [ ] 1. Task'", line.number)
        elif not line.level and _NUMBERED_LIST.match(line.text):
            hint = ("it has a numbered list but no step headings: make each step a heading like "
                    "'## Step 1: Title'", line.number)
        if hint:
            break
    if hint is None and front_lines:
        at = next((i + 1 for i, text in enumerate(front_lines) if text.startswith("todos:")), 1)
        hint = ("its front matter has no todos (Cursor plan mode lists steps there)", at)
    if hint is None:
        headings = [x for x in lines if x.level >= 2]
        if headings:
            hint = (f"its headings have no numbers ('{headings[0].text.strip()}' at line "
                    f"{headings[0].number}): start each step with e.g. '## Chunk 1: Title'", 1)
        else:
            hint = ("it has no headings: start each step with e.g. '## Chunk 1: Title'", 1)
    return PlanError(f"no chunks found; {_LOOKED_FOR}; {hint[0]}", hint[1])
