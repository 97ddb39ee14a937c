"""Diffs as values: FileDiff / Hunk / DiffLine, side-by-side alignment, intraline spans.

(Interface fixed; owned by the diff-engine work. Fields may be added, not renamed.)

Raw bytes are the truth: `DiffLine.raw` is exactly what the patch holds, and apply uses only
that. `DiffLine.text` is for eyes: UTF-8 where it decodes, and each undecodable byte shown as a
visible `\\xNN` escape (e.g. latin-1 "é" appears as `\\xe9`), never silently replaced.
"""

from __future__ import annotations

import re
from collections import namedtuple
from enum import StrEnum
from functools import lru_cache
from itertools import zip_longest

TYPE_CHECKING = False  # not typing's: importing typing cost `review --yes` ~3 ms
if TYPE_CHECKING:
    from typing import Literal

    from pairtui.diff.patch_lines import PatchLines


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
    """One line of a hunk. An immutable value, a named tuple like the other records here:
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


class Hunk:
    """One @@ hunk: a value, never changed after it is made (share it freely). A plain class
    with slots, not a frozen dataclass: importing dataclasses cost `review --yes` ~7 ms, and a
    frozen instance takes ~1 us to build (a patch holds thousands). Its lines can also be
    built on first use: the parser checks every hunk's line counts but builds DiffLine values
    only for the hunks someone looks at; apply reads a parsed hunk's patch lines (`images`)."""

    __slots__ = ("old_start", "old_len", "new_start", "new_len", "section", "number",
                 "_lines", "_body")
    old_start: int
    old_len: int
    new_start: int
    new_len: int
    section: str  # function context after the @@ header
    number: int  # 1-based number in the patch it was read from (0: unknown); kept by split

    def __init__(self, old_start: int, old_len: int, new_start: int, new_len: int,
                 section: str = "", lines: tuple[DiffLine, ...] = (), number: int = 0) -> None:
        self.old_start = old_start
        self.old_len = old_len
        self.new_start = new_start
        self.new_len = new_len
        self.section = section
        self.number = number
        self._lines: tuple[DiffLine, ...] | None = tuple(lines)
        self._body: PatchLines | None = None

    @classmethod
    def from_patch_lines(cls, old_start: int, old_len: int, new_start: int, new_len: int,
                         section: str, number: int, body: PatchLines) -> Hunk:
        """A hunk whose body is `body`, lines already checked against the counts and every
        one starting with " ", "-" or "+" (no "\\ No newline" marker)."""
        h = _new(cls)
        h.old_start = old_start
        h.old_len = old_len
        h.new_start = new_start
        h.new_len = new_len
        h.section = section
        h.number = number
        h._lines = None
        h._body = body
        return h

    def moved(self, old_start: int, new_start: int) -> Hunk:
        """The same hunk at other start lines (its lines, numbered as read, are kept)."""
        h = _new(Hunk)
        h.old_start = old_start
        h.old_len = self.old_len
        h.new_start = new_start
        h.new_len = self.new_len
        h.section = self.section
        h.number = self.number
        h._lines = self._lines
        h._body = self._body
        return h

    @property
    def lines(self) -> tuple[DiffLine, ...]:
        lines = self._lines
        if lines is None:
            lines = self._lines = self._body.diff_lines()  # type: ignore[union-attr]
        return lines

    @property
    def kinds(self) -> str:
        """Its lines' kinds in order, e.g. " -+ " (without building the lines)."""
        if self._lines is None:
            body = self._body
            return body.kinds[body.start:body.end].decode()
        return "".join([ln[0] for ln in self._lines])

    def images(self) -> tuple[str, list[bytes], list[bytes]]:
        """(its `kinds`, the lines it needs in the file, the lines it leaves there), each line
        without its "\\n"; a line without one in the file (the unterminated last line) ends
        in "\\n" instead, so it never equals a terminated one (pairtui.diff.fragments)."""
        if self._lines is None:
            return self._body.images()  # type: ignore[union-attr]
        lines = self._lines
        contents = [ln[1] + b"\n" if ln[4] else ln[1] for ln in lines]
        kinds = "".join([ln[0] for ln in lines])
        return (kinds, [c for c, k in zip(contents, kinds, strict=True) if k != "+"],
                [c for c, k in zip(contents, kinds, strict=True) if k != "-"])

    def _key(self) -> tuple[object, ...]:
        return (self.old_start, self.old_len, self.new_start, self.new_len, self.section,
                self.lines, self.number)

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if other.__class__ is not Hunk:
            return NotImplemented
        o: Hunk = other  # type: ignore[assignment]
        return ((self.old_start, self.old_len, self.new_start, self.new_len, self.section,
                 self.number) == (o.old_start, o.old_len, o.new_start, o.new_len, o.section,
                                  o.number)
                and ((self._body is not None and self._body is o._body)
                     or self.lines == o.lines))

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (f"Hunk(old_start={self.old_start}, old_len={self.old_len}, new_start="
                f"{self.new_start}, new_len={self.new_len}, section={self.section!r}, "
                f"lines={self.lines!r}, number={self.number})")

    def __reduce__(self) -> tuple[object, ...]:
        return (Hunk, (self.old_start, self.old_len, self.new_start, self.new_len,
                       self.section, self.lines, self.number))

    @property
    def added(self) -> int:
        if self._lines is None:
            return self._body.count("+")
        return sum(1 for line in self.lines if line.kind == "+")

    @property
    def removed(self) -> int:
        if self._lines is None:
            return self._body.count("-")
        return sum(1 for line in self.lines if line.kind == "-")

    @property
    def header(self) -> str:
        """The "@@ -a,b +c,d @@" line as git writes it (without the section text)."""
        return f"@@ -{_range(self.old_start, self.old_len)} +{_range(self.new_start, self.new_len)} @@"


_new = object.__new__


def _range(start: int, length: int) -> str:
    return str(start) if length == 1 else f"{start},{length}"


class BinaryPatch(namedtuple("BinaryPatch", "forward reverse", defaults=(None,))):
    """The "GIT binary patch" payload, kept verbatim (base85 lines) and decoded only by apply."""

    __slots__ = ()
    forward: tuple[str, int, bytes]  # (method "literal" | "delta", size, base85 lines joined)
    reverse: tuple[str, int, bytes] | None


class FileDiff(namedtuple("FileDiff", "old_path new_path status hunks old_mode new_mode is_binary "
                          "old_oid new_oid similarity binary number",
                          defaults=((), None, None, False, None, None, None, None, 0))):
    """One file's change. (A named tuple, like every record here: `f._replace(hunks=...)`.)"""

    __slots__ = ()
    old_path: str | None  # None for an added file
    new_path: str | None  # None for a deleted file
    status: FileStatus
    hunks: tuple[Hunk, ...]
    old_mode: str | None
    new_mode: str | None
    is_binary: bool
    old_oid: str | None  # blob ids from the "index" line (full with --full-index)
    new_oid: str | None
    similarity: int | None  # rename/copy similarity in percent
    binary: BinaryPatch | None  # None for text, or "Binary files differ" without data
    number: int  # a whole-file change's hunk number in the patch it was read from (0: unknown)

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


class Patch(namedtuple("Patch", "files", defaults=((),))):
    """A whole patch: its files in order. (A named tuple: `patch._replace(files=...)`.)"""

    __slots__ = ()
    files: tuple[FileDiff, ...]

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
