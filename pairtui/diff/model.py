"""Diffs as values: FileDiff / Hunk / DiffLine, side-by-side alignment, intraline spans.

(Interface fixed; owned by the diff-engine work. Fields may be added, not renamed.)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal


class FileStatus(StrEnum):
    ADDED = "added"
    DELETED = "deleted"
    MODIFIED = "modified"
    RENAMED = "renamed"
    COPIED = "copied"
    MODE_CHANGED = "mode-changed"
    BINARY = "binary"


@dataclass(frozen=True)
class DiffLine:
    kind: Literal[" ", "-", "+"]
    raw: bytes  # the line's bytes without the trailing "\n" (a "\r" from CRLF is kept)
    old_no: int | None = None
    new_no: int | None = None
    no_newline: bool = False  # followed by "\ No newline at end of file"

    @property
    def text(self) -> str:
        """For display: decoded UTF-8; undecodable bytes shown with a visible marker."""
        raise NotImplementedError


@dataclass(frozen=True)
class Hunk:
    old_start: int
    old_len: int
    new_start: int
    new_len: int
    section: str = ""  # function context after the @@ header
    lines: tuple[DiffLine, ...] = ()

    @property
    def added(self) -> int:
        return sum(1 for line in self.lines if line.kind == "+")

    @property
    def removed(self) -> int:
        return sum(1 for line in self.lines if line.kind == "-")


@dataclass(frozen=True)
class FileDiff:
    old_path: str | None  # None for an added file
    new_path: str | None  # None for a deleted file
    status: FileStatus
    hunks: tuple[Hunk, ...] = ()
    old_mode: str | None = None
    new_mode: str | None = None
    is_binary: bool = False

    @property
    def path(self) -> str:
        return self.new_path or self.old_path or ""


@dataclass(frozen=True)
class Patch:
    files: tuple[FileDiff, ...] = ()

    def hunk_refs(self) -> list[tuple[int, int]]:
        """(file index, hunk index) in patch order; hunk number N (1-based) is refs[N-1].
        A binary or mode-only file with no hunks counts as one hunk (hunk index 0)."""
        raise NotImplementedError


@dataclass(frozen=True)
class Row:
    """One side-by-side row: left (old) and/or right (new); None is a blank filler."""

    old: DiffLine | None
    new: DiffLine | None


def align_rows(hunk: Hunk) -> list[Row]:
    """Pair each run of removed lines with the following run of added lines."""
    raise NotImplementedError


def intraline_spans(old: str, new: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Changed (start, end) character spans in old and new, word-level."""
    raise NotImplementedError
