"""A stand-in that mounts the workspace just after the app's first frame.

Like textual's Lazy, but the workspace module (and the widgets it pulls in) is imported only
then too, so the first frame costs about what a hello-world app's does.
"""

from __future__ import annotations

from textual.widget import Widget


class DeferredWorkspace(Widget):
    DEFAULT_CSS = "DeferredWorkspace { display: none; }"

    def on_mount(self) -> None:
        self.call_after_refresh(self._swap)

    async def _swap(self) -> None:
        from pairtui.ui.widgets.workspace import Workspace

        parent = self.parent
        if parent is None or not self.is_attached:
            return
        load_styles = getattr(self.app, "load_styles", None)
        if load_styles is not None:
            load_styles()
        await parent.mount(Workspace(id="body"), after=self)
        await self.remove()
