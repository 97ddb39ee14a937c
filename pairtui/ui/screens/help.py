"""The `?` screen: every key, grouped by where it applies, on one screen at 120x40.

Two columns side by side when there is room (session keys, diff keys), one under the other on
a narrow terminal (then the box scrolls). The tables are data, so a test can hold them against
the bindings: a key that exists is a key that is listed.
"""

from __future__ import annotations

import textwrap

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

INTRO = ("You and the model work through the plan one chunk at a time: plan → execute → verify "
         "→ review → land. A checkpoint is taken between steps, so any chunk can be rolled back "
         "and nothing you wrote is lost.")

SESSION_KEYS: tuple[tuple[str, str], ...] = (
    ("enter", "next step: make the plan, approve it, execute, verify, review, land"),
    ("e", "edit the plan here (ctrl+s saves, ctrl+o opens $EDITOR)"),
    ("E", "edit the plan in $EDITOR"),
    ("r", "ask the planner to revise the plan, with your comment"),
    ("v", "run the current chunk's check"),
    ("d", "show the highlighted chunk's diff"),
    ("u", "roll back the highlighted chunk (asks first, says what changes)"),
    ("C", "confirm the checks imported from another tool's plan"),
    ("i", "inbox: review finished runs, land their chunks"),
    ("esc", "cancel the running model call or check; what arrived is kept"),
    ("1 2 3 4", "plan / model / verify / diff pane"),
    ("tab", "move focus between the chunk list and the pane"),
    ("ctrl+p", "command palette: every action by name, and the checkpoints"),
    ("?", "this help"),
    ("q", "quit; the session stays on disk and `pairtui` resumes it"),
)

DIFF_KEYS: tuple[tuple[str, str], ...] = (
    ("a / x", "accept / reject the hunk (x undoes it in the tree at once)"),
    ("A", "accept all remaining hunks"),
    ("z", "undo the last review step"),
    ("c", "comment: send the hunk back to the model"),
    ("o", "fix it yourself: open the file at this line in $EDITOR"),
    ("S", "split the hunk at its unchanged lines"),
    ("l / space", "choose single lines: space marks, a keeps them, x rejects them, esc leaves"),
    ("n / p", "next / previous hunk"),
    ("] / [", "next / previous file"),
    ("j k ↑ ↓", "scroll (in line mode: move between lines)"),
    ("e", "expand the folded unchanged lines of the hunk"),
    ("s", "side by side / unified"),
    ("w", "wrap long lines"),
    ("f", "show / hide the file list"),
    ("t", "trace the hunk: tool call, round, check, comments"),
    ("enter", "land the chunk; after any change its check runs first"),
)


def key_table(title: str, rows: tuple[tuple[str, str], ...], width: int = 0) -> Content:
    """A heading and one `key  what it does` entry per row, keys in one aligned column and
    each description wrapped under itself (at `width` cells; 0: no wrapping)."""
    keys = max(len(key) for key, _ in rows) + 2
    room = max(width - keys, 16) if width else 0
    lines = [Content.styled(title, "bold $accent")]
    for key, does in rows:
        parts = textwrap.wrap(does, room) if room else [does]
        lines.append(Content.assemble((key.ljust(keys), "bold"), parts[0]))
        lines += [Content(" " * keys + part) for part in parts[1:]]
    return Content("\n").join(lines)


class KeyTable(Static):
    """One table of keys, re-wrapped to its own width."""

    def __init__(self, title: str, rows: tuple[tuple[str, str], ...]) -> None:
        super().__init__(key_table(title, rows), classes="help-keys")
        self._title, self._rows = title, rows

    def on_resize(self) -> None:
        self.update(key_table(self._title, self._rows, self.content_region.width))


class HelpScreen(ModalScreen[None]):
    BINDINGS = [("escape", "dismiss", "Close"), ("question_mark", "dismiss", "Close"),
                ("q", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(Content.styled("pairtui keys", "bold"), id="help-title")
            yield Static(INTRO, id="help-intro")
            with Horizontal(id="help-columns"):
                yield KeyTable("Session", SESSION_KEYS)
                yield KeyTable("In the diff", DIFF_KEYS)
            yield Static(Content.assemble("Press ", ("esc", "bold"), " or ", ("?", "bold"),
                                          " to close."), id="help-close")

    def on_mount(self) -> None:
        self.set_class(self.app.size.width < 110, "-narrow")

    def on_resize(self) -> None:
        self.set_class(self.app.size.width < 110, "-narrow")

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
