"""Tracing a chunk's hunks back to the tool calls that made them.

Each call of a chunk is recorded with its number (across the chunk's rounds), the paths it
changed and short hashes of the lines it wrote and removed; a hunk is traced to the calls whose
lines it contains. Hashes, not text, so the session state stays small and holds no code.
"""

from __future__ import annotations

from dataclasses import dataclass

from pairtui.core.line_marks import MARKS_PER_CALL, line_marks
from pairtui.diff.model import Hunk
from pairtui.models.base import ToolCall

__all__ = ["MARKS_PER_CALL", "CallRecord", "calls_behind", "line_marks", "marks_of"]


@dataclass(frozen=True)
class CallRecord:
    """One tool call of a chunk, numbered across the chunk's rounds, with the paths it changed
    and short marks of the lines it wrote and removed (to tell which call made a hunk)."""

    number: int
    tool: str
    paths: tuple[str, ...]
    is_error: bool = False
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


def calls_behind(hunk: Hunk, calls: list[CallRecord]) -> list[CallRecord]:
    """The calls whose written lines (or, for a pure deletion, removed lines) are in `hunk`."""
    added = set(line_marks("\n".join(line.text for line in hunk.lines if line.kind == "+")))
    removed = set(line_marks("\n".join(line.text for line in hunk.lines if line.kind == "-")))
    if added:
        return [c for c in calls if added & set(c.added)]
    return [c for c in calls if removed & set(c.removed)] if removed else []


def marks_of(call: ToolCall) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(lines written, lines removed) marks of a successful editing call."""
    args = call.arguments if isinstance(call.arguments, dict) else {}
    if call.name == "edit_file":
        new = line_marks(str(args.get("new_string", "")))
        return new, tuple(m for m in line_marks(str(args.get("old_string", ""))) if m not in set(new))
    if call.name == "write_file":
        return line_marks(str(args.get("content", ""))), ()
    return (), ()
