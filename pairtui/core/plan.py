"""Plan markdown <-> Plan/Chunk values.

The canonical form a person (or the planner) writes:

    # Goal: Split the billing module

    Optional context paragraphs.

    ## Chunk 1: Move billing helpers into shop/billing.py
    Files: shop/utils.py, shop/billing.py
    Verify: pytest -q tests/test_billing.py

    What to do, in plain English.

Guarantees: `render_plan(parse_plan(text)) == text` for any text that parses (the person's
exact text is kept in `Plan.source`), and for canonical text even when rendered from fields.
A Plan built or edited programmatically (`dataclasses.replace`) renders from its fields.

Tolerated: headings `## 1. X`, `## Step 1 — X`, `## Phase 1: X` (also at `###`), `Files:` /
`Verify:` lines written bold or with backticks, and the shapes other tools write (Cursor plan
mode, Claude Code / HumanLayer phased plans, Codex ExecPlans, Kiro and PRD task lists, single
tasks): `plan_shapes` finds their steps, `plan_import` their front matter and single tasks.
A `Verify:` line right under a step heading is the person's own check; a check found anywhere
else (`plan_checks`) is imported: `Chunk.verify_source == "imported"`, to be confirmed before it
runs, and commands that must not run unattended are kept apart in `Chunk.flagged`.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from pairtui.core.plan_checks import (
    Candidate,
    is_command,
    join,
    plan_level_candidates,
    split_safe,
    step_candidates,
)
from pairtui.core.plan_import import no_chunks_error, single_task, split_front_matter, todo_chunks
from pairtui.core.plan_lines import scan, strip_blank_edges
from pairtui.core.plan_shapes import Piece, find_shape, numbers
from pairtui.errors import PlanError


@dataclass(frozen=True)
class Chunk:
    """One small step of a plan."""

    number: int
    title: str
    files: tuple[str, ...] = ()
    verify: str | None = None
    body: str = ""
    line: int = 0  # 1-based line of the chunk heading in the source text
    # "own": the check is a `Verify:` line the person wrote. "imported": found in another tool's
    # plan (a proposal: it runs only once the person confirms it or writes their own).
    verify_source: str = "own"
    flagged: tuple[tuple[str, str], ...] = ()  # (command, why) imported checks never run as-is

    @property
    def check_is_imported(self) -> bool:
        return self.verify_source == "imported" and bool(self.verify or self.flagged)


@dataclass(frozen=True)
class Plan:
    """A goal broken into chunks. `source` keeps the person's exact text for round trips.

    `notes` holds sections that follow the chunks but belong to none (e.g. "## Testing
    Strategy" in a phased plan); they render after the chunks.
    """

    goal: str
    chunks: tuple[Chunk, ...]
    context: str = ""
    source: str = ""
    notes: str = ""

    def chunk(self, number: int) -> Chunk:
        for chunk in self.chunks:
            if chunk.number == number:
                return chunk
        raise KeyError(number)


_GOAL_PREFIX = re.compile(r"^(?:goal|plan)\s*:\s*", re.IGNORECASE)
_META = re.compile(
    r"^\s*(?:[-*+]\s+)?(\*\*|__)?(files?(?: to \w+)?|verify)(\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(.*)$",
    re.IGNORECASE,
)
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*)$")
_PLAIN_PATH = re.compile(r"^[\w./@~-][\w./@~+=:-]*$")  # written without backticks when rendering
_NO_VERIFY = {"", "none", "n/a", "-", "—"}
_HEADING_KINDS = {"chunk", "numbered", "phase", "step", "part", "task", "stage", "milestone",
                  "work item"}


def _split_paths(value: str) -> list[str]:
    """`a.py`, `b c.py` -> backticked spans; otherwise comma/space separated, notes dropped."""
    spans = re.findall(r"`([^`]+)`", value)
    if spans:
        return [s.strip() for s in spans if s.strip()]
    value = re.sub(r"\([^)]*\)", " ", value)
    words = (p.strip("`*") for p in re.split(r"[,\s]+", value))
    return [p for p in words if p and p.lower() not in ("and", "&", "+")]


def _verify_command(value: str, line: int) -> str | None:
    """The command of a `Verify:` value; backticked spans are the command(s) when present.

    When the value is a sentence around the spans ("`claude` is on PATH"), only spans that read
    as commands count: a tool named in prose is not a check."""
    value = value.strip().rstrip("*_").strip()
    spans = [s.strip() for s in re.findall(r"`([^`]+)`", value)]
    if spans and re.sub(r"`[^`]+`", "", value).strip(" .,;:*_-&"):
        spans = [s for s in spans if is_command(s)]
        if not spans:
            return None
    command = " && ".join(spans) if spans else value
    if command.lower() in _NO_VERIFY:
        return None
    _check_quotes(command, line)
    return command


def _check_quotes(command: str, line: int) -> None:
    try:
        shlex.split(command)
    except ValueError as exc:
        raise PlanError(
            f"Verify command has an unbalanced quote ({exc}): {command}", line
        ) from None


def _parse_chunk(piece: Piece, number: int, kind: str, default: list[Candidate]) -> Chunk:
    """One chunk from a piece. A `Verify:` line right under a heading is the person's own check
    ("Verify: none" means none); any other check is imported (see `plan_checks`)."""
    lines = piece.lines
    files: list[str] = []
    verifies: list[str] = []
    said_none = False
    body: list[str] = []
    in_header = True  # meta lines right under the heading are not part of the body
    i = 0
    while i < len(lines):
        line = lines[i]
        meta = None if line.fenced or line.level else _META.match(line.text)
        is_verify = meta is not None and meta.group(2).lower() == "verify"
        if is_verify and (not in_header or kind not in _HEADING_KINDS):
            meta = None  # a Verify further down, or in a task list, is imported (or prose)
        if meta:
            key, value = meta.group(2).lower(), meta.group(4)
            if key == "verify":
                command = _verify_command(value, line.number)
                said_none = said_none or command is None
                if command:  # several Verify lines run in order; a repeated step runs once
                    verifies.extend(p for p in command.split(" && ") if p not in verifies)
            else:
                files.extend(p for p in _split_paths(value) if p not in files)
                while (
                    not value.strip() and i + 1 < len(lines) and _LIST_ITEM.match(lines[i + 1].text)
                ):
                    i += 1
                    listed = _LIST_ITEM.match(lines[i].text).group(1)  # type: ignore[union-attr]
                    files.extend(p for p in _split_paths(listed) if p not in files)
                    if not in_header:
                        body.append(lines[i].text)
            if not in_header:
                body.append(line.text)
        else:
            if line.text.strip():
                in_header = False
            body.append(line.text)
        i += 1
    text = strip_blank_edges(body) if kind != "prose" else strip_blank_edges(piece.body)
    if verifies or said_none:
        return Chunk(number, piece.title, tuple(files), " && ".join(verifies) or None, text,
                     piece.line)
    safe, flagged = split_safe(step_candidates(lines) or default)
    return Chunk(number, piece.title, tuple(files), join(safe), text, piece.line,
                 "imported" if safe or flagged else "own", tuple(flagged))


def parse_plan(text: str) -> Plan:
    """Parse plan markdown; raises PlanError naming the line on bad input."""
    raw_lines = text.split("\n")
    if raw_lines and raw_lines[-1] == "":
        raw_lines.pop()
    front, body_start = split_front_matter(raw_lines)
    lines = scan(raw_lines[body_start:], body_start + 1)
    shape = find_shape(lines)
    first = lines[shape.first_line].number if shape else None
    goal_line = next(
        (x for x in lines if x.level == 1 and x.heading and (first is None or x.number < first)),
        None,
    )
    goal = _GOAL_PREFIX.sub("", goal_line.heading).strip() if goal_line is not None else front.name
    pre = [x.text for x in lines if (first is None or x.number < first) and x is not goal_line]
    context = strip_blank_edges(pre) or (front.overview if goal_line is None else "")

    if shape is None:
        todos = todo_chunks(front)
        if todos:
            return Plan(goal, tuple(Chunk(n, t, line=at) for n, t, at in todos), context, text)
        single = single_task(lines, goal_line)
        if single is None:
            raise no_chunks_error(lines, front, raw_lines[:body_start])
        default = plan_level_candidates(lines)
        return Plan(goal, (_parse_chunk(single, 1, "single", default),), "", text)

    default = plan_level_candidates(shape.outside)
    chunks = [
        _parse_chunk(piece, number, shape.kind, default)
        for piece, number in zip(shape.pieces, numbers(shape.kind, shape.pieces), strict=True)
    ]
    return Plan(goal, tuple(chunks), context, text, shape.notes)


def _fields(plan: Plan) -> tuple:
    chunks = tuple((c.number, c.title, c.files, c.verify, c.body) for c in plan.chunks)
    return plan.goal, plan.context, plan.notes, chunks


def _render_fields(plan: Plan) -> str:
    blocks: list[str] = []
    if plan.goal:
        blocks.append(f"# Goal: {plan.goal}")
    if plan.context:
        blocks.append(plan.context)
    for chunk in plan.chunks:
        head = [
            f"## Chunk {chunk.number}: {chunk.title}" if chunk.title else f"## Chunk {chunk.number}"
        ]
        if chunk.files:
            plain = all(_PLAIN_PATH.match(f) and f.lower() != "and" for f in chunk.files)
            head.append("Files: " + ", ".join(f if plain else f"`{f}`" for f in chunk.files))
        if chunk.verify:
            head.append(f"Verify: {chunk.verify}")
        blocks.append("\n".join(head) + (f"\n\n{chunk.body}" if chunk.body else ""))
    if plan.notes:
        blocks.append(plan.notes)
    return "\n\n".join(blocks) + "\n"


def render_plan(plan: Plan, canonical: bool = False) -> str:
    """Render a Plan to markdown.

    Returns the person's own text (`plan.source`) when the fields still match it, so nothing
    they wrote is reformatted; otherwise (or with `canonical=True`, e.g. to convert an imported
    Cursor plan) renders the canonical form from the fields. The canonical form writes every
    check as a `Verify:` line, which makes it the person's own: convert only when they ask to.
    """
    if plan.source and not canonical:
        try:
            if _fields(parse_plan(plan.source)) == _fields(plan):
                return plan.source
        except PlanError:
            pass
    return _render_fields(plan)
