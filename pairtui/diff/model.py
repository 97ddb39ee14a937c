"""Diffs as values: FileDiff / Hunk / DiffLine, side-by-side alignment, intraline spans.

(Interface fixed; owned by the diff-engine work. Fields may be added, not renamed.)

Raw bytes are the truth: `DiffLine.raw` is exactly what the patch holds, and apply uses only
that. `DiffLine.text` is for eyes: UTF-8 where it decodes, and each undecodable byte shown as a
visible `\\xNN` escape (e.g. latin-1 "é" appears as `\\xe9`), never silently replaced.
"""

from __future__ import annotations

import re
from collections import namedtuple
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from itertools import zip_longest

TYPE_CHECKING = False  # not typing's: importing typing cost `review --yes` ~3 ms
if TYPE_CHECKING:
    from typing import Literal


class FileStatus(StrEnum):
    ADDED = "added"
    DELETED = "deleted"
    MODIFIED = "modified"
    RENAMED = "renamed"
    COPIED = "copied"
    MODE_CHANGED = "mode-changed"
    BINARY = "binary"


class DiffLine(namedtuple("DiffLine", "kind raw old_no new_no no_newline",
                          defaults=(None, None, False))):
    """One line of a hunk. An immutable value like the dataclasses here, but a named tuple:
    a large diff holds tens of thousands of them and a tuple is built about 6x faster, which
    keeps parsing under the time `git diff` takes (benchmarks/diff_parse_bench.py).
    (collections' namedtuple rather than typing's, whose import costs every command ~3 ms.)"""

    __slots__ = ()
    kind: Literal[" ", "-", "+"]
    raw: bytes  # the line's bytes without the trailing "\n" (a "\r" from CRLF is kept)
    old_no: int | None
    new_no: int | None
    no_newline: bool  # followed by "\ No newline at end of file" (default False)

    @property
    def text(self) -> str:
        """For display: decoded UTF-8; undecodable bytes shown with a visible marker.

        Each byte that is not valid UTF-8 becomes the four characters `\\xNN`. A CRLF line's
        trailing "\\r" is left out (see `crlf`), so it never moves the terminal cursor.
        """
        raw = self.raw
        if raw[-1:] == b"\r":
            raw = raw[:-1]
        return raw.decode("utf-8", "backslashreplace")

    @property
    def crlf(self) -> bool:
        """True when the line ends with CRLF (its "\\r" is in `raw`, not in `text`)."""
        return self.raw[-1:] == b"\r"

    @property
    def content(self) -> bytes:
        """The line as it sits in the file: raw plus "\\n" unless it is an unterminated last line."""
        return self.raw if self.no_newline else self.raw + b"\n"


@dataclass(frozen=True, slots=True)
class Hunk:
    old_start: int
    old_len: int
    new_start: int
    new_len: int
    section: str = ""  # function context after the @@ header
    lines: tuple[DiffLine, ...] = ()
    number: int = 0  # 1-based number in the patch it was read from (0: unknown); kept by split

    @property
    def added(self) -> int:
        return sum(1 for line in self.lines if line.kind == "+")

    @property
    def removed(self) -> int:
        return sum(1 for line in self.lines if line.kind == "-")

    @property
    def header(self) -> str:
        """The "@@ -a,b +c,d @@" line as git writes it (without the section text)."""
        return f"@@ -{_range(self.old_start, self.old_len)} +{_range(self.new_start, self.new_len)} @@"


def _range(start: int, length: int) -> str:
    return str(start) if length == 1 else f"{start},{length}"


@dataclass(frozen=True, slots=True)
class BinaryPatch:
    """The "GIT binary patch" payload, kept verbatim (base85 lines) and decoded only by apply."""

    forward: tuple[str, int, bytes]  # (method "literal" | "delta", size, base85 lines joined)
    reverse: tuple[str, int, bytes] | None = None


@dataclass(frozen=True, slots=True)
class FileDiff:
    old_path: str | None  # None for an added file
    new_path: str | None  # None for a deleted file
    status: FileStatus
    hunks: tuple[Hunk, ...] = ()
    old_mode: str | None = None
    new_mode: str | None = None
    is_binary: bool = False
    old_oid: str | None = None  # blob ids from the "index" line (full with --full-index)
    new_oid: str | None = None
    similarity: int | None = None  # rename/copy similarity in percent
    binary: BinaryPatch | None = None  # None for text, or "Binary files differ" without data
    number: int = 0  # a whole-file change's hunk number in the patch it was read from (0: unknown)

    @property
    def path(self) -> str:
        return self.new_path or self.old_path or ""

    @property
    def added(self) -> int:
        return sum(h.added for h in self.hunks)

    @property
    def removed(self) -> int:
        return sum(h.removed for h in self.hunks)

    @property
    def mode_changed(self) -> bool:
        return (self.old_mode is not None and self.new_mode is not None
                and self.old_mode != self.new_mode)


@dataclass(frozen=True)
class Patch:
    files: tuple[FileDiff, ...] = ()

    def hunk_refs(self) -> list[tuple[int, int]]:
        """(file index, hunk index) in patch order; hunk number N (1-based) is refs[N-1].
        A binary or mode-only file with no hunks counts as one hunk (hunk index 0).

        So does any other file without text hunks (a pure rename or copy, an empty file
        added or deleted): every file is reviewable, and accepted or rejected whole.
        """
        refs: list[tuple[int, int]] = []
        for fi, f in enumerate(self.files):
            if f.is_binary or not f.hunks:
                refs.append((fi, 0))
            else:
                refs.extend((fi, hi) for hi in range(len(f.hunks)))
        return refs

    @property
    def hunk_count(self) -> int:
        return len(self.hunk_refs())


class Row(namedtuple("Row", "old new")):
    """One side-by-side row: left (old) and/or right (new); None is a blank filler.
    (A named tuple for the same reason as DiffLine: one per displayed line.)"""

    __slots__ = ()
    old: DiffLine | None
    new: DiffLine | None


_BLOCKS = re.compile(r" +|-+\+*|\++")


def align_rows(hunk: Hunk) -> list[Row]:
    """Pair each run of removed lines with the following run of added lines.

    Context lines sit on both sides; a removed run longer than its added run (or the other
    way round) is padded with blank fillers, so both columns always have the same height.
    """
    lines = hunk.lines
    kinds = "".join([line[0] for line in lines])
    make = tuple.__new__
    rows: list[Row] = []
    for block in _BLOCKS.finditer(kinds):
        start, end = block.span()
        if kinds[start] == " ":
            rows.extend([make(Row, (line, line)) for line in lines[start:end]])
            continue
        split = kinds.find("+", start, end)
        if split < 0:
            split = end
        rows.extend([make(Row, pair)
                     for pair in zip_longest(lines[start:split], lines[split:end])])
    return rows


_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


def intraline_spans(old: str, new: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Changed (start, end) character spans in old and new, word-level.

    Pure and memoised on (old, new), so callers may ask for it per painted line, lazily.
    Spans are widened to whole words; adjacent changed tokens merge into one span.
    """
    old_spans, new_spans = _spans(old, new)
    return list(old_spans), list(new_spans)


@lru_cache(maxsize=8192)
def _spans(old: str, new: str) -> tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]:
    if old == new:
        return (), ()
    # Trim the common prefix and suffix first: most edits touch a small middle part.
    limit = min(len(old), len(new))
    start = 0
    while start < limit and old[start] == new[start]:
        start += 1
    end = 0
    while end < limit - start and old[-1 - end] == new[-1 - end]:
        end += 1
    # Widen to whole words, so a changed word is highlighted whole.
    while start > 0 and (old[start - 1].isalnum() or old[start - 1] == "_"):
        start -= 1
    while end > 0 and (old[len(old) - end].isalnum() or old[len(old) - end] == "_"):
        end -= 1
    old_mid, new_mid = old[start:len(old) - end], new[start:len(new) - end]
    a = _TOKEN.findall(old_mid)
    b = _TOKEN.findall(new_mid)
    if len(a) * len(b) > 40_000:  # very long lines: the trimmed middle, without matching cost
        return (((start, len(old) - end),) if old_mid else (),
                ((start, len(new) - end),) if new_mid else ())
    import difflib  # here, not at the top: only the diff view needs it, not apply's commands

    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    old_spans: list[tuple[int, int]] = []
    new_spans: list[tuple[int, int]] = []
    a_pos = _offsets(a, start)
    b_pos = _offsets(b, start)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i2 > i1:
            _add_span(old_spans, a_pos[i1], a_pos[i2])
        if j2 > j1:
            _add_span(new_spans, b_pos[j1], b_pos[j2])
    return tuple(old_spans), tuple(new_spans)


def _offsets(tokens: list[str], base: int) -> list[int]:
    positions = [base]
    for tok in tokens:
        positions.append(positions[-1] + len(tok))
    return positions


def _add_span(spans: list[tuple[int, int]], start: int, end: int) -> None:
    if spans and spans[-1][1] == start:
        spans[-1] = (spans[-1][0], end)
    else:
        spans.append((start, end))
