"""A Textual app's end as a command's exit code."""

from __future__ import annotations

from textual.app import App


def exit_code(app: App, returned: object) -> int:
    """What `app.run()` ended with, as the command's exit code. Textual returns the app's return
    value even when it stopped on an error (the traceback shown, `return_code` 1): that must not
    become a silent 0."""
    if isinstance(returned, int) and returned:
        return returned
    return app.return_code or 0
