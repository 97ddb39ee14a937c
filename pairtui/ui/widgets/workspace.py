"""The body of the pairing screen: the chunk list beside the tabbed panes, and the footer.

Composed as one widget so the app can mount it just after its first frame (DeferredWorkspace):
the header appears at once and the heavier widgets, and their imports, follow a moment later.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Footer, TabbedContent, TabPane

from pairtui.ui.widgets.chunk_list import ChunkList
from pairtui.ui.widgets.model_pane import ModelPane
from pairtui.ui.widgets.plan_pane import PlanPane
from pairtui.ui.widgets.review_pane import ReviewPane
from pairtui.ui.widgets.verify_pane import VerifyPane


class Workspace(Horizontal):
    def compose(self) -> ComposeResult:
        yield ChunkList(id="chunk-list")
        with TabbedContent(initial="plan-tab", id="panes"):
            with TabPane("1 Plan", id="plan-tab"):
                yield PlanPane(id="plan-pane")
            with TabPane("2 Model", id="model-tab"):
                yield ModelPane(id="model-pane")
            with TabPane("3 Verify", id="verify-tab"):
                yield VerifyPane(id="verify-pane")
            with TabPane("4 Diff", id="diff-tab"):
                yield ReviewPane(id="review-pane")
        yield Footer(compact=True)

    class Ready(Message):
        """Every pane is mounted and laid out: the app may now fill them."""

    def on_mount(self) -> None:
        self.app.query("#splash").remove()
        self.call_after_refresh(self.post_message, self.Ready())
