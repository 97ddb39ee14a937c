"""Where every row of a diff goes on screen: the virtual layout behind DiffView.

The layout is a short list of blocks (file header, hunk header, a run of body rows, a fold),
each with its first screen row, so `locate(y)` is a bisect and "next hunk" is a dict lookup:
cost follows the number of blocks, never the number of lines drawn. Pure; no Textual.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from itertools import accumulate

from pairtui.diff.model import DiffLine, FileDiff, FileStatus, Hunk, Patch, Row, align_rows

Ref = tuple[int, int]
FOLD_MIN = 12  # context runs longer than this are folded ...
FOLD_KEEP = 3  # ... keeping this many lines on each side


class Kind(IntEnum):
    FILE = 0
    HUNK = 1
    BODY = 2
    GAP = 3  # unchanged lines between hunks (not in the patch, so not expandable)
    FOLD = 4  # unchanged lines inside a hunk, folded; expandable
    NOTE = 5  # binary / mode-only / pure rename: the file's one pseudo-hunk


@dataclass(frozen=True, slots=True)
class Block:
    kind: Kind
    file: int
    hunk: int  # -1 for a file header
    first: int  # BODY/FOLD: first item index in the hunk; GAP: count of unchanged lines
    count: int  # BODY/FOLD: number of items
    start: int  # first screen row
    height: int
    offsets: tuple[int, ...] | None = None  # wrap mode: row offset of each item in the block


Item = Row | DiffLine
Measure = Callable[[Item], int]  # rows an item needs when wrapped


def hunk_items(hunk: Hunk, split: bool) -> Sequence[Item]:
    """Display items of a hunk: aligned rows (side by side) or its lines (unified)."""
    return align_rows(hunk) if split else hunk.lines


def one_sided(file: FileDiff) -> bool:
    """An added or deleted file has one side only: it is shown full width even side by side,
    rather than beside an empty half."""
    return file.status in (FileStatus.ADDED, FileStatus.DELETED)


def _is_context(item: Item) -> bool:
    if isinstance(item, DiffLine):
        return item.kind == " "
    return item.old is not None and item.old.kind == " "


def _gap_before(file: FileDiff, hi: int) -> int:
    hunk = file.hunks[hi]
    if hi == 0:
        start = hunk.old_start if hunk.old_len else hunk.old_start + 1
        return max(start - 1, 0)
    prev = file.hunks[hi - 1]
    prev_end = prev.old_start + prev.old_len if prev.old_len else prev.old_start + 1
    start = hunk.old_start if hunk.old_len else hunk.old_start + 1
    return max(start - prev_end, 0)


class Layout:
    """Blocks of a patch for one mode/width; `expanded` holds (file, hunk, item) folds opened."""

    def __init__(
        self,
        patch: Patch,
        *,
        split: bool,
        expanded: frozenset[tuple[int, int, int]] = frozenset(),
        measure: Measure | None = None,
    ) -> None:
        self.patch = patch
        self.split = split
        self.blocks: list[Block] = []
        self.hunk_rows: dict[Ref, int] = {}
        self.file_rows: list[int] = []
        self._items: dict[Ref, Sequence[Item]] = {}
        y = 0
        for fi, file in enumerate(patch.files):
            self.file_rows.append(y)
            y = self._add(Kind.FILE, fi, -1, 0, 0, y, 1)
            if file.is_binary or not file.hunks:
                self.hunk_rows[(fi, 0)] = y
                y = self._add(Kind.NOTE, fi, 0, 0, 0, y, 1)
                continue
            for hi, hunk in enumerate(file.hunks):
                gap = _gap_before(file, hi)
                if gap:
                    y = self._add(Kind.GAP, fi, hi, gap, 0, y, 1)
                self.hunk_rows[(fi, hi)] = y
                y = self._add(Kind.HUNK, fi, hi, 0, 0, y, 1)
                items = hunk_items(hunk, split and not one_sided(file))
                self._items[(fi, hi)] = items
                y = self._add_body(fi, hi, items, expanded, measure, y)
        self.height = y
        self._starts = [b.start for b in self.blocks]
        self.refs = list(self.hunk_rows)
        self._ref_index = {ref: i for i, ref in enumerate(self.refs)}

    def _add(self, kind: Kind, fi: int, hi: int, first: int, count: int, y: int, height: int,
             offsets: tuple[int, ...] | None = None) -> int:
        self.blocks.append(Block(kind, fi, hi, first, count, y, height, offsets))
        return y + height

    def _add_body(self, fi: int, hi: int, items: Sequence[Item],
                  expanded: frozenset[tuple[int, int, int]], measure: Measure | None,
                  y: int) -> int:
        def body(first: int, end: int, y: int) -> int:
            if end <= first:
                return y
            if measure is None:
                return self._add(Kind.BODY, fi, hi, first, end - first, y, end - first)
            heights = [measure(items[i]) for i in range(first, end)]
            offsets = (0, *accumulate(heights))
            return self._add(Kind.BODY, fi, hi, first, end - first, y, offsets[-1], offsets)

        first = 0
        run_start = -1
        n = len(items)
        for i in range(n + 1):
            ctx = i < n and _is_context(items[i])
            if ctx and run_start < 0:
                run_start = i
            elif not ctx and run_start >= 0:
                if i - run_start > FOLD_MIN and (fi, hi, run_start) not in expanded:
                    fold_at = run_start + FOLD_KEEP if run_start else run_start
                    fold_end = i - FOLD_KEEP if i < n else i
                    y = body(first, fold_at, y)
                    y = self._add(Kind.FOLD, fi, hi, fold_at, fold_end - fold_at, y, 1)
                    first = fold_end
                run_start = -1
        return body(first, n, y)

    def items(self, ref: Ref) -> Sequence[Item]:
        return self._items.get(ref, ())

    def locate(self, y: int) -> tuple[Block, int]:
        """The block holding screen row y and the row's offset inside it."""
        block = self.blocks[bisect_right(self._starts, y) - 1]
        return block, y - block.start

    def item_at(self, block: Block, offset: int) -> tuple[int, int]:
        """(item index in hunk, wrapped line index of that item) for a BODY row."""
        if block.offsets is None:
            return block.first + offset, 0
        k = bisect_right(block.offsets, offset) - 1
        return block.first + k, offset - block.offsets[k]

    def item_row(self, ref: Ref, item: int) -> int | None:
        """Screen row of an item of a hunk (None when folded away)."""
        i = bisect_right(self._starts, self.hunk_rows[ref])
        while i < len(self.blocks):
            b = self.blocks[i]
            if (b.file, b.hunk) != ref or b.kind in (Kind.FILE, Kind.GAP):
                break
            if b.kind is Kind.BODY and b.first <= item < b.first + b.count:
                k = item - b.first
                return b.start + (b.offsets[k] if b.offsets else k)
            i += 1
        return None

    def hunk_end(self, ref: Ref) -> int:
        """One past the last screen row of a hunk."""
        i = self._ref_index[ref]
        if i + 1 < len(self.refs):
            nxt = self.refs[i + 1]
            end = self.file_rows[nxt[0]] if nxt[0] != ref[0] else self.hunk_rows[nxt]
            block, _ = self.locate(end - 1)
            return block.start if block.kind is Kind.GAP else end
        return self.height

    def ref_at(self, y: int) -> Ref | None:
        """The hunk a screen row belongs to (a file header belongs to the file's first hunk)."""
        if not self.blocks:
            return None
        block, _ = self.locate(max(0, min(y, self.height - 1)))
        if block.kind is Kind.FILE:
            return (block.file, 0)
        return (block.file, block.hunk)

    def fold_at(self, y: int) -> tuple[int, int, int] | None:
        """The expand key of the fold at row y, if there is one."""
        block, _ = self.locate(y)
        if block.kind is not Kind.FOLD:
            return None
        return (block.file, block.hunk, block.first - (FOLD_KEEP if block.first else 0))
