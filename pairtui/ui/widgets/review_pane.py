"""The review pane: hosts the diff viewer (DiffView) for one chunk's change.

The DiffView's own messages (hunk accepted/rejected/commented, all accepted) bubble up to the
app, which turns them into engine calls. This pane only owns what is shown around the viewer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

if TYPE_CHECKING:
    from pairtui.diff.model import Patch


def patch_summary(patch: Patch) -> str:
    """`3 files · +12 −4` for headers and confirmations."""
    added = sum(h.added for f in patch.files for h in f.hunks)
    removed = sum(h.removed for f in patch.files for h in f.hunks)
    files = len(patch.files)
    return f"{files} file{'s' if files != 1 else ''} · +{added} −{removed}"


class ReviewPane(Vertical):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.chunk: int | None = None
        self.patch: Patch | None = None

    def compose(self) -> ComposeResult:
        yield Static(
            Content.from_markup(
                "[$text-muted]The chunk's diff appears here when it is ready for review "
                "([b]d[/b] shows it any time).[/]"
            ),
            id="review-title",
        )

    async def show(self, chunk: int, title: str, patch: Patch,
                   origins: dict[str, str] | None = None) -> None:
        """Replace the viewer with a fresh one on `patch` (decisions start over)."""
        self.chunk, self.patch = chunk, patch
        await self.query("#diff-view, #diff-empty").remove()
        self.query_one("#review-title", Static).update(
            Content.from_markup(
                "[b]Chunk $n[/b] $title  [$text-muted]$summary · x rejects a hunk (at once) · "
                "c sends it back with a comment · [b]enter[/b] lands the rest[/]",
                n=str(chunk), title=title, summary=patch_summary(patch),
            )
        )
        if not patch.files:
            await self.mount(Static("This chunk changed no files: enter lands nothing and moves on.",
                                    id="diff-empty"))
            return
        from pairtui.ui.widgets.diff_view import DiffView  # loaded with the first review

        viewer = DiffView(patch, origin=origins or None, id="diff-view")
        await self.mount(viewer)
        viewer.focus()
