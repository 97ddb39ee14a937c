"""The keys of the DiffView: moving between hunks and files, line mode, review decisions.

A mixin of DiffView (kept apart so each module reads in one sitting). Every decision goes
through the ReviewBook and is announced with one of DiffView's nested messages; nothing here
touches a file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.events import Click

from pairtui.diff.model import FileDiff, Hunk
from pairtui.diff.select import split_hunk

from .diff_comment import CommentPrompt
from .diff_layout import Ref
from .diff_review import HunkState, changed_indexes, new_side_line
from .diff_rows import Cursor

if TYPE_CHECKING:
    from .diff_view import DiffView

    _Base = DiffView
else:
    _Base = object


class DiffViewActions(_Base):
    """Actions bound in DiffView.BINDINGS."""

    # -- navigation -----------------------------------------------------------------------
    def _step(self, delta: int, same_file: bool = False) -> None:
        refs = self.book.refs
        if not refs or self.cursor.ref is None:
            return
        i = refs.index(self.cursor.ref) if self.cursor.ref in refs else 0
        if same_file:
            files = sorted({r[0] for r in refs})
            fi = files.index(refs[i][0]) + delta
            if 0 <= fi < len(files):
                self.goto_file(files[fi])
            return
        if 0 <= i + delta < len(refs):
            self.goto_hunk(refs[i + delta])

    def action_next_hunk(self) -> None:
        self._step(1)

    def action_prev_hunk(self) -> None:
        self._step(-1)

    def action_next_file(self) -> None:
        self._step(1, same_file=True)

    def action_prev_file(self) -> None:
        self._step(-1, same_file=True)

    def action_toggle_split(self) -> None:
        self.split_mode = not self.is_split

    def action_toggle_wrap(self) -> None:
        self.wrap = not self.wrap

    def action_expand(self) -> None:
        """Open every fold of the current hunk."""
        ref = self.cursor.ref
        if ref is None:
            return
        keys = {self.layout.fold_at(b.start) for b in self.layout.blocks
                if (b.file, b.hunk) == ref}
        keys.discard(None)
        if keys:
            self._expanded = self._expanded | frozenset(keys)  # type: ignore[arg-type]
            self._relayout()

    def on_click(self, event: Click) -> None:
        row = int(self.scroll_offset.y) + event.y
        if 0 <= row < self.layout.height:
            key = self.layout.fold_at(row)
            if key is not None:
                self._expanded = self._expanded | {key}
                self._relayout()
                return
            ref = self.layout.ref_at(row)
            if ref is not None and ref != self.cursor.ref:
                self.cursor = Cursor(ref=ref)
                self._changed()

    def action_cursor_down(self) -> None:
        self._move_line(1) if self.line_mode else self.scroll_down(animate=False)

    def action_cursor_up(self) -> None:
        self._move_line(-1) if self.line_mode else self.scroll_up(animate=False)

    # -- line mode ------------------------------------------------------------------------
    def _current_hunk(self) -> Hunk | None:
        return self.book.hunk(self.cursor.ref) if self.cursor.ref is not None else None

    def action_line_mode(self) -> None:
        hunk = self._current_hunk()
        if self.line_mode or hunk is None:
            self.line_mode = False
            return
        if self.state_of(self.cursor.ref) not in (HunkState.PENDING, HunkState.COMMENTED):
            self.notify("Lines can be chosen only in a pending hunk (z undoes).", severity="warning")
            return
        self.line_mode = True
        self.cursor.line = changed_indexes(hunk)[0]
        self._show_line()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only what can be done now, so the footer shows exactly the keys that do something."""
        if action == "leave_line_mode":
            return self.line_mode  # otherwise Esc belongs to the host (e.g. quit)
        ref = self.cursor.ref
        state = self.state_of(ref) if ref is not None else None
        if action in ("accept", "reject"):
            return state in (HunkState.PENDING, HunkState.COMMENTED) or (
                action == "reject" and state is HunkState.ACCEPTED)
        if action in ("line_mode", "mark_line"):
            return self.line_mode or (self._current_hunk() is not None and state in (
                HunkState.PENDING, HunkState.COMMENTED))
        if action == "split_hunk":
            hunk = self._current_hunk()
            return (state is HunkState.PENDING and hunk is not None
                    and len(split_hunk(hunk)) > 1)
        if action == "comment":
            return ref is not None
        if action == "accept_all":
            return any(self.state_of(r) is HunkState.PENDING for r in self.book.refs)
        if action == "undo":
            return bool(self.book.history)
        if action in ("next_hunk", "prev_hunk", "next_file", "prev_file"):
            return self._has_step(1 if action.startswith("next") else -1, action.endswith("file"))
        return True

    def _has_step(self, delta: int, same_file: bool) -> bool:
        refs = self.book.refs
        if not refs or self.cursor.ref not in refs:
            return False
        i = refs.index(self.cursor.ref)
        if same_file:
            files = sorted({r[0] for r in refs})
            return 0 <= files.index(refs[i][0]) + delta < len(files)
        return 0 <= i + delta < len(refs)

    def action_leave_line_mode(self) -> None:
        self.line_mode = False

    def action_mark_line(self) -> None:
        if not self.line_mode:
            self.action_line_mode()
            if not self.line_mode:
                return
        line = self.cursor.line
        if line is not None:
            self.cursor.marks.symmetric_difference_update({line})
            self._move_line(1)
        self._changed()

    def _move_line(self, delta: int) -> None:
        hunk = self._current_hunk()
        if hunk is None or self.cursor.line is None:
            return
        changed = changed_indexes(hunk)
        i = changed.index(self.cursor.line) + delta
        if 0 <= i < len(changed):
            self.cursor.line = changed[i]
            self._show_line()
        self._changed()

    def _show_line(self) -> None:
        if self.cursor.ref is None or self.cursor.line is None:
            return
        hunk = self._current_hunk()
        assert hunk is not None
        target = hunk.lines[self.cursor.line]
        for i, item in enumerate(self.layout.items(self.cursor.ref)):
            if item is target or getattr(item, "old", None) is target or getattr(
                    item, "new", None) is target:
                row = self.layout.item_row(self.cursor.ref, i)
                if row is not None:
                    self.scroll_to_region_row(row)
                return

    def scroll_to_region_row(self, row: int) -> None:
        top, height = int(self.scroll_offset.y), self.scrollable_content_region.height
        if row < top or row >= top + height:
            self.scroll_to(y=max(row - height // 2, 0), animate=False, immediate=True)

    # -- review actions -------------------------------------------------------------------
    def _file(self, ref: Ref) -> FileDiff:
        return self.patch.files[ref[0]]

    def _decidable(self, ref: Ref | None, allowed: tuple[HunkState, ...]) -> bool:
        if ref is None:
            return False
        if self.state_of(ref) not in allowed:
            self.notify(f"This hunk is already {self.state_of(ref).value}; z undoes the last step.",
                        severity="warning")
            return False
        return True

    def action_accept(self) -> None:
        ref = self.cursor.ref
        if not self._decidable(ref, (HunkState.PENDING, HunkState.COMMENTED, HunkState.ACCEPTED)):
            return
        assert ref is not None
        hunk = self._current_hunk()
        if self.line_mode and self.cursor.marks and hunk is not None:
            unmarked = frozenset(changed_indexes(hunk)) - self.cursor.marks
            if unmarked:
                self._reject_lines(ref, unmarked)
                return
        self.book.accept(ref)
        self.post_message(self.HunkAccepted(self, ref, self._file(ref), hunk))
        self._advance()

    def action_reject(self) -> None:
        ref = self.cursor.ref
        if not self._decidable(ref, (HunkState.PENDING, HunkState.COMMENTED, HunkState.ACCEPTED)):
            return
        assert ref is not None
        hunk = self._current_hunk()
        if self.line_mode and self.cursor.marks and hunk is not None:
            if self.cursor.marks != set(changed_indexes(hunk)):
                self._reject_lines(ref, frozenset(self.cursor.marks))
                return
        action = self.book.reject(ref)
        self.post_message(self.HunkRejected(self, ref, self._file(ref), action.hunk, None, action))
        self._advance()

    def _reject_lines(self, ref: Ref, lines: frozenset[int]) -> None:
        action = self.book.reject_lines(ref, lines)
        self.post_message(self.HunkRejected(self, ref, self._file(ref), action.hunk, lines, action))
        self._advance()

    def _advance(self) -> None:
        """After a decision: leave line mode and move to the next pending hunk, if any."""
        self.line_mode = False
        refs = self.book.refs
        if self.cursor.ref in refs:
            i = refs.index(self.cursor.ref)
            for ref in refs[i + 1:] + refs[:i]:
                if self.state_of(ref) is HunkState.PENDING:
                    self.goto_hunk(ref)
                    return
        self._changed()

    def action_split_hunk(self) -> None:
        ref = self.cursor.ref
        hunk = self._current_hunk()
        if ref is None or hunk is None or not self._decidable(ref, (HunkState.PENDING,)):
            return
        parts = tuple(split_hunk(hunk))
        if len(parts) < 2:
            self.notify("This hunk has no unchanged line to split at.", severity="warning")
            return
        self.line_mode = False
        self.book.split(ref, parts)
        self._relayout()
        self.post_message(self.HunkSplit(self, ref, self._file(ref), parts))
        self.goto_hunk(ref)

    def action_comment(self) -> None:
        ref = self.cursor.ref
        if ref is None:
            return
        hunk = self._current_hunk()
        title = f"Comment on {self._file(ref).path} {hunk.header if hunk else ''}".strip()

        def done(text: str | None) -> None:
            if text and text.strip() and ref in self.book.refs:
                self.book.comment(ref, text.strip())
                self.post_message(self.CommentRequested(self, ref, self._file(ref), hunk,
                                                        text.strip()))
                self._advance()

        self.app.push_screen(CommentPrompt(title), done)

    def action_edit_file(self) -> None:
        ref = self.cursor.ref
        if ref is not None:
            line = new_side_line(self._current_hunk(), self.cursor.line if self.line_mode else None)
            self.post_message(self.EditRequested(self, ref, self._file(ref), line))

    def action_accept_all(self) -> None:
        action = self.book.accept_all()
        self.post_message(self.AllAccepted(self, action.refs))
        self.line_mode = False
        self._changed()

    def action_undo(self) -> None:
        action = self.book.undo()
        if action is None:
            self.notify("Nothing to undo.")
            return
        ref = action.refs[0] if action.refs else None
        file = self._file(ref) if ref is not None else None
        if action.kind == "split":
            self._relayout()
        self.post_message(self.Undone(self, action, file))
        self.line_mode = False
        if ref is not None:
            self.goto_hunk(ref)
        self._changed()
