"""The person's own editor ($VISUAL, else $EDITOR, else vi), run with the app suspended.

Review hosts use it to let the person fix a line by hand without leaving the review (`o`): the
editor opens the file at the line under the cursor. Editors are told the line the way each
expects it (`+N FILE` for the vi and emacs families, nano, micro...; `FILE:N` for helix;
`--goto FILE:N` for VS Code-like editors); an editor pairtui does not know gets the file alone.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

from textual.app import App

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pairtui.diff.model import FileDiff

PLUS_LINE = {"vi", "vim", "nvim", "gvim", "view", "nano", "pico", "emacs", "emacsclient", "micro",
             "kak", "joe", "jed", "mg", "ne", "ed", "mcedit", "vis"}
COLON_LINE = {"hx", "helix", "subl", "sublime_text", "zed"}
GOTO_LINE = {"code", "code-insiders", "codium", "cursor", "windsurf"}
# Window editors return at once unless told to wait, and the diff would be read again before
# the person has typed anything: their wait flag is added when $EDITOR does not have it.
WAIT_FLAG = {"subl": "-w", "sublime_text": "-w", "zed": "--wait", **dict.fromkeys(GOTO_LINE, "--wait")}


def editor_command() -> str:
    return os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"


def editor_argv(command: str, path: Path, line: int | None) -> list[str]:
    """The editor's argv opening `path` at `line` (1-based) where the editor says how."""
    argv = shlex.split(command)
    name = Path(argv[0]).name if argv else ""
    wait = WAIT_FLAG.get(name)
    if wait and wait not in argv and "--wait" not in argv and "-w" not in argv:
        argv.append(wait)
    if line is None or line < 1:
        return [*argv, str(path)]
    if name in PLUS_LINE:
        return [*argv, f"+{line}", str(path)]
    if name in COLON_LINE:
        return [*argv, f"{path}:{line}"]
    if name in GOTO_LINE:
        return [*argv, "--goto", f"{path}:{line}"]
    return [*argv, str(path)]


def run_editor(app: App, path: Path, line: int | None = None) -> str | None:
    """Suspend `app`, edit `path`, resume. None when the editor ran, else why it could not
    (one line for a notification): not suspendable here, editor missing."""
    command = editor_command()
    try:
        argv = editor_argv(command, path, line)
        with app.suspend():
            subprocess.run(argv, check=False)
    except Exception as err:  # SuspendNotSupported, editor missing, a bad $EDITOR ...
        return f"Could not run {command!r}: {err}"
    return None


def not_editable(file: FileDiff) -> str | None:
    """Why `file` cannot be opened to edit by hand (deleted, binary), else None."""
    if file.status == "deleted":
        return f"{file.path} is deleted by this change: nothing to open"
    if file.is_binary:
        return f"{file.path} is a binary file: open it with its own program"
    if file.new_mode in ("120000", "160000"):
        return f"{file.path} is a {'symbolic link' if file.new_mode == '120000' else 'submodule'}: nothing to open as text"
    return None
