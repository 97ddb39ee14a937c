"""The session's checkpoints (palette: Checkpoints): what each saved, and how to bring it back."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Protocol

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static


class Checkpoint(Protocol):
    """What this screen reads of a checkpoint (the engine's Checkpoint values have it)."""

    id: str
    step: str
    n: int
    chunk: int | None
    message: str
    time: float
    files_changed: int


def _cut(text: str, width: int = 36) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def checkpoint_rows(checkpoints: Sequence[Checkpoint]) -> Content:
    """One aligned line per checkpoint, newest first: id, step, chunk, time, files, message."""
    if not checkpoints:
        return Content("No checkpoints in this session yet.")
    rows = [("ID", "STEP", "CHUNK", "TIME", "FILES", "MESSAGE")]
    for cp in reversed(checkpoints):
        when = time.strftime("%H:%M:%S", time.localtime(cp.time)) if cp.time else "?"
        rows.append((cp.id, cp.step, "-" if cp.chunk is None else str(cp.chunk), when,
                     str(cp.files_changed), _cut(cp.message.splitlines()[0] if cp.message else "")))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r[:5], widths, strict=True)) + "  " + r[5]
             for r in rows]
    return Content.from_markup("[b]$h[/]", h=lines[0].rstrip()) + Content(
        "\n" + "\n".join(line.rstrip() for line in lines[1:]))


class CheckpointsScreen(ModalScreen[None]):
    BINDINGS = [("escape", "dismiss", "Close"), ("q", "dismiss", "Close")]

    def __init__(self, checkpoints: Sequence[Checkpoint]) -> None:
        super().__init__()
        self._checkpoints = checkpoints

    def compose(self) -> ComposeResult:
        with Vertical(id="checkpoints-box", classes="dialog"):
            yield Static(f"Checkpoints ({len(self._checkpoints)})", classes="dialog-title")
            with VerticalScroll(id="checkpoints-list"):
                yield Static(checkpoint_rows(self._checkpoints))
            yield Static(Content.from_markup(
                "[b]pairtui restore ID[/] brings one back (what is there then is saved first) · "
                "esc closes"), classes="dialog-keys")

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
