"""Edit the plan in-app (a markdown TextArea) or in $EDITOR; saved only when it parses.

The save callback is the app's: it hands the text to the engine and returns the parse error
to show inline (the editor stays open with the person's text), or None when it was kept.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual import work
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static, TextArea

from pairtui.ui.screens.confirm import ConfirmScreen

SavePlan = Callable[[str], Awaitable[str | None]]


def _markdown_language() -> str | None:
    """"markdown" when tree-sitter highlighting is installed, else plain text editing."""
    from textual._tree_sitter import TREE_SITTER

    return "markdown" if TREE_SITTER else None


def edit_in_external_editor(app: App, text: str) -> str | None:
    """Suspend the app, run $VISUAL/$EDITOR on a temp copy, return the new text (None: failed).

    When the saved file cannot be read back (not UTF-8, say), it is kept where it is and the
    notification says where, so the person's edits are never lost."""
    from pairtui.ui.editor import editor_command, run_editor

    editor = editor_command()
    tmp = Path(tempfile.mkdtemp(prefix="pairtui-plan-"))
    path = tmp / "plan.md"
    keep = False
    try:
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as err:
            app.notify(f"Could not make a copy for {editor!r}: {err.strerror}", severity="error")
            return None
        problem = run_editor(app, path)
        if problem:
            app.notify(problem, severity="error")
            return None
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            app.notify(f"{editor!r} left no plan file behind; the plan text is unchanged",
                       severity="error")
        except (OSError, UnicodeDecodeError) as err:
            keep = True
            reason = "it is not UTF-8" if isinstance(err, UnicodeDecodeError) else err.strerror
            app.notify(f"Could not read the edited plan ({reason}); your text is kept in {path}",
                       severity="error", timeout=30)
        return None
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)


class PlanEditorScreen(Screen[str | None]):
    """Dismisses with the saved text, or None when the person cancelled."""

    BINDINGS = [
        ("ctrl+s", "save", "Save plan"),
        ("ctrl+o", "external", "Open in $EDITOR"),
        ("escape", "cancel", "Cancel"),
    ]

    def __init__(self, text: str, save: SavePlan) -> None:
        super().__init__()
        self._original = text
        self._save = save

    def compose(self) -> ComposeResult:
        with Vertical(id="plan-editor"):
            yield Static(
                "Editing the plan · chunks are '## Chunk N: title' headings with optional "
                "'Files:' and 'Verify:' lines",
                id="plan-editor-title",
            )
            yield TextArea.code_editor(
                self._original, language=_markdown_language(), id="plan-text",
                soft_wrap=True, show_line_numbers=True,
            )
            yield Static("", id="plan-error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#plan-error", Static).display = False
        self.query_one("#plan-text", TextArea).focus()

    @property
    def text(self) -> str:
        return self.query_one("#plan-text", TextArea).text

    def show_error(self, message: str | None) -> None:
        error = self.query_one("#plan-error", Static)
        error.update(f"✗ The plan does not parse: {message}. Fix it and press ctrl+s again."
                     if message else "")
        error.display = bool(message)

    async def action_save(self) -> None:
        problem = await self._save(self.text)
        self.show_error(problem)
        if problem is None:
            self.dismiss(self.text)

    def action_external(self) -> None:
        new_text = edit_in_external_editor(self.app, self.text)
        if new_text is not None:
            self.query_one("#plan-text", TextArea).load_text(new_text)

    @work
    async def action_cancel(self) -> None:
        if self.text != self._original:
            discard = await self.app.push_screen_wait(
                ConfirmScreen("Discard your plan edits?", "The plan stays as it was.",
                              yes="Discard", no="Keep editing")
            )
            if not discard:
                return
        self.dismiss(None)
