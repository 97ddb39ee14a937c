"""Plan text as classified lines: headings, and what sits inside code fences.

Fences follow CommonMark: a fence opened with N backticks (or tildes) closes only with a line of
the same character, at least N long, with nothing after it. A "```python" line inside a
"```markdown" block is content, so a `# comment` under it is never taken for a heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")


@dataclass(frozen=True)
class Line:
    number: int  # 1-based line number in the whole text
    text: str  # without line ending
    fenced: bool  # inside (or delimiting) a code fence
    level: int = 0  # heading level, 0 if not a heading
    heading: str = ""


def is_fence(text: str) -> bool:
    return _FENCE.match(text) is not None


def scan(lines: list[str], first_number: int) -> list[Line]:
    """Classify lines, ignoring anything that looks like a heading inside a code fence."""
    out: list[Line] = []
    fence: str | None = None
    for offset, raw in enumerate(lines):
        text = raw.rstrip("\r")
        number = first_number + offset
        opener = _FENCE.match(text)
        if fence is not None:
            if (
                opener
                and opener.group(1)[0] == fence[0]
                and len(opener.group(1)) >= len(fence)
                and not opener.group(2).strip()
            ):
                fence = None
            out.append(Line(number, text, True))
            continue
        if opener and not (opener.group(1)[0] == "`" and "`" in opener.group(2)):
            fence = opener.group(1)
            out.append(Line(number, text, True))
            continue
        heading = _HEADING.match(text)
        if heading:
            out.append(Line(number, text, False, len(heading.group(1)), heading.group(2)))
        else:
            out.append(Line(number, text, False))
    return out


def strip_blank_edges(lines: list[str]) -> str:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return "\n".join(lines[start:end])
