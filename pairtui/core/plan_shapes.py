"""Where a plan's steps are: the shapes real plans come in, read into pieces.

Tried in order, first match wins:
1. Step headings. Headings are grouped by level and kind (`Chunk`, `Phase`, `Step`, `Task`,
   `Milestone`, ... or a bare number `3.`/`4a.`/`D1 -`). A lone level-1 heading is the title, not a
   step list. `## Chunk N` (pairtui's own form) wins; then keyword headings (the outermost; a finer
   `Task`/`Step` list with numbers unique across the file wins over the `Phase`s it sits in); then
   bare numbers, leaving out numbered notes ("5. Files summary", "7. Verification").
2. Checkbox task lists (Kiro `tasks.md`, PRD task lists): `- [ ] 1.`, `- [ ] 1.0`, `- [x] T1`; sub-tasks
   (`1.1`) stay inside their parent.
3. An ExecPlan's "Plan of Work": its numbered list, or its prose split at `First, … Next, … Finally, …`
   (else at paragraphs).
Labels that are not unique whole numbers (`A`, `0.1`, `4a`, `3+4`) are numbered 1..n in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pairtui.core.plan_lines import Line, strip_blank_edges
from pairtui.errors import PlanError

_KEYWORDS = r"chunk|step|phase|part|task|stage|milestone|work\s+item"
_LABEL = r"\d+\s*\+\s*\d+|\d+(?:\.\d+)*[a-z]?|[A-Z]\d*"
_KEYWORD_HEAD = re.compile(
    rf"^(?P<kind>{_KEYWORDS})\s+(?P<label>{_LABEL})(?!\w)(?!\.\d)\s*(?:[:.)]|[-–—])?\s*(?P<title>.*)$",
    re.IGNORECASE,
)
_NUMBERED_HEAD = re.compile(r"^(?P<label>\d+(?:\.\d+)*[a-z]?|[A-Z]\d+)(?:[.):]|\s+[-–—])\s+(?P<title>.+)$")
_NOTE_TITLE = re.compile(
    r"^(?:files?\b|key files|verification|validation|testing strategy|test plan|out of scope|do not|"
    r"don'?t|what not|not doing|references?|sources|dependenc|edge cases|risks?|open questions|"
    r"summary|goals?\b|overview|architecture|context|background|notes?\b|acceptance|"
    r"success criteria|research|recommendations|progress|next steps|(?:suggested )?implementation "
    r"order|order of work|appendix|glossary|rpgjs features)",
    re.IGNORECASE,
)
_CHECKBOX = re.compile(
    r"^(?P<indent>\s{0,3})[-*+]\s+\[[ xX~!*-]?\]\*?\s+(?:\*\*)?(?P<label>T\d+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:[.):]|\s)\s*(?P<title>.*)$"
)
_PLAN_OF_WORK = re.compile(r"^plan of work\b", re.IGNORECASE)
_LIST_START = re.compile(r"^ {0,3}(\d+)[.)]\s+(.*)$")
_TRANSITION = re.compile(
    r"(?:(?<=^)|(?<=[.!?]\s))(?=(?:First|Second|Third|Next|Then|After that|Afterwards|Finally|"
    r"Lastly)\b)"
)


@dataclass(frozen=True)
class Piece:
    """One step as found: where it starts, its label and title, and the lines under it."""

    label: str
    title: str
    line: int  # 1-based line where the step starts
    body: list[str]
    lines: list[Line] = field(default_factory=list)  # the body as classified lines


@dataclass(frozen=True)
class Shape:
    kind: str  # "chunk", a keyword ("phase"), "numbered", "checkbox" or "prose"
    pieces: list[Piece]
    first_line: int  # index into the lines: where the first step starts (context is before)
    notes: str = ""
    outside: list[Line] = field(default_factory=list)  # lines in no step (context and notes)


def heading_label(heading: str) -> tuple[str, str, str] | None:
    """(kind, label, title) if a heading names a step; kind "numbered" for bare numbers."""
    for candidate in (heading, heading.replace("**", "").replace("__", "")):
        match = _KEYWORD_HEAD.match(candidate)
        if match:
            kind = re.sub(r"\s+", " ", match.group("kind").lower())
            return kind, re.sub(r"\s+", "", match.group("label")), match.group("title").strip()
        match = _NUMBERED_HEAD.match(candidate)
        if match:
            return "numbered", match.group("label"), match.group("title").strip()
    return None


def numbers(kind: str, pieces: list[Piece]) -> list[int]:
    """Whole-number labels as written when unique; otherwise 1..n in order.

    A repeated `## Chunk N` is an error (pairtui's own form means what it says)."""
    labels = [p.label for p in pieces]
    if all(label.isdigit() for label in labels):
        seen: dict[str, int] = {}
        for piece in pieces:
            if piece.label in seen and kind == "chunk":
                raise PlanError(
                    f"duplicate chunk number {piece.label} (also used at line {seen[piece.label]})",
                    piece.line,
                )
            seen.setdefault(piece.label, piece.line)
        if len(seen) == len(labels):
            return [int(label) for label in labels]
    return list(range(1, len(pieces) + 1))


def _lift_heading(line: Line, by: int) -> str:
    """Notes keep their shape relative to `## Chunk` headings, so the canonical form re-parses."""
    if by <= 0 or not line.level:
        return line.text
    return line.text[min(by, line.level - 1) :]


def _one_level(heads: list[tuple[Line, str, str, str]]) -> list[tuple[Line, str, str, str]]:
    """The step headings of one level; when their numbers clash (numbered notes beside a Phase
    list), the keyword ones (`Chunk` first) without the bare numbers."""
    labels = [label for _, _, label, _ in heads]
    if len(set(labels)) == len(labels):
        return heads
    for keep in ("chunk", None):
        kept = [h for h in heads if (h[1] == keep if keep else h[1] != "numbered")]
        if kept:
            return kept
    return heads


def _pick_heading_group(lines: list[Line]) -> tuple[str, int, list[tuple[Line, str, str]]] | None:
    levels: dict[int, list[tuple[Line, str, str, str]]] = {}
    for line in lines:
        found = heading_label(line.heading) if line.level else None
        if found and not (found[0] == "numbered" and _NOTE_TITLE.match(found[2])):
            levels.setdefault(line.level, []).append((line, *found))
    if 1 in levels and len(levels[1]) == 1:
        del levels[1]  # a lone level-1 heading is the document's title
    levels = {level: _one_level(heads) for level, heads in levels.items()}
    if not levels:
        return None
    has = {level: {kind for _, kind, _, _ in heads} for level, heads in levels.items()}
    keyword = sorted(level for level in levels if has[level] - {"numbered"})
    chunk = sorted(level for level in levels if "chunk" in has[level])
    top = chunk[0] if chunk else keyword[0] if keyword else min(levels)
    outer = levels[top]
    kinds = [kind for _, kind, _, _ in outer]
    kind = "chunk" if "chunk" in kinds else max(set(kinds), key=kinds.count)
    if not chunk and kind not in ("task", "step"):
        for level in keyword:
            inner = levels[level]
            labels = [label for _, _, label, _ in inner]
            if (
                level > top
                and {k for _, k, _, _ in inner} <= {"task", "step"}
                and len(set(labels)) == len(labels)
                and len(inner) > len(outer)
            ):
                return "task", level, [(x, label, title) for x, _, label, title in inner]
    return kind, top, [(x, label, title) for x, _, label, title in outer]


def _heading_shape(lines: list[Line]) -> Shape | None:
    picked = _pick_heading_group(lines)
    if picked is None:
        return None
    kind, level, heads = picked
    index = {x.number: i for i, x in enumerate(lines)}
    pieces: list[Piece] = []
    notes: list[str] = []
    outside = lines[: index[heads[0][0].number]]
    for k, (head, label, title) in enumerate(heads):
        start = index[head.number] + 1
        stop = index[heads[k + 1][0].number] if k + 1 < len(heads) else len(lines)
        own = lines[start:stop]
        cut = next((j for j, x in enumerate(own) if 0 < x.level <= level), len(own))
        pieces.append(Piece(label, title, head.number, [x.text for x in own[:cut]], own[:cut]))
        if cut < len(own):
            notes.append(strip_blank_edges([_lift_heading(x, level - 2) for x in own[cut:]]))
            outside = outside + own[cut:]
    return Shape(kind, pieces, index[heads[0][0].number], "\n\n".join(n for n in notes if n), outside)


def _checkbox_shape(lines: list[Line]) -> Shape | None:
    tops: list[tuple[int, str, str]] = []
    for i, line in enumerate(lines):
        match = None if line.fenced or line.level else _CHECKBOX.match(line.text)
        if match and re.fullmatch(r"T?\d+(?:\.0)?", match.group("label")):
            title = match.group("title").strip().removesuffix("**").strip()
            tops.append((i, match.group("label").removesuffix(".0"), title))
    if not tops:
        return None
    pieces: list[Piece] = []
    notes: list[str] = []
    outside = lines[: tops[0][0]]
    for k, (i, label, title) in enumerate(tops):
        stop = tops[k + 1][0] if k + 1 < len(tops) else len(lines)
        own = lines[i + 1 : stop]
        cut = next((j for j, x in enumerate(own) if x.level), len(own))
        pieces.append(Piece(label, title, lines[i].number, [x.text for x in own[:cut]], own[:cut]))
        if cut < len(own):
            notes.append(strip_blank_edges([x.text for x in own[cut:]]))
            outside = outside + own[cut:]
    return Shape("checkbox", pieces, tops[0][0], "\n\n".join(n for n in notes if n), outside)


def _title_of(text: str) -> str:
    text = re.sub(r"\*\*|__", "", text).strip()
    sentence = re.split(r"(?<=[.!?])\s|\s[—–-]\s|:\s", text, maxsplit=1)[0].strip().rstrip(".")
    return sentence if len(sentence) <= 80 else sentence[:77].rstrip() + "..."


def _prose_shape(lines: list[Line]) -> Shape | None:
    at = next((i for i, x in enumerate(lines) if x.level and _PLAN_OF_WORK.match(x.heading)), None)
    if at is None:
        return None
    level = lines[at].level
    end = next((j for j in range(at + 1, len(lines)) if 0 < lines[j].level <= level), len(lines))
    section = lines[at + 1 : end]
    starts = [j for j, x in enumerate(section) if not x.fenced and _LIST_START.match(x.text)]
    pieces: list[Piece] = []
    if len(starts) >= 2:
        for k, j in enumerate(starts):
            stop = starts[k + 1] if k + 1 < len(starts) else len(section)
            item = _LIST_START.match(section[j].text)
            own = section[j + 1 : stop]
            pieces.append(Piece(item.group(1), _title_of(item.group(2)), section[j].number,  # type: ignore[union-attr]
                                [section[j].text] + [x.text for x in own], [section[j], *own]))
        first = at + 1 + starts[0]
    else:
        pieces = _prose_pieces(section)
        if not pieces:
            return None
        first = next(i for i, x in enumerate(lines) if x.number == pieces[0].line)
    outside = lines[:first] + lines[end:]
    notes = strip_blank_edges([x.text for x in lines[end:]])
    return Shape("prose", pieces, first, notes, outside)


def _prose_pieces(section: list[Line]) -> list[Piece]:
    """Pieces at transition words (First, Next, Finally...) if there are two or more, else at
    paragraphs. A piece may start mid-line; its body is its own text."""
    spans: list[tuple[int, int]] = []  # (index in section, column)
    for j, line in enumerate(section):
        if line.fenced or line.level or not line.text.strip():
            continue
        for match in _TRANSITION.finditer(line.text):
            spans.append((j, match.start()))
    if len(spans) < 2:
        spans = [(j, 0) for j, x in enumerate(section) if x.text.strip() and not x.fenced and not x.level
                 and (j == 0 or not section[j - 1].text.strip())]
    pieces: list[Piece] = []
    for k, (j, col) in enumerate(spans):
        stop_j, stop_col = spans[k + 1] if k + 1 < len(spans) else (len(section), 0)
        own = section[j : stop_j + 1] if stop_col else section[j:stop_j]
        texts = [x.text for x in own]
        if stop_col:
            texts[-1] = texts[-1][:stop_col]
        texts[0] = texts[0][col:]
        body = strip_blank_edges(texts)
        if body:
            pieces.append(Piece(str(k + 1), _title_of(body), section[j].number, body.split("\n"), own))
    return pieces


def find_shape(lines: list[Line]) -> Shape | None:
    """The plan's steps, or None when none of the known shapes is there."""
    return _heading_shape(lines) or _checkbox_shape(lines) or _prose_shape(lines)
