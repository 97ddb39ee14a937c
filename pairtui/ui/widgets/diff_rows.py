"""Painting one screen row of the diff: file and hunk headers, folds, and the body rows in
side-by-side or unified form. Called only for rows on screen; per-hunk lookups (pairing for
intraline, line indexes, syntax tokens) are computed on first use and cached."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from pairtui.core.words import count
from pairtui.diff.model import DiffLine, FileDiff, FileStatus, Hunk, Patch, Row, intraline_spans

from .diff_highlight import SyntaxCache
from .diff_layout import Block, Kind, Layout, Ref
from .diff_paint import TextStyles, display_text, fit, line_segments
from .diff_review import HunkState, ReviewBook

BADGES = {
    HunkState.PENDING: "○ pending",
    HunkState.ACCEPTED: "✓ accepted",
    HunkState.REJECTED: "✗ rejected",
    HunkState.PARTIAL: "◐ partly rejected",
    HunkState.COMMENTED: "✎ commented",
}


_BAR_KEYS = {HunkState.ACCEPTED: "accepted", HunkState.REJECTED: "rejected-badge",
             HunkState.PARTIAL: "rejected-badge", HunkState.COMMENTED: "commented"}


@dataclass
class Cursor:
    """What the person points at: the current hunk and, in line mode, a line and marks."""

    ref: Ref | None = None
    line: int | None = None  # index in the current hunk's lines (line mode only)
    marks: set[int] = field(default_factory=set)


@dataclass
class _HunkInfo:
    index: dict[int, int]  # id(DiffLine) -> index in hunk.lines
    partner: dict[int, DiffLine]  # id(line) -> the line it is paired with (for word spans)


def _file_title(f: FileDiff) -> str:
    if f.status in (FileStatus.RENAMED, FileStatus.COPIED) and f.old_path != f.new_path:
        sim = f" {f.similarity}%" if f.similarity is not None else ""
        return f"{f.old_path} → {f.new_path}  ({f.status.value}{sim})"
    return f"{f.path}  ({f.status.value})"


MOVED_MIN = 12  # a line needs this many non-blank characters to count as moved


def moved_lines(patch: Patch) -> frozenset[bytes]:
    """Stripped contents of lines removed in one place and added back in another (anywhere in
    the patch): shown in their own colour, so a moved block does not read as new code."""
    removed: set[bytes] = set()
    added: set[bytes] = set()
    for f in patch.files:
        for h in f.hunks:
            for line in h.lines:
                if line.kind != " ":
                    key = line.raw.strip()
                    if len(key) >= MOVED_MIN:
                        (removed if line.kind == "-" else added).add(key)
    return frozenset(removed & added)


def number_width(patch: Patch) -> int:
    """Cells for line numbers: enough for the largest line number in the patch."""
    top = max((max(h.old_start + h.old_len, h.new_start + h.new_len)
               for f in patch.files for h in f.hunks), default=1)
    return max(3, len(str(top)))


def column_width(width: int, split: bool, nw: int) -> int:
    """Text cells per side (side by side) or of the one text column (unified)."""
    if split:
        return max(1, (width - 2 - 2 * (nw + 2)) // 2)
    return max(1, width - 1 - 2 * (nw + 1) - 1)


def _is_utf8(f: FileDiff) -> bool:
    try:
        for h in f.hunks:
            for line in h.lines:
                line.raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class RowPainter:
    """Paints rows of one layout; rebuilt whenever the patch or layout changes."""

    def __init__(self, layout: Layout, book: ReviewBook, styles: dict[str, Style],
                 tokens: dict, syntax: SyntaxCache,
                 origin: Callable[[str, Hunk | None], str] | None) -> None:
        self.layout = layout
        self.patch: Patch = layout.patch
        self.book = book
        self.s = styles
        self.tokens = tokens
        self.syntax = syntax
        self.origin = origin
        self._hunks: dict[int, tuple[Hunk, _HunkInfo]] = {}
        self._utf8: dict[int, bool] = {}
        self._moved: frozenset[bytes] | None = None
        self.nw = number_width(self.patch)

    def column_width(self, width: int) -> int:
        return column_width(width, self.layout.split, self.nw)

    # -- rows -----------------------------------------------------------------------------
    def row(self, y: int, width: int, cursor: Cursor, wrap: bool) -> Strip:
        block, offset = self.layout.locate(y)
        kind = block.kind
        if kind is Kind.FILE:
            return self._file_header(block, width)
        if kind is Kind.HUNK:
            return self._hunk_header(block, width, cursor)
        if kind is Kind.BODY:
            return self._body(block, offset, width, cursor, wrap)
        if kind is Kind.NOTE:
            return self._note(block, width, cursor)
        text = (f"  ⋯ {count(block.first, 'unchanged line')}" if kind is Kind.GAP
                else f"  ⋯ {count(block.count, 'unchanged line')} · e or click to expand")
        return self._text_row(text, self.s["gap"] if kind is Kind.GAP else self.s["fold"], width)

    def _text_row(self, text: str, style: Style, width: int, right: str = "",
                  right_style: Style | None = None) -> Strip:
        segs = [Segment(text, style)]
        strip = Strip(segs)
        if right:
            room = max(width - cell_len(right) - 1, 0)
            if strip.cell_length > room - 2:  # keep a gap; a cut text ends in an ellipsis
                keep = max(room - 3, 0)
                strip = Strip.join([strip.crop(0, keep), Strip([Segment("…" if keep else "", style)])])
            strip = strip.extend_cell_length(room, style)
            strip = Strip.join([strip, Strip([Segment(right + " ", right_style or style)])])
        return strip.crop(0, width).extend_cell_length(width, style)

    def _file_header(self, block: Block, width: int) -> Strip:
        fi = block.file
        f = self.patch.files[fi]
        labels = []
        if not f.is_binary and fi not in self._utf8:
            self._utf8[fi] = _is_utf8(f)
        if not f.is_binary and not self._utf8[fi]:
            labels.append("non-UTF-8")
        if f.mode_changed:
            labels.append(f"mode {f.old_mode} → {f.new_mode}")
        label = "".join(f"  [{x}]" for x in labels)
        refs = [r for r in self.book.refs if r[0] == fi]
        done = sum(1 for r in refs if self.book.state(r) is not HunkState.PENDING)
        counts = "binary" if f.is_binary else f"+{f.added} −{f.removed}"
        right = f"{counts}  {done}/{len(refs)} reviewed"
        return self._text_row(f"▌ {_file_title(f)}{label}", self.s["file"], width, right)

    def _hunk_header(self, block: Block, width: int, cursor: Cursor) -> Strip:
        ref = (block.file, block.hunk)
        hunk = self.patch.files[block.file].hunks[block.hunk]
        text = f"{'▶' if ref == cursor.ref else ' '} {hunk.header} {hunk.section}".rstrip()
        badge = self._badge(ref)
        if width - cell_len(badge) - 3 < len(hunk.header) + 2:  # narrow: the state alone
            badge = BADGES[self.book.state(ref)]
        if ref == cursor.ref and cursor.line is not None:
            marked = len(cursor.marks)
            badge = (f"line mode: space marks ({marked}) · a keeps only marked · "
                     "x rejects marked · esc leaves")
        return self._text_row(text, self._header_style(ref, cursor), width, badge,
                              self._badge_style(ref, cursor))

    def _note(self, block: Block, width: int, cursor: Cursor) -> Strip:
        ref = (block.file, 0)
        f = self.patch.files[block.file]
        if f.is_binary:
            text = "binary file: accepted or rejected whole"
        elif f.mode_changed:
            text = f"mode change only: {f.old_mode} → {f.new_mode}"
        elif f.status is FileStatus.ADDED:
            text = "empty file added"
        elif f.status is FileStatus.DELETED:
            text = "empty file deleted"
        else:
            text = "no content change"
        text = f"{'▶' if ref == cursor.ref else ' '} {text}"
        return self._text_row(text, self._header_style(ref, cursor), width, self._badge(ref),
                              self._badge_style(ref, cursor))

    def _header_style(self, ref: Ref, cursor: Cursor) -> Style:
        return self.s["hunk-current"] if ref == cursor.ref else self.s["hunk"]

    def _badge(self, ref: Ref) -> str:
        badge = BADGES[self.book.state(ref)]
        if self.origin is not None:
            f = self.patch.files[ref[0]]
            label = self.origin(f.path, f.hunks[ref[1]] if ref[1] < len(f.hunks) else None)
            if label:
                badge = f"{label} · {badge}"
        return badge

    def _badge_style(self, ref: Ref, cursor: Cursor) -> Style:
        base = self._header_style(ref, cursor)
        key = _BAR_KEYS.get(self.book.state(ref))
        return base + self.s[key] if key else base

    # -- body -----------------------------------------------------------------------------
    def _info(self, hunk: Hunk, items) -> _HunkInfo:
        hit = self._hunks.get(id(hunk))
        if hit is not None and hit[0] is hunk:
            return hit[1]
        index = {id(line): i for i, line in enumerate(hunk.lines)}
        partner: dict[int, DiffLine] = {}
        rows = items if items and isinstance(items[0], Row) else None
        if rows is None:
            from pairtui.diff.model import align_rows
            rows = align_rows(hunk)
        for r in rows:
            if r.old is not None and r.new is not None and r.old is not r.new:
                partner[id(r.old)] = r.new
                partner[id(r.new)] = r.old
        info = _HunkInfo(index, partner)
        self._hunks[id(hunk)] = (hunk, info)
        return info

    def _body(self, block: Block, offset: int, width: int, cursor: Cursor, wrap: bool) -> Strip:
        ref = (block.file, block.hunk)
        f = self.patch.files[block.file]
        hunk = f.hunks[block.hunk]
        items = self.layout.items(ref)
        item_no, wrap_row = self.layout.item_at(block, offset)
        item = items[item_no]
        info = self._info(hunk, items)
        tokens = self.syntax.tokens(f.path, hunk)
        cw = column_width(width, isinstance(item, Row), self.nw)  # one-sided files: full width
        out = [self._bar(ref, cursor)]
        wrap_at = wrap_row if wrap else None
        if isinstance(item, Row):
            self._side(out, item.old, "old", ref, info, tokens, cw, cursor, wrap_at)
            out.append(Segment("│", self.s["separator"]))
            self._side(out, item.new, "new", ref, info, tokens, cw, cursor, wrap_at)
            used = 2 + 2 * (self.nw + 2 + cw)
        else:
            self._unified(out, item, ref, info, tokens, cw, cursor, wrap_at)
            used = 1 + 2 * (self.nw + 1) + 1 + cw
        if used < width:
            out.append(Segment(" " * (width - used), self.s["context"]))
        elif used > width:
            return Strip(out).crop(0, width)
        return Strip(out, width)

    def _bar(self, ref: Ref, cursor: Cursor) -> Segment:
        """The gutter mark: accent for the current hunk, else the colour of its state."""
        if ref == cursor.ref:
            return Segment("▎", self.s["bar-current"])
        key = _BAR_KEYS.get(self.book.state(ref))
        return Segment("▎", self.s[key]) if key else Segment(" ", self.s["bar"])

    def _line_style(self, line: DiffLine, ref: Ref, idx: int) -> tuple[Style, Style, bool]:
        """(base, word, struck): struck when the line's change was rejected."""
        if line.kind == " ":
            return self.s["context"], self.s["context"], False
        state = self.book.state(ref)
        struck = state is HunkState.REJECTED or (
            state is HunkState.PARTIAL and idx in self.book.rejected_lines.get(ref, ()))
        if self._moved is None:
            self._moved = moved_lines(self.patch)
        if self._moved and line.raw.strip() in self._moved:
            return self.s["moved"], self.s["moved"], struck
        key = "added" if line.kind == "+" else "removed"
        return self.s[key], self.s[key + "-word"], struck

    def _text(self, out: list[Segment], line: DiffLine, ref: Ref, info: _HunkInfo, tokens,
              cw: int, cursor: Cursor, wrap_at: int | None, head: list[Segment]) -> None:
        """Append the head cells (numbers), the sign and the line's text cut/wrapped to cw."""
        idx = info.index.get(id(line), -1)
        base, word, struck = self._line_style(line, ref, idx)
        if ref == cursor.ref and cursor.line == idx:
            base, word = base + self.s["cursor"], word + self.s["cursor"]
        if struck:
            base, word = base + self.s["rejected"], word + self.s["rejected"]
        out.extend(head)
        if not wrap_at:
            marked = ref == cursor.ref and idx in cursor.marks
            out.append(Segment("●", base + self.s["marked"]) if marked
                       else Segment(line.kind, base))
        else:
            out.append(Segment(" ", base))
        text, cr = display_text(line)
        words: list[tuple[int, int]] = []
        partner = info.partner.get(id(line))
        if partner is not None and line.kind != " ":
            spans = intraline_spans(*((text, partner.text) if line.kind == "-"
                                      else (partner.text, text)))
            words = spans[0] if line.kind == "-" else spans[1]
        line_tokens = tokens[idx] if tokens is not None and 0 <= idx < len(tokens) else None
        styles = TextStyles(base, word, self.s["marker"], self.tokens)
        segs, cells = line_segments(text, cr, line.no_newline, styles, line_tokens, words)
        out.extend(fit(segs, cells, cw, base, self.s["marker"], wrap_at))

    def _number(self, n: int | None, style: Style, first: bool) -> Segment:
        text = str(n) if n is not None and first else ""
        return Segment(text.rjust(self.nw) + " ", style)

    def _number_style(self, line: DiffLine) -> Style:
        key = {"+": "number-added", "-": "number-removed"}.get(line.kind, "number")
        return self.s[key]

    def _side(self, out: list[Segment], line: DiffLine | None, side: str, ref: Ref,
              info: _HunkInfo, tokens, cw: int, cursor: Cursor, wrap_at: int | None) -> None:
        if line is None:
            out.append(Segment(" " * (self.nw + 2 + cw), self.s["filler"]))
            return
        no = line.old_no if side == "old" else line.new_no
        head = [self._number(no, self._number_style(line), not wrap_at)]
        self._text(out, line, ref, info, tokens, cw, cursor, wrap_at, head)

    def _unified(self, out: list[Segment], line: DiffLine, ref: Ref, info: _HunkInfo, tokens,
                 cw: int, cursor: Cursor, wrap_at: int | None) -> None:
        style = self._number_style(line)
        first = not wrap_at
        head = [self._number(line.old_no, style, first), self._number(line.new_no, style, first)]
        self._text(out, line, ref, info, tokens, cw, cursor, wrap_at, head)
