"""The body of the pairing screen: the chunk list beside the tabbed panes, and the footer.

Composed as one widget so the app can mount it just after its first frame (PairApp.on_ready):
the header appears at once and the heavier widgets, and their imports, follow a moment later.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
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
        # Below 100 columns the footer's room goes to keys, not to the palette hint.
        yield Footer(compact=True, show_command_palette=self.app.size.width >= 100)

    class Ready(Message):
        """Every pane is mounted and laid out: the app may now fill them."""

    def on_mount(self) -> None:
        # The next layout refresh lays out (and paints) every pane mounted by now. Waiting
        # for a refresh with nothing left to do would wait for the footer's keys and the
        # tab underline too, a frame or two later.
        self.screen.screen_layout_refresh_signal.subscribe(self, self._laid_out, immediate=True)
        self.refresh(layout=True)  # one is due anyway; this one may not have happened yet

    def _laid_out(self, screen: Screen) -> None:
        """Straight to the app, the one listener: bubbling up would queue behind the events
        that the layout just sent to every widget."""
        screen.screen_layout_refresh_signal.unsubscribe(self)
        self.app.post_message(self.Ready())
