"""Ask the person for one piece of text: the goal, or a comment for the planner."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class PromptScreen(ModalScreen[str | None]):
    """Enter submits non-blank text; esc gives None (nothing happens)."""

    BINDINGS = [("escape", "cancel", "Cancel")]

    def __init__(self, title: str, hint: str, placeholder: str = "", value: str = "") -> None:
        super().__init__()
        self._title, self._hint, self._placeholder, self._value = title, hint, placeholder, value

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-box", classes="dialog"):
            yield Static(self._title, classes="dialog-title", markup=False)
            yield Static(self._hint, classes="dialog-body", markup=False)
            yield Input(value=self._value, placeholder=self._placeholder, id="prompt-input")
            yield Static("enter: ok · esc: cancel", classes="dialog-keys")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if text:
            self.dismiss(text)
        else:
            self.notify("Type something first (or esc to cancel).", severity="warning")

    def action_cancel(self) -> None:
        self.dismiss(None)
