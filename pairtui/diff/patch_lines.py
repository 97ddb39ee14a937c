"""A parsed hunk's body as the patch holds it, for `Hunk`'s lines built on first use.

The parser checks every hunk's extent and line counts from the first bytes of the patch's lines
(at C speed) and keeps the body as a slice of those lines; DiffLine values are built only for
the hunks someone looks at, and apply takes the lines it needs at C speed (`images`).
"""

from __future__ import annotations

from collections import namedtuple
from itertools import compress
from operator import itemgetter

from pairtui.diff.model import DiffLine


class PatchLines(namedtuple("PatchLines", "lines kinds start end old_no new_no")):
    """A hunk's body as the patch holds it: `lines[start:end]` of the patch split at "\\n",
    `kinds[start:end]` their first bytes; `old_no`, `new_no` the header's start lines."""

    __slots__ = ()
    lines: list[bytes]
    kinds: bytes
    start: int
    end: int
    old_no: int
    new_no: int

    def count(self, kind: str) -> int:
        return self.kinds.count(kind.encode(), self.start, self.end)

    def diff_lines(self) -> tuple[DiffLine, ...]:
        make = tuple.__new__
        old_no, new_no = self.old_no, self.new_no
        body: list[DiffLine] = []
        append = body.append
        for c, line in zip(self.kinds[self.start:self.end], self.lines[self.start:self.end],
                           strict=True):
            if c == 32:  # " "
                append(make(DiffLine, (" ", line[1:], old_no, new_no, False)))
                old_no += 1
                new_no += 1
            elif c == 45:  # "-"
                append(make(DiffLine, ("-", line[1:], old_no, None, False)))
                old_no += 1
            else:
                append(make(DiffLine, ("+", line[1:], None, new_no, False)))
                new_no += 1
        return tuple(body)

    def images(self) -> tuple[str, list[bytes], list[bytes]]:
        """As Hunk.images, at C speed: no Python step per line."""
        kinds = self.kinds[self.start:self.end]
        lines = list(map(_AFTER_FIRST, self.lines[self.start:self.end]))
        pre = lines if 43 not in kinds else list(compress(lines, kinds.translate(_OLD_SIDE)))
        post = lines if 45 not in kinds else list(compress(lines, kinds.translate(_NEW_SIDE)))
        return kinds.decode(), pre, post


_AFTER_FIRST = itemgetter(slice(1, None))  # line[1:] for map(), at C speed
# kinds -> a mask for compress(): 0 for the lines of the other side ("+" or "-"), else 1
_OLD_SIDE = bytes(0 if b == 43 else 1 for b in range(256))
_NEW_SIDE = bytes(0 if b == 45 else 1 for b in range(256))
