"""The `?` screen: every key, grouped by where it applies."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

HELP_TEXT = """\
# pairtui keys

You and the model work through the plan **one chunk at a time**:
plan → execute → verify → review → land. A checkpoint is taken between steps, so any chunk
can be rolled back and nothing you wrote is lost.

| Key | What it does |
|-----|--------------|
| **enter** | next step: make the plan, approve it, execute, verify, review, land |
| **e** | edit the plan here (ctrl+s saves, ctrl+o opens it in $EDITOR) |
| **E** | edit the plan in $EDITOR |
| **r** | ask the planner to revise the plan, with your comment |
| **v** | run the current chunk's check again |
| **d** | show the current chunk's diff |
| **u** | roll back the highlighted chunk (asks first, says what changes) |
| **esc** | cancel the running model call or check; what arrived is kept |
| **1 2 3 4** | plan / model / verify / diff pane (or click the tabs) |
| **tab** | move focus between the chunk list and the pane |
| **ctrl+p** | command palette: every action by name |
| **?** | this help |
| **q** | quit; the session stays on disk and `pairtui` resumes it |

## In the diff

| Key | What it does |
|-----|--------------|
| **a** / **x** | accept / reject the hunk under the cursor |
| **c** | comment on the hunk and send it back to the model |
| **n** / **p** | next / previous hunk |
| **]** / **[** | next / previous file |
| **A** | accept all remaining hunks |

Press **esc** or **?** to close.
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [("escape", "dismiss", "Close"), ("question_mark", "dismiss", "Close"),
                ("q", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Markdown(HELP_TEXT)

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
