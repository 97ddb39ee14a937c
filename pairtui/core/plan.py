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
`Verify:` lines written bold or with backticks, and the shapes other tools write (Cursor
plan-mode front matter with todos, Claude Code plans, phased plans whose "Success Criteria /
Automated Verification" lists give the Verify command): see `plan_import`.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from pairtui.core.plan_import import criteria_commands, split_front_matter, todo_chunks
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


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_KEYWORD_CHUNK = re.compile(
    r"^(?:chunk|step|phase|part|task|stage|milestone)\s+(\d+)\s*(?:[:.)]|[-–—])?\s*(.*)$",
    re.IGNORECASE,
)
_NUMBERED_CHUNK = re.compile(r"^(\d+)(?:[.):]|\s+[-–—])\s+(.+)$")
_GOAL_PREFIX = re.compile(r"^(?:goal|plan)\s*:\s*", re.IGNORECASE)
_META = re.compile(
    r"^\s*(?:[-*+]\s+)?(\*\*|__)?(files?(?: to \w+)?|verify)(\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(.*)$",
    re.IGNORECASE,
)
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*)$")
_PLAIN_PATH = re.compile(r"^[\w./@~-][\w./@~+=:-]*$")  # written without backticks when rendering
_NO_VERIFY = {"", "none", "n/a", "-", "—"}


@dataclass(frozen=True)
class _Line:
    number: int  # 1-based
    text: str  # without line ending
    fenced: bool  # inside (or delimiting) a code fence
    level: int = 0  # heading level, 0 if not a heading
    heading: str = ""


def _scan(lines: list[str], first_number: int) -> list[_Line]:
    """Classify lines, ignoring anything that looks like a heading inside a code fence."""
    out: list[_Line] = []
    fence: str | None = None
    for offset, raw in enumerate(lines):
        text = raw.rstrip("\r")
        number = first_number + offset
        opener = _FENCE.match(text)
        if fence is not None:
            if opener and opener.group(1)[0] == fence[0] and len(opener.group(1)) >= len(fence):
                fence = None
            out.append(_Line(number, text, True))
            continue
        if opener:
            fence = opener.group(1)
            out.append(_Line(number, text, True))
            continue
        heading = _HEADING.match(text)
        if heading:
            out.append(_Line(number, text, False, len(heading.group(1)), heading.group(2)))
        else:
            out.append(_Line(number, text, False))
    return out


def _chunk_heading(heading: str) -> tuple[int, str] | None:
    """(number, title) if a heading names a chunk, else None."""
    for candidate in (heading, heading.replace("**", "").replace("__", "")):
        match = _KEYWORD_CHUNK.match(candidate) or _NUMBERED_CHUNK.match(candidate)
        if match:
            return int(match.group(1)), match.group(2).strip()
    return None


def _strip_blank_edges(lines: list[str]) -> str:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return "\n".join(lines[start:end])


def _split_paths(value: str) -> list[str]:
    """`a.py`, `b c.py` -> backticked spans; otherwise comma/space separated, notes dropped."""
    spans = re.findall(r"`([^`]+)`", value)
    if spans:
        return [s.strip() for s in spans if s.strip()]
    value = re.sub(r"\([^)]*\)", " ", value)
    words = (p.strip("`*") for p in re.split(r"[,\s]+", value))
    return [p for p in words if p and p.lower() not in ("and", "&", "+")]


def _verify_command(value: str, line: int) -> str | None:
    """The command of a `Verify:` value; backticked spans are the command(s) when present."""
    value = value.strip().rstrip("*_").strip()
    spans = re.findall(r"`([^`]+)`", value)
    command = " && ".join(s.strip() for s in spans) if spans else value
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


def _parse_chunk(head: _Line, number: int, title: str, lines: list[_Line]) -> Chunk:
    files: list[str] = []
    verifies: list[str] = []
    body: list[str] = []
    in_header = True  # meta lines right under the heading are not part of the body
    i = 0
    while i < len(lines):
        line = lines[i]
        meta = None if line.fenced or line.level else _META.match(line.text)
        if (
            meta
            and not in_header
            and meta.group(2).lower() == "verify"
            and "`" not in meta.group(4)
        ):
            meta = None  # prose further down ("Verify: the page renders") is not a command
        if meta:
            key, value = meta.group(2).lower(), meta.group(4)
            if key == "verify":
                command = _verify_command(value, line.number)
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
    if not verifies:
        verifies = criteria_commands([(x.text, x.level, x.fenced) for x in lines])
    verify = " && ".join(verifies) if verifies else None
    return Chunk(number, title, tuple(files), verify, _strip_blank_edges(body), head.number)


def _lift_heading(line: _Line, by: int) -> str:
    """Notes keep their shape relative to `## Chunk` headings, so the canonical form re-parses."""
    if by <= 0 or not line.level:
        return line.text
    return line.text[min(by, line.level - 1) :]


def parse_plan(text: str) -> Plan:
    """Parse plan markdown; raises PlanError naming the line on bad input."""
    raw_lines = text.split("\n")
    if raw_lines and raw_lines[-1] == "":
        raw_lines.pop()
    front, body_start = split_front_matter(raw_lines)
    lines = _scan(raw_lines[body_start:], body_start + 1)

    candidates = [(x, _chunk_heading(x.heading)) for x in lines if x.level >= 2]
    found = [(x, parsed) for x, parsed in candidates if parsed is not None]
    level = min((x.level for x, _ in found), default=0)
    heads = [(x, parsed) for x, parsed in found if x.level == level]

    goal_line = next(
        (
            x
            for x in lines
            if x.level == 1 and x.heading and (not heads or x.number < heads[0][0].number)
        ),
        None,
    )
    if goal_line is not None:
        goal = _GOAL_PREFIX.sub("", goal_line.heading).strip()
    else:
        goal = front.name

    first = heads[0][0].number if heads else None
    pre = [x.text for x in lines if (first is None or x.number < first) and x is not goal_line]
    context = _strip_blank_edges(pre) or (front.overview if goal_line is None else "")

    if not heads:
        chunks = todo_chunks(front)
        if not chunks:
            raise PlanError(
                "no chunks found; start each chunk with a heading like '## Chunk 1: Title'", 1
            )
        return Plan(
            goal, tuple(Chunk(n, title, line=line) for n, title, line in chunks), context, text
        )

    chunks: list[Chunk] = []
    notes: list[str] = []
    seen: dict[int, int] = {}
    index = {x.number: i for i, x in enumerate(lines)}
    for k, (head, (number, title)) in enumerate(heads):
        if number in seen:
            raise PlanError(
                f"duplicate chunk number {number} (also used at line {seen[number]})", head.number
            )
        seen[number] = head.number
        start = index[head.number] + 1
        stop = index[heads[k + 1][0].number] if k + 1 < len(heads) else len(lines)
        own = lines[start:stop]
        cut = next((j for j, x in enumerate(own) if 0 < x.level <= level), len(own))
        chunks.append(_parse_chunk(head, number, title, own[:cut]))
        if cut < len(own):
            notes.append(_strip_blank_edges([_lift_heading(x, level - 2) for x in own[cut:]]))
    return Plan(goal, tuple(chunks), context, text, "\n\n".join(n for n in notes if n))


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
    Cursor plan) renders the canonical form from the fields.
    """
    if plan.source and not canonical:
        try:
            if _fields(parse_plan(plan.source)) == _fields(plan):
                return plan.source
        except PlanError:
            pass
    return _render_fields(plan)
