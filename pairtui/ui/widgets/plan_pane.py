"""The plan pane: the plan's own markdown, rendered, with the current chunk's heading marked.

The person's text is shown as written (the plan is theirs to read and edit); only the heading
of the chunk being worked on gets a highlight class, found through the blocks' source lines.
"""

from __future__ import annotations

import re

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

EMPTY_PLAN = """\
[b $accent]No plan yet[/]

Press [b]enter[/b] and the planner model writes one for your goal: a short list of small \
chunks, each with the files it touches and the command that checks it.

You can then read it here, edit it ([b]e[/b]), or ask for a revision ([b]r[/b]) before anything \
runs.

After you approve it, [b]enter[/b] takes each chunk through its steps: the executor model \
makes the change, the chunk's check runs, you review the diff hunk by hunk, and it lands as \
one commit. A checkpoint is taken between steps, so [b]u[/b] can roll any chunk back.

Press [b]?[/b] for every key.
"""


_FIELD = re.compile(r"^(Files|Verify|Check|Test):(.*)$", re.IGNORECASE)


def for_display(text: str) -> str:
    """Show `Files:` / `Verify:` lines as separate labelled lines (same line count, so block
    source lines still match the plan's own line numbers)."""
    out = []
    for line in text.splitlines():
        match = _FIELD.match(line)
        out.append(f"**{match.group(1)}:**{match.group(2)}  " if match else line)
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")


class PlanPane(VerticalScroll):
    """Rendered plan; `show(text, heading_lines, current)` is all the app calls."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text: str | None = None
        self._heading_lines: dict[int, int] = {}
        self._current: int | None = None
        self._follow: Widget | None = None  # the current chunk's heading, kept at the top

    def compose(self) -> ComposeResult:
        yield Static("", id="plan-banner")
        yield Static("", id="plan-checks", markup=False)
        yield Static(Content.from_markup(EMPTY_PLAN), id="plan-empty")

    async def show(
        self, text: str | None, heading_lines: dict[int, int], current: int | None
    ) -> None:
        """Render `text` (None: the empty-plan help) and mark chunk `current`.

        `heading_lines` maps chunk number -> 1-based line of its heading in `text`.
        """
        from textual.widgets import Markdown  # the first plan, not start-up, pays for it

        self._heading_lines = heading_lines
        self._current = current
        if text != self._text:
            self._text = text
            self.query_one("#plan-empty").display = text is None
            found = self.query("#plan-markdown")
            if text is None:
                await found.remove()
            elif found:
                await found.first(Markdown).update(for_display(text))
            else:
                await self.mount(Markdown(for_display(text), id="plan-markdown"))
        self._mark_current()

    def set_banner(self, text: str, done: bool = False) -> None:
        """A line above the plan, e.g. "Plan v2 · press enter to approve"."""
        banner = self.query_one("#plan-banner", Static)
        banner.update(text)
        banner.display = bool(text)
        banner.set_class(done, "-done")

    def set_checks(self, lines: list[str]) -> None:
        """Mark the checks imported from another tool's plan: each waits for the person to
        confirm or edit it before its chunk runs (flagged ones are never run)."""
        checks = self.query_one("#plan-checks", Static)
        heading = "Checks read from the plan (run only once confirmed):"
        checks.update("\n".join([heading, *(f"  ⚑ {line}" for line in lines)]) if lines else "")
        checks.display = bool(lines)

    def _mark_current(self) -> None:
        from textual.widgets._markdown import MarkdownBlock

        found = self.query("#plan-markdown")
        if not found:
            return
        markdown = found.first()
        target_line = self._heading_lines.get(self._current or -1)
        marked = None
        for block in markdown.query(MarkdownBlock):
            is_current = (
                target_line is not None
                and block.parent is markdown
                and block.source_range[0] == target_line - 1
            )
            block.set_class(is_current, "-current-chunk")
            if is_current:
                marked = block
        self._follow = marked
        if marked is not None:
            self.call_after_refresh(self._follow_current)

    def _follow_current(self) -> None:
        if self._follow is not None and self._follow.is_attached:
            self.scroll_to_widget(self._follow, top=True, animate=False, immediate=True)

    def watch_virtual_size(self) -> None:
        """The plan's layout changed (a Markdown update is laid out over several refreshes, the
        banner above it may appear): bring the current chunk back to the top, so where it
        shows does not depend on how fast the layout happened."""
        self._follow_current()

    def on_mount(self) -> None:
        self.set_banner("")
        self.set_checks([])

    def scroll_to_chunk(self, number: int) -> None:
        """Bring chunk `number`'s heading to the top (the person picked it in the chunk list)."""
        from textual.widgets._markdown import MarkdownBlock

        line = self._heading_lines.get(number)
        found = self.query("#plan-markdown")
        if line is None or not found:
            return
        markdown = found.first()
        for block in markdown.query(MarkdownBlock):
            if block.parent is markdown and block.source_range[0] == line - 1:
                self.scroll_to_widget(block, top=True, animate=False)
                return
