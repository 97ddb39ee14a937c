"""Rendered lines kept as tuples of strings and numbers, so a long answer costs the garbage
collector nothing.

A Strip is a list of Segments (tuples holding Style objects) plus its caches: the cyclic
collector tracks every one of them, and the ~8,000 lines of a 200 KB answer kept as Strips made
each full collection walk ~120,000 more objects (60-140 ms, the longest stalls while streaming).
A packed line is a tuple of (text, style number) pairs; tuples holding only strings and ints
are dropped from tracking by the collector the first time it sees them. A Strip is built again
only for a line being painted.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

Line = tuple[tuple[str, int], ...]


class LinePacker:
    """Packs rendered lines and builds Strips back. Style numbers are this packer's own, so a
    line is read back only through the packer that packed it."""

    def __init__(self) -> None:
        self._numbers: dict[tuple[Style | None, object], int] = {}
        self._styles: list[tuple[Style | None, object]] = []

    def _number(self, style: Style | None, control: object) -> int:
        key = (style, control)
        number = self._numbers.get(key)
        if number is None:
            number = self._numbers[key] = len(self._styles)
            self._styles.append(key)
        return number

    def pack(self, segments: Iterable[Segment]) -> Line:
        number = self._number
        return tuple((text, number(style, control)) for text, style, control in segments)

    def blank(self, width: int) -> Line:
        return ((" " * width, self._number(None, None)),)

    def strip(self, line: Line, width: int) -> Strip:
        """The Strip of a packed line that was packed `width` cells long."""
        styles = self._styles
        return Strip([Segment(text, *styles[number]) for text, number in line], width)
