"""Turning one diff line into cells: tabs, CRLF, control bytes, syntax and word colours, cut or
wrap. Everything a person must see faithfully (a tab, a carriage return, a cut) gets a faint
marker instead of silently disappearing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from pairtui.diff.model import DiffLine

from .diff_highlight import LineTokens, style_for

TAB = 4
CUT_MARK = "›"
TAB_MARK = "→"
CR_MARK = "^M"  # how git and editors show a CR; dim, so it never reads as text
NO_EOL_MARK = "∅"


def display_text(line: DiffLine) -> tuple[str, bool]:
    """The line as text (undecodable bytes marked by the model) and whether it ended in CR."""
    return line.text, line.crlf


def _control(ch: str) -> str:
    """Caret notation (^@, ^[, ^?), the form terminals and git use for control bytes."""
    return "^" + chr(ord(ch) ^ 0x40)


def _pieces(text: str, style: Style, marker: Style, col: int,
            out: list[Segment]) -> int:
    """Append `text` as segments, expanding tabs (marker + spaces) and showing control chars."""
    start = 0
    for i, ch in enumerate(text):
        if ch == "\t" or ch < " " or ch == "\x7f":
            if i > start:
                chunk = text[start:i]
                out.append(Segment(chunk, style))
                col += cell_len(chunk)
            if ch == "\t":
                n = TAB - col % TAB
                out.append(Segment(TAB_MARK, style + marker))
                if n > 1:
                    out.append(Segment(" " * (n - 1), style))
                col += n
            else:
                out.append(Segment(_control(ch), style + marker))
                col += 2
            start = i + 1
    if start < len(text):
        chunk = text[start:]
        out.append(Segment(chunk, style))
        col += cell_len(chunk)
    return col


@dataclass(frozen=True)
class TextStyles:
    base: Style
    word: Style  # added on changed words
    marker: Style  # faint markers: tab, CR, control chars, cut
    tokens: dict  # pygments token type -> Style


def line_segments(text: str, cr: bool, no_eol: bool, styles: TextStyles,
                  tokens: LineTokens | None, words: Sequence[tuple[int, int]]
                  ) -> tuple[list[Segment], int]:
    """All cells of one line (uncut) and their count; syntax colours and word highlights
    over the base style."""
    cuts = {0, len(text)}
    if tokens:
        for s, e, _ in tokens:
            cuts.update((min(s, len(text)), min(e, len(text))))
    for s, e in words:
        cuts.update((min(s, len(text)), min(e, len(text))))
    points = sorted(cuts)
    out: list[Segment] = []
    col = 0
    ti = wi = 0
    tokens = tokens or ()
    for a, b in zip(points, points[1:], strict=False):
        if a == b:
            continue
        style = styles.base
        while ti < len(tokens) and tokens[ti][1] <= a:
            ti += 1
        if ti < len(tokens) and tokens[ti][0] <= a:
            token_style = style_for(tokens[ti][2], styles.tokens)
            if token_style is not None:
                style = style + token_style
        while wi < len(words) and words[wi][1] <= a:
            wi += 1
        if wi < len(words) and words[wi][0] <= a:
            style = style + styles.word
        col = _pieces(text[a:b], style, styles.marker, col, out)
    if cr:
        out.append(Segment(CR_MARK, styles.base + styles.marker))
        col += len(CR_MARK)
    if no_eol:
        out.append(Segment(NO_EOL_MARK, styles.base + styles.marker))
        col += 1
    return out, col


def fit(segments: list[Segment], cells: int, width: int, base: Style, marker: Style,
        wrap_row: int | None) -> list[Segment]:
    """Exactly `width` cells: padded, cut with a marker (wrap_row None), or wrapped row
    `wrap_row` of the line. The common case (fits) costs one append."""
    if width <= 0:
        return []
    if wrap_row is None:
        if cells <= width:
            if cells < width:
                segments.append(Segment(" " * (width - cells), base))
            return segments
        cut = list(Strip(segments, cells).crop(0, width - 1))
        cut.append(Segment(CUT_MARK, base + marker))
        return list(Strip(cut).extend_cell_length(width, base))
    starts = wrap_starts("".join(seg.text for seg in segments), width) if cells > width else [0]
    if wrap_row >= len(starts):
        return [Segment(" " * width, base)]
    end = starts[wrap_row + 1] if wrap_row + 1 < len(starts) else cells
    row = Strip(segments, cells).crop(starts[wrap_row], end)
    return list(row.extend_cell_length(width, base))


def wrapped_height(line: DiffLine | None, width: int) -> int:
    """Rows a line needs when wrapped at `width` cells (at word boundaries, as painted)."""
    if line is None or width <= 0:
        return 1
    text, cr = display_text(line)
    cells = cell_len(text.expandtabs(TAB)) + 2 * cr + line.no_newline
    if cells <= width:
        return 1
    plain: list[Segment] = []
    _pieces(text, Style(), Style(), 0, plain)
    tail = (CR_MARK if cr else "") + (NO_EOL_MARK if line.no_newline else "")
    return len(wrap_starts("".join(seg.text for seg in plain) + tail, width))


def wrap_starts(plain: str, width: int) -> list[int]:
    """Cell offsets where each wrapped row of `plain` starts: after the last space that fits,
    so words stay whole; a word longer than the row is cut where the row ends."""
    starts = [0]
    row, row_cells, last_space, seen_text = 0, 0, -1, False  # row: char index of the row start
    offsets = [0]
    for ch in plain:
        offsets.append(offsets[-1] + cell_len(ch))
    for i, ch in enumerate(plain):
        w = offsets[i + 1] - offsets[i]
        if row_cells + w > width and i > row:
            brk = last_space if last_space > row and seen_text else i
            starts.append(offsets[brk])
            row, row_cells, last_space = brk, offsets[i] - offsets[brk], -1
            seen_text = any(c != " " for c in plain[brk:i])
        row_cells += w
        if ch == " ":
            if seen_text:
                last_space = i + 1
        else:
            seen_text = True
    return starts
