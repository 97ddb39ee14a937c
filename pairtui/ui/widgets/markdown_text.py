"""MarkdownText: append-only markdown drawn through the Line API, for the model's streamed words.

Textual's Markdown widget makes a widget per block (a table makes one per cell), which is what
slows a long answer down: thousands of widgets to style and lay out. Here the text is cut into
blocks at blank lines outside code fences; each finished block is rendered once (Rich markdown)
into strips and kept, and only the block still growing is rendered again on an append. Cost
per append follows the open block, not the answer. Colours come from the app's theme.
"""

from __future__ import annotations

from rich.console import Console
from rich.markdown import Markdown as RichMarkdown
from rich.segment import Segment
from rich.theme import Theme
from textual.color import Color
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

# markdown style name -> (theme variable, extra style)
_STYLE_VARS = {
    "markdown.h1": ("accent", "bold"),
    "markdown.h2": ("accent", "bold"),
    "markdown.h3": ("primary", "bold"),
    "markdown.h4": ("primary", "bold"),
    "markdown.h5": ("primary", "italic"),
    "markdown.h6": ("text-muted", "italic"),
    "markdown.code": ("warning", "bold"),
    "markdown.link": ("accent", "underline"),
    "markdown.link_url": ("text-muted", "underline"),
    "markdown.block_quote": ("text-muted", "italic"),
    "markdown.item.bullet": ("accent", "bold"),
    "markdown.item.number": ("accent", "bold"),
    "markdown.hr": ("text-muted", ""),
    "markdown.table.border": ("text-muted", ""),
    "markdown.table.header": ("accent", "bold"),
}


def rich_theme(variables: dict[str, str]) -> Theme:
    """Rich markdown styles built from the Textual theme's variables."""
    styles = {}
    for name, (var, extra) in _STYLE_VARS.items():
        value = variables.get(var)
        try:
            colour = Color.parse(value).hex if value else ""
        except Exception:  # an unparseable variable keeps Rich's default for that style
            continue
        styles[name] = f"{extra} {colour}".strip()
    styles["markdown.h1.border"] = styles.get("markdown.h1", "")
    return Theme(styles, inherit=True)


def split_blocks(
    open_lines: list[str], lines: list[str], in_fence: bool
) -> tuple[list[list[str]], list[str], bool]:
    """Add complete `lines` to the open block, cutting finished blocks at blank lines outside
    a fence. Returns (finished blocks, lines of the block still open, fence state after)."""
    finished: list[list[str]] = []
    current = list(open_lines)
    for line in lines:
        if not in_fence and not line.strip():
            if current:
                finished.append(current)
                current = []
            continue
        current.append(line)
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
    return finished, current, in_fence


class MarkdownText(Widget):
    """Markdown that only grows. `append()` is cheap; painting reads cached strips."""

    DEFAULT_CSS = "MarkdownText { height: auto; }"

    def __init__(self, text: str = "", *, classes: str | None = None) -> None:
        super().__init__(classes=classes)
        self._parts: list[str] = []
        self._done: list[str] = []        # finished blocks' text
        self._open: list[str] = []        # complete lines of the block still growing
        self._partial = ""                # text after the last newline
        self._in_fence = False
        self._width = 0
        self._done_lines: list[Strip] = []
        self._rendered_done = 0           # how many finished blocks are in _done_lines
        self._open_lines: list[Strip] = []
        self._open_dirty = True
        self._md_console: Console | None = None
        self._theme_name = ""
        if text:
            self.append(text)

    @property
    def source(self) -> str:
        return "".join(self._parts)

    def append(self, text: str) -> None:
        if not text:
            return
        self._parts.append(text)
        pieces = (self._partial + text).split("\n")
        self._partial = pieces.pop()
        if pieces:
            finished, still_open, self._in_fence = split_blocks(
                self._open, pieces, self._in_fence
            )
            if finished:
                self._done.extend("\n".join(block) for block in finished)
            self._open = still_open
        self._open_dirty = True
        self.refresh(layout=True)

    # -- rendering --------------------------------------------------------------------------

    def _render_block(self, text: str, width: int) -> list[Strip]:
        console = self._md_console
        if console is None or self._theme_name != self.app.theme:
            self._theme_name = self.app.theme
            console = self._md_console = Console(
                width=width, color_system="truecolor", force_terminal=True,
                theme=rich_theme(self.app.theme_variables), legacy_windows=False,
            )
        options = console.options.update(width=width, height=None)
        lines = console.render_lines(RichMarkdown(text, code_theme="ansi_dark"), options)
        return [Strip(Segment.adjust_line_length(line, width)) for line in lines]

    def _ensure(self, width: int) -> None:
        width = max(width, 1)
        if width != self._width:
            self._width, self._done_lines, self._rendered_done = width, [], 0
            self._open_dirty = True
        blank = Strip.blank(width)
        while self._rendered_done < len(self._done):
            if self._done_lines:
                self._done_lines.append(blank)
            self._done_lines.extend(self._render_block(self._done[self._rendered_done], width))
            self._rendered_done += 1
        if self._open_dirty:
            text = "\n".join([*self._open, self._partial]) if self._partial else "\n".join(self._open)
            lines = self._render_block(text, width) if text.strip() else []
            self._open_lines = ([blank] if lines and self._done_lines else []) + lines
            self._open_dirty = False

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        self._ensure(width)
        return len(self._done_lines) + len(self._open_lines)

    def render_line(self, y: int) -> Strip:
        width = self.content_region.width or self.size.width
        self._ensure(width)
        done = self._done_lines
        if y < len(done):
            strip = done[y]
        elif y - len(done) < len(self._open_lines):
            strip = self._open_lines[y - len(done)]
        else:
            return Strip.blank(width, self.rich_style)
        return strip.apply_style(self.rich_style)

    def notify_style_update(self) -> None:
        """A theme change: render again with the new colours (other style updates are free)."""
        super().notify_style_update()
        if self._md_console is not None and self._theme_name != self.app.theme:
            self._md_console = None
            self._width = 0
            self.refresh(layout=True)

