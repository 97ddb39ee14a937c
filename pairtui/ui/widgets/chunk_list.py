"""The chunk list: one row per plan chunk with a status glyph, plus the current step and the
checkpoints taken, so the person always sees where the session is."""

from __future__ import annotations

import textwrap

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from pairtui.ui.chunk_row import ChunkRow

# status -> (glyph, theme variable). Statuses are ChunkStatus values (strings).
GLYPHS: dict[str, tuple[str, str]] = {
    "pending": ("○", "$text-muted"),
    "executing": ("◐", "$warning"),
    "executed": ("◑", "$warning"),
    "verifying": ("◔", "$warning"),
    "verified": ("◕", "$accent"),
    "failed": ("✗", "$error"),
    "reviewing": ("◆", "$accent"),
    "landed": ("✓", "$success"),
    "rolled-back": ("↺", "$text-muted"),
}

STATUS_WORDS: dict[str, str] = {
    "pending": "pending",
    "executing": "executing",
    "executed": "executed",
    "verifying": "verifying",
    "verified": "verified",
    "failed": "failed",
    "reviewing": "review",
    "landed": "landed",
    "rolled-back": "rolled back",
}


def row_content(row: ChunkRow, current: bool, width: int = 30) -> Content:
    """Two or more lines: glyph, number and the title wrapped under itself, then the status."""
    glyph, colour = GLYPHS.get(row.status, ("?", "$text-muted"))
    marker = "▶" if current else " "
    word = STATUS_WORDS.get(row.status, row.status)
    detail = f"{word} {row.commit[:7]}" if row.commit and row.status == "landed" else word
    indent = " " * (len(str(row.number)) + 3)
    title = "\n".join(textwrap.wrap(row.title, max(8, width - len(indent)),
                                    subsequent_indent=indent)) or " "
    return Content.from_markup(
        f"[$accent]{marker}[/][{colour}]{glyph}[/] [b]$num[/] $title\n    [{colour}]$detail[/]",
        num=str(row.number),
        title=title,
        detail=detail,
    )


class ChunkList(Vertical):
    """Chunks on top, the current step and recent checkpoints below."""

    class ChunkChosen(Message):
        """The person highlighted a chunk (keyboard or mouse): panes follow it."""

        def __init__(self, number: int) -> None:
            super().__init__()
            self.number = number

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Chunks"
        self._rows: tuple[ChunkRow, ...] = ()
        self._current: int | None = None
        self._checkpoints: list[str] = []

    def compose(self) -> ComposeResult:
        yield OptionList(id="chunk-options")
        yield Static("[dim]The plan's chunks appear here, each with its status.[/]",
                     id="chunks-empty")
        yield Static(Content.from_markup("[b]Now[/] opening the session…"), id="step-line")
        yield Static("", id="checkpoint-lines")

    @property
    def options(self) -> OptionList:
        return self.query_one("#chunk-options", OptionList)

    @property
    def selected(self) -> int | None:
        """Number of the highlighted chunk, or None when the list is empty."""
        index = self.options.highlighted
        if index is None or index >= len(self._rows):
            return None
        return self._rows[index].number

    def show(self, rows: tuple[ChunkRow, ...], current: int | None) -> None:
        """Replace the rows, keeping the highlight on the same chunk when it still exists."""
        if rows == self._rows and current == self._current:
            return
        self.query_one("#chunks-empty").display = not rows
        keep = self.selected
        changed_current = current != self._current
        self._rows, self._current = rows, current
        options = self.options
        options.clear_options()
        options.add_options(
            [Option(row_content(r, r.number == current, self._text_width()), id=f"chunk-{r.number}")
             for r in rows]
        )
        numbers = [r.number for r in rows]
        target = current if (changed_current or keep is None) else keep
        with options.prevent(OptionList.OptionHighlighted):  # only the person's picks count
            if target in numbers:
                options.highlighted = numbers.index(target)
            elif numbers:
                options.highlighted = 0

    def on_resize(self) -> None:
        """Re-wrap the titles for the new width."""
        rows, self._rows = self._rows, ()
        if rows:
            self.show(rows, self._current)

    def _text_width(self) -> int:
        """Columns for a row's text: the list's inner width (before layout, its CSS width)."""
        width = self.options.content_region.width or self.content_region.width
        if not width and self.styles.width is not None:
            width = int(self.styles.width.value) - 2
        return max(12, width - 1)

    def set_step(self, text: str) -> None:
        self.query_one("#step-line", Static).update(
            Content.from_markup("[b]Now[/] $t", t=text) if text else ""
        )

    def add_checkpoint(self, label: str) -> None:
        """Newest first; a few are enough to show that save points are being taken."""
        self.set_checkpoints([label, *self._checkpoints])

    def set_checkpoints(self, labels: list[str]) -> None:
        """Show these (newest first), replacing what was shown; the palette lists them all."""
        self._checkpoints = list(labels[:4])
        if not self._checkpoints:
            self.query_one("#checkpoint-lines", Static).update("")
            return
        lines = [Content.from_markup("[$success]⚑[/] $l", l=label) for label in self._checkpoints]
        hint = " [$text-muted]· ctrl+p: all[/]" if self._text_width() >= 26 else ""
        heading = Content.from_markup(f"[b]Checkpoints[/]{hint}")
        self.query_one("#checkpoint-lines", Static).update(Content("\n").join([heading, *lines]))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option_id and event.option_id.startswith("chunk-"):
            self.post_message(self.ChunkChosen(int(event.option_id.removeprefix("chunk-"))))
