"""The model asks to run something: once, always for this session, or not at all.

"Always" is the person's own choice, remembered by the app until it quits (for the same
command, or for an MCP tool whatever its arguments: PairApp.ask_permission); pairtui never picks
it on anyone's behalf, and any other request asks again.
"""

from __future__ import annotations

from typing import Literal

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

Answer = Literal["once", "always", "no"]


class PermissionScreen(ModalScreen[str]):
    """Dismisses with "once", "always" or "no"; only an explicit key or button allows."""

    BINDINGS = [("y", "answer('once')", "Once"), ("a", "answer('always')", "Always"),
                ("n", "answer('no')", "Refuse"), ("escape", "answer('no')", "Refuse")]

    def __init__(self, what: str) -> None:
        super().__init__()
        self._what = what

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="dialog"):
            yield Static("Allow this command?", classes="dialog-title", markup=False)
            yield Static(f"The model wants to run:\n\n  {self._what}\n", classes="dialog-body",
                         markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Run it once (y)", variant="warning", id="once")
                yield Button("Always, this session (a)", id="always")
                yield Button("Refuse (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(str(event.button.id))

    def action_answer(self, answer: str) -> None:
        self.dismiss(answer)
