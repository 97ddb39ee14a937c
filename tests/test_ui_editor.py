"""How the person's editor is told the line to open at (`o` in review), and what cannot be
opened by hand."""

from __future__ import annotations

from pathlib import Path

from pairtui.diff.model import FileDiff, FileStatus
from pairtui.ui.editor import editor_argv, not_editable

FILE = Path("/repo/src/cart.py")


def test_each_family_of_editor_gets_the_line_its_own_way():
    assert editor_argv("vim", FILE, 12) == ["vim", "+12", str(FILE)]
    assert editor_argv("/usr/bin/nvim -u NONE", FILE, 3) == ["/usr/bin/nvim", "-u", "NONE", "+3", str(FILE)]
    assert editor_argv("emacsclient -t", FILE, 7) == ["emacsclient", "-t", "+7", str(FILE)]
    assert editor_argv("hx", FILE, 5) == ["hx", f"{FILE}:5"]
    assert editor_argv("code --wait", FILE, 9) == ["code", "--wait", "--goto", f"{FILE}:9"]
    assert editor_argv("code", FILE, 9) == ["code", "--wait", "--goto", f"{FILE}:9"], "waits"
    assert editor_argv("subl", FILE, 2) == ["subl", "-w", f"{FILE}:2"]
    assert editor_argv("my-editor", FILE, 9) == ["my-editor", str(FILE)], "unknown: the file alone"
    assert editor_argv("vim", FILE, None) == ["vim", str(FILE)]


def test_deleted_and_binary_files_are_not_opened():
    gone = FileDiff(old_path="a.py", new_path=None, status=FileStatus.DELETED)
    picture = FileDiff(old_path="p.png", new_path="p.png", status=FileStatus.MODIFIED, is_binary=True)
    text = FileDiff(old_path="a.py", new_path="a.py", status=FileStatus.MODIFIED)
    assert "deleted" in (not_editable(gone) or "")
    assert "binary" in (not_editable(picture) or "")
    assert not_editable(text) is None
    link = FileDiff(old_path="l", new_path="l", status=FileStatus.MODIFIED, new_mode="120000")
    assert "symbolic link" in (not_editable(link) or "")
