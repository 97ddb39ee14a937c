"""Review state of a diff, as values: per-hunk decisions, an undo stack, line selections.

Pure (no Textual, no I/O), so the decisions a person makes in the DiffView can be tested and
replayed without a screen. A hunk is named by its ref (file index, hunk index) in the *current*
patch; splitting a hunk replaces it by its parts, shifting the refs of later hunks in that file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from pairtui.diff.model import FileDiff, Hunk, Patch
from pairtui.diff.select import reverse_patch, select_lines, with_hunks

Ref = tuple[int, int]


class HunkState(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    PARTIAL = "partial"  # some lines rejected (ReviewBook.rejected_lines), the rest accepted
    COMMENTED = "commented"


ActionKind = Literal["accept", "reject", "partial", "split", "comment", "accept_all"]


@dataclass(frozen=True)
class ReviewAction:
    """One undoable review step. `hunk` is what a host reverse-applied for a reject/partial
    (re-apply it forward to undo); `parts` are the hunks a split produced."""

    kind: ActionKind
    refs: tuple[Ref, ...]
    previous: tuple[HunkState, ...]
    hunk: Hunk | None = None
    lines: frozenset[int] | None = None
    text: str = ""
    parts: tuple[Hunk, ...] = ()
    original: Hunk | None = None


def rejecting_part(file: FileDiff, hunk: Hunk, lines: frozenset[int]) -> Hunk:
    """The hunk that, reverse-applied to the new side, drops only the changes at `lines`
    (indexes into hunk.lines) and keeps the hunk's other changes."""
    flipped = reverse_patch(Patch((file._replace(hunks=(hunk,), binary=None),))).files[0].hunks[0]
    chosen = select_lines(flipped, lines)
    return reverse_patch(Patch((file._replace(hunks=(chosen,), binary=None),))).files[0].hunks[0]


def changed_indexes(hunk: Hunk) -> list[int]:
    return [i for i, line in enumerate(hunk.lines) if line.kind != " "]


def new_side_line(hunk: Hunk | None, index: int | None = None) -> int:
    """The new file's line number at the hunk's line `index` (default: its first change), where
    an editor should open; a removed line maps to where it was."""
    if hunk is None:
        return 1
    if index is None:
        changed = changed_indexes(hunk)
        index = changed[0] if changed else 0
    return max(1, hunk.new_start + sum(1 for line in hunk.lines[:index] if line.kind != "-"))


@dataclass
class ReviewBook:
    """Mutable ledger of one review: the (possibly split) patch, states, undo stack."""

    patch: Patch
    states: dict[Ref, HunkState] = field(default_factory=dict)
    rejected_lines: dict[Ref, frozenset[int]] = field(default_factory=dict)
    comments: dict[Ref, str] = field(default_factory=dict)
    history: list[ReviewAction] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.refs = self.patch.hunk_refs()
        self.version = 0  # bumped by every change, so views can skip redrawing unchanged state

    def state(self, ref: Ref) -> HunkState:
        return self.states.get(ref, HunkState.PENDING)

    def hunk(self, ref: Ref) -> Hunk | None:
        hunks = self.patch.files[ref[0]].hunks
        return hunks[ref[1]] if ref[1] < len(hunks) else None

    def counts(self) -> dict[HunkState, int]:
        out = dict.fromkeys(HunkState, 0)
        for ref in self.refs:
            out[self.state(ref)] += 1
        return out

    def _record(self, action: ReviewAction, new: HunkState) -> ReviewAction:
        self.version += 1
        for ref in action.refs:
            self.states[ref] = new
        self.history.append(action)
        return action

    def restore(self, states: dict[Ref, HunkState]) -> None:
        """Put back marks saved by an earlier run (not undoable: they predate this review)."""
        for ref, state in states.items():
            if ref in self.refs:
                self.states[ref] = state
        self.version += 1

    def accept(self, ref: Ref) -> ReviewAction:
        return self._record(ReviewAction("accept", (ref,), (self.state(ref),)), HunkState.ACCEPTED)

    def reject(self, ref: Ref) -> ReviewAction:
        action = ReviewAction("reject", (ref,), (self.state(ref),), hunk=self.hunk(ref))
        return self._record(action, HunkState.REJECTED)

    def reject_lines(self, ref: Ref, lines: frozenset[int]) -> ReviewAction:
        """Reject only these changed lines of the hunk; its other changes count as accepted."""
        hunk = self.hunk(ref)
        assert hunk is not None
        part = rejecting_part(self.patch.files[ref[0]], hunk, lines)
        action = ReviewAction("partial", (ref,), (self.state(ref),), hunk=part, lines=lines)
        self.rejected_lines[ref] = lines
        return self._record(action, HunkState.PARTIAL)

    def comment(self, ref: Ref, text: str) -> ReviewAction:
        self.comments[ref] = text
        action = ReviewAction("comment", (ref,), (self.state(ref),), text=text)
        return self._record(action, HunkState.COMMENTED)

    def accept_all(self) -> ReviewAction:
        pending = tuple(r for r in self.refs if self.state(r) is HunkState.PENDING)
        action = ReviewAction("accept_all", pending, (HunkState.PENDING,) * len(pending))
        return self._record(action, HunkState.ACCEPTED)

    def split(self, ref: Ref, parts: tuple[Hunk, ...]) -> ReviewAction:
        """Replace a pending hunk by its parts (each pending); later refs in the file shift."""
        original = self.hunk(ref)
        assert original is not None
        self._replace_hunks(ref, 1, parts)
        action = ReviewAction("split", (ref,), (HunkState.PENDING,), parts=parts, original=original)
        self.history.append(action)
        self.version += 1
        return action

    def undo(self) -> ReviewAction | None:
        if not self.history:
            return None
        action = self.history.pop()
        self.version += 1
        if action.kind == "split":
            assert action.original is not None
            self._replace_hunks(action.refs[0], len(action.parts), (action.original,))
            return action
        for ref, previous in zip(action.refs, action.previous, strict=True):
            self.states[ref] = previous
        if action.kind == "partial":
            self.rejected_lines.pop(action.refs[0], None)
        if action.kind == "comment":
            self.comments.pop(action.refs[0], None)
        return action

    def forget(self, action: ReviewAction) -> bool:
        """Take back one step that could not be carried out (e.g. its reject did not apply):
        drop it from the history and restore the states it changed. False if it is gone."""
        if action not in self.history or action.kind == "split":
            return False
        self.history.remove(action)
        self.version += 1
        for ref, previous in zip(action.refs, action.previous, strict=True):
            self.states[ref] = previous
        if action.kind == "partial":
            self.rejected_lines.pop(action.refs[0], None)
        return True

    def _replace_hunks(self, ref: Ref, count: int, new: tuple[Hunk, ...]) -> None:
        fi, hi = ref
        f = self.patch.files[fi]
        hunks = f.hunks[:hi] + new + f.hunks[hi + count:]
        files = list(self.patch.files)
        files[fi] = f._replace(hunks=hunks)
        self.patch = self.patch._replace(files=tuple(files))
        shift = len(new) - count

        def moved(d: dict[Ref, object]) -> dict:
            out = {}
            for (f2, h2), value in d.items():
                if f2 == fi and hi <= h2 < hi + count:
                    continue
                out[(f2, h2 + shift if f2 == fi and h2 >= hi + count else h2)] = value
            return out

        self.states = moved(self.states)
        self.rejected_lines = moved(self.rejected_lines)
        self.comments = moved(self.comments)
        self.refs = self.patch.hunk_refs()

    def accepted_patch(self) -> Patch:
        """What applying the review to the old side means: accepted hunks whole, partial hunks
        without their rejected lines. Files with nothing accepted are left out."""
        files: list[FileDiff] = []
        for fi, f in enumerate(self.patch.files):
            if f.is_binary or not f.hunks:
                if self.state((fi, 0)) is HunkState.ACCEPTED:
                    files.append(f)
                continue
            kept: list[Hunk] = []
            for hi, hunk in enumerate(f.hunks):
                state = self.state((fi, hi))
                if state is HunkState.ACCEPTED:
                    kept.append(hunk)
                elif state is HunkState.PARTIAL:
                    rejected = self.rejected_lines.get((fi, hi), frozenset())
                    chosen = frozenset(changed_indexes(hunk)) - rejected
                    if chosen:
                        kept.append(select_lines(hunk, chosen))
            if kept:
                files.append(with_hunks(f, kept))
        return self.patch._replace(files=tuple(files))

