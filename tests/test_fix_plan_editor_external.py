"""The external $EDITOR path of the plan editor: a save that cannot be read back is reported in
one line and the person's text is kept on disk, never a traceback or a lost edit."""

from __future__ import annotations

import contextlib
import stat
from pathlib import Path

from textual.app import App
from textual.widgets import TextArea

from pairtui.ui.screens.plan_editor import PlanEditorScreen

PLAN = "# Goal\n\n## Chunk 1: do it\n"


class Host(App):
    """Just the plan editor, with suspending (which a headless test cannot do) a no-op."""

    def on_mount(self) -> None:
        async def save(text: str) -> str | None:
            return None

        self.push_screen(PlanEditorScreen(PLAN, save))


def _editor(tmp_path: Path, body: str) -> str:
    script = tmp_path / "fake-editor"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


async def _run_external(monkeypatch, editor: str) -> tuple[Host, list[str], str]:
    monkeypatch.setenv("VISUAL", editor)
    app = Host()
    monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, PlanEditorScreen)
        text = app.screen.query_one("#plan-text", TextArea).text
        notes = [n.message for n in app._notifications]
    return app, notes, text


async def test_non_utf8_save_is_reported_and_kept_on_disk(tmp_path, monkeypatch):
    editor = _editor(tmp_path, "printf '## Chunk 1: caf\\351\\n' > \"$1\"")
    _, notes, text = await _run_external(monkeypatch, editor)
    assert text == PLAN  # the editor still shows the last good text
    assert len(notes) == 1 and "\n" not in notes[0]
    assert "not UTF-8" in notes[0] and "kept in " in notes[0]
    kept = Path(notes[0].split("kept in ", 1)[1])
    assert kept.read_bytes() == b"## Chunk 1: caf\xe9\n"  # the person's edit, byte for byte
    kept.unlink()
    kept.parent.rmdir()


async def test_editor_that_deletes_the_file_leaves_the_plan_unchanged(tmp_path, monkeypatch):
    editor = _editor(tmp_path, 'rm "$1"')
    _, notes, text = await _run_external(monkeypatch, editor)
    assert text == PLAN
    assert len(notes) == 1 and "left no plan file" in notes[0]


async def test_a_good_save_replaces_the_text(tmp_path, monkeypatch):
    editor = _editor(tmp_path, "printf '## Chunk 1: better\\n' > \"$1\"")
    _, notes, text = await _run_external(monkeypatch, editor)
    assert text == "## Chunk 1: better\n" and notes == []
