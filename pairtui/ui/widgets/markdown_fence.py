"""Kept pieces of a long code fence, so a block holding one is drawn a piece at a time.

MarkdownText draws a block as one Rich render; a 2,000-line fence would be one 400 ms render,
and while it streams (a block stays open while its fence is) it would be rendered again on every
append. Instead, complete code lines are rendered in pieces of about CHUNK_LINES and the pieces'
lines kept; only the code after the last kept piece is rendered again. A piece is cut only where
its own rendering and highlighting match rendering the whole block, so the screen looks the same
as one render of the whole block.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.syntax import Syntax

from pairtui.ui.widgets.packed_lines import Line

FENCE_MARKS = ("```", "~~~")
CHUNK_LINES = 16  # complete code lines kept per piece (a piece renders in ~4 ms)
CHECK_LINES = 4  # complete lines after a cut that judge it (highlighted alike, alone or not)


def _char_types(lexer, code: str) -> list:
    """The token type of every character of `code`, as Rich's Syntax would highlight it."""
    types: list = []
    for token_type, value in lexer.get_tokens(code):
        types.extend([token_type] * len(value))
    return types


class FenceCache:
    """Rendered lines of the first complete lines of a code fence in a block, kept in pieces.

    Guarantee: `kept` + the rendering of the rest (opener + remaining lines, top padding
    dropped) equals rendering the whole block, because a piece ends only on a non-blank line
    without trailing spaces (Rich strips those at a fence's end) where the next CHECK_LINES
    lines (not all blank) get the same token types highlighted alone as after the piece (no
    string or comment left open).
    """

    def __init__(self, opener_at: int, opener: str, render: Callable[[str], list[Line]]) -> None:
        mark_len = len(opener) - len(opener.lstrip(opener[0]))
        lang = opener[mark_len:].strip().partition(" ")[0] or "text"
        self.opener_at = opener_at
        self.opener = opener
        self.closer = opener[0] * mark_len
        self.lexer = Syntax("", lang).lexer
        self._render_md = render
        self.kept: list[Line] = []
        self.kept_upto = opener_at + 1  # block lines before this index are drawn in `kept`
        self._next_cut = 0  # candidates for the next cut before this index were judged

    @classmethod
    def start(cls, lines: list[str], render: Callable[[str], list[Line]]) -> FenceCache | None:
        """A cache for the last fence opened in `lines` (the one still open), or None if it is
        not a plain top-level fence."""
        at = next((i for i in range(len(lines) - 1, -1, -1)
                   if lines[i].lstrip().startswith(FENCE_MARKS)), None)
        if at is None or lines[at] != lines[at].lstrip():
            return None
        return cls(at, lines[at], render)

    @classmethod
    def first(cls, lines: list[str], render: Callable[[str], list[Line]]) -> FenceCache | None:
        """A cache for the first fence of a finished block, if it is long enough to cut."""
        at = next((i for i, line in enumerate(lines) if line.lstrip().startswith(FENCE_MARKS)),
                  None)
        if at is None or len(lines) - at <= 2 * CHUNK_LINES:
            return None
        return cls.start(lines[:at + 1], render)

    def _code_end(self, lines: list[str]) -> int:
        for i in range(self.kept_upto, len(lines)):
            if lines[i].lstrip().startswith(FENCE_MARKS):
                return i
        return len(lines)

    def _cut(self, lines: list[str], end: int) -> int | None:
        """The first line index after `kept_upto` where a piece may end, among the next few
        candidates; None if none of them (each candidate is judged once, see `_next_cut`)."""
        start = self.kept_upto
        c = max(self._next_cut, start + CHUNK_LINES)
        limit = min(end, c + CHECK_LINES + 4)  # lexed: a few candidates and their windows
        if c + CHECK_LINES > limit:
            return None
        pending = lines[start:limit]
        if any("\r" in line for line in pending):  # the lexer rewrites \r: offsets would slip
            self._next_cut = end
            return None
        tab = getattr(self.lexer, "tabsize", 0) if self.lexer else 0
        if tab:
            pending = [line.expandtabs(tab) for line in pending]
        types = _char_types(self.lexer, "\n".join(pending) + "\n") if self.lexer else None
        offset = sum(len(line) + 1 for line in pending[:c - start])
        while c + CHECK_LINES <= limit:
            last, after = lines[c - 1], pending[c - start:c - start + CHECK_LINES]
            if last.strip() and last == last.rstrip() and "".join(after).strip():
                if types is None:
                    return c
                window = "\n".join(after) + "\n"
                if types[offset:offset + len(window)] == _char_types(self.lexer, window):
                    return c
            offset += len(pending[c - start]) + 1
            c += 1
            self._next_cut = c
        return None

    def settled(self, lines: list[str]) -> bool:
        """No complete piece is waiting to be judged or kept."""
        return self._settled(self._code_end(lines))

    def _settled(self, end: int) -> bool:
        return max(self._next_cut, self.kept_upto + CHUNK_LINES) + CHECK_LINES > end

    def advance(self, lines: list[str], deadline: float | None = None) -> bool:
        """Keep more pieces while a piece and the lines that judge its cut are complete.
        False: stopped at `deadline` with more to judge or keep (one round is always done)."""
        end, began = self._code_end(lines), time.perf_counter()
        while not self._settled(end):
            cut = self._cut(lines, end)
            if cut is not None:
                start = self.kept_upto
                body = "\n".join(lines[start:cut])
                if not self.kept:
                    head = "\n".join(lines[:start])
                    self.kept = self._render_md(f"{head}\n{body}\n{self.closer}")[:-1]
                else:
                    self.kept.extend(
                        self._render_md(f"{self.opener}\n{body}\n{self.closer}")[1:-1])
                self.kept_upto = self._next_cut = cut
            now = time.perf_counter()
            if deadline is not None and now + (now - began) > deadline:
                break  # another round like the last would overrun the deadline
            began = now
        return self._settled(end)

    def render(self, lines: list[str], partial: str) -> list[Line] | None:
        """The whole block's lines, rendering only what is not kept; None: render it whole."""
        if not self.kept or len(lines) < self.kept_upto:
            return None
        rest = lines[self.kept_upto:] + ([partial] if partial else [])
        code = []
        for line in rest:
            if line.lstrip().startswith(FENCE_MARKS):
                break
            code.append(line)
        if not "".join(code).strip():
            return None
        return self.kept + self._render_md("\n".join([self.opener, *rest]))[1:]
