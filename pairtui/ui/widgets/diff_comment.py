"""The small prompt behind `c` in the DiffView: one line of text about one hunk."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class CommentPrompt(ModalScreen[str | None]):
    """Returns the comment, or None when dismissed with Esc."""

    DEFAULT_CSS = """
    CommentPrompt { align: center bottom; background: $background 40%; }
    CommentPrompt > Vertical {
        width: 90%; max-width: 110; height: auto; margin-bottom: 2;
        border: round $accent; background: $panel; padding: 0 1;
    }
    CommentPrompt Label { color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str) -> None:
        super().__init__()
        self._title = title

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._title)
            yield Input(placeholder="What should change in this hunk? (Enter sends, Esc cancels)")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
