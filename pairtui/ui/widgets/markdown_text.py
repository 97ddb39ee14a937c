"""MarkdownText: append-only markdown drawn through the Line API, for the model's streamed words.

Textual's Markdown widget makes a widget per block (a table makes one per cell), which is what
slows a long answer down: thousands of widgets to style and lay out. Here the text is cut into
blocks at blank lines outside code fences; each finished block is rendered once (Rich markdown)
into strips and kept, and only the block still growing is rendered again on an append. Cost
per append follows the open block, not the answer. Colours come from the app's theme.

A block stays open while a code fence is open, so a long fenced block is drawn in pieces: once
enough complete code lines pile up, a run of them is rendered as its own fence and its strips
kept (see `FenceCache`); only the code after the last kept run is rendered again. A run is cut
only where its own rendering and highlighting match rendering the whole block, so the screen
looks the same as one render of the whole block.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.markdown import Markdown as RichMarkdown
from rich.segment import Segment
from rich.syntax import Syntax
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

_FENCE_MARKS = ("```", "~~~")
CHUNK_LINES = 32  # complete code lines kept per piece of a long open fence


def _char_types(lexer, code: str) -> list:
    """The token type of every character of `code`, as Rich's Syntax would highlight it."""
    types: list = []
    for token_type, value in lexer.get_tokens(code):
        types.extend([token_type] * len(value))
    return types


class FenceCache:
    """Strips of the first complete lines of a long code fence in a block, kept in pieces.

    Guarantee: `kept` + the rendering of the rest (opener + remaining lines, top padding
    dropped) equals rendering the whole block, because a piece ends only on a non-blank line
    without trailing spaces (Rich strips those at a fence's end) where the lines after it get
    the same token types highlighted alone as after the piece (no string or comment left open).
    """

    def __init__(self, opener_at: int, closer: str, lang: str,
                 render: Callable[[str], list[Strip]]) -> None:
        self.opener_at = opener_at
        self.closer = closer
        self.opener = ""
        self.lexer = Syntax("", lang).lexer
        self._render_md = render
        self.kept: list[Strip] = []
        self.kept_upto = opener_at + 1  # block lines before this index are drawn in `kept`

    @classmethod
    def start(cls, lines: list[str], render: Callable[[str], list[Strip]]) -> FenceCache | None:
        """A cache for the open fence in `lines`, or None if it is not a plain top-level fence."""
        at = next((i for i in range(len(lines) - 1, -1, -1)
                   if lines[i].lstrip().startswith(_FENCE_MARKS)), None)
        if at is None or lines[at] != lines[at].lstrip():
            return None
        opener = lines[at]
        mark_len = len(opener) - len(opener.lstrip(opener[0]))
        lang = opener[mark_len:].strip().partition(" ")[0] or "text"
        cache = cls(at, opener[0] * mark_len, lang, render)
        cache.opener = opener
        return cache

    def _code_end(self, lines: list[str]) -> int:
        for i in range(self.opener_at + 1, len(lines)):
            if lines[i].lstrip().startswith(_FENCE_MARKS):
                return i
        return len(lines)

    def _splits_cleanly(self, piece: list[str], after: list[str]) -> bool:
        last = piece[-1]
        if not last.strip() or last != last.rstrip():
            return False
        if self.lexer is None:
            return True
        code, rest = "\n".join(piece) + "\n", "\n".join(after) + "\n"
        tab = getattr(self.lexer, "tabsize", 0)
        cut = len(code.expandtabs(tab)) if tab else len(code)  # the lexer expands tabs first
        return _char_types(self.lexer, code + rest)[cut:] == _char_types(self.lexer, rest)

    def advance(self, lines: list[str]) -> None:
        """Keep more pieces while at least two pieces' worth of complete code lines wait."""
        end = self._code_end(lines)
        while end - self.kept_upto >= 2 * CHUNK_LINES:
            start = self.kept_upto
            cut = next((c for c in range(start + CHUNK_LINES, start + 2 * CHUNK_LINES)
                        if self._splits_cleanly(lines[start:c], lines[c:c + CHUNK_LINES])), None)
            if cut is None:
                return
            body = "\n".join(lines[start:cut])
            if not self.kept:
                head = "\n".join(lines[:start])
                self.kept = self._render_md(f"{head}\n{body}\n{self.closer}")[:-1]
            else:
                self.kept.extend(self._render_md(f"{self.opener}\n{body}\n{self.closer}")[1:-1])
            self.kept_upto = cut

    def render(self, lines: list[str], partial: str) -> list[Strip] | None:
        """The whole block's strips, rendering only what is not kept; None: render it whole."""
        if not self.kept or len(lines) < self.kept_upto:
            return None
        rest = lines[self.kept_upto:] + ([partial] if partial else [])
        code = []
        for line in rest:
            if line.lstrip().startswith(_FENCE_MARKS):
                break
            code.append(line)
        if not "".join(code).strip():
            return None
        return self.kept + self._render_md("\n".join([self.opener, *rest]))[1:]


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
        self._fence: FenceCache | None = None  # kept pieces of the open block's long fence
        self._done_fences: dict[int, FenceCache] = {}  # finished block index -> its pieces
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
                if self._fence is not None and self._open:  # the open block just finished
                    self._done_fences[len(self._done)] = self._fence
                self._fence = None
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
            self._fence, self._done_fences = None, {}
            self._open_dirty = True
        blank = Strip.blank(width)
        while self._rendered_done < len(self._done):
            if self._done_lines:
                self._done_lines.append(blank)
            fence = self._done_fences.pop(self._rendered_done, None)
            text = self._done[self._rendered_done]
            lines = fence.render(text.split("\n"), "") if fence is not None else None
            self._done_lines.extend(lines or self._render_block(text, width))
            self._rendered_done += 1
        if self._open_dirty:
            lines = self._render_open(width)
            self._open_lines = ([blank] if lines and self._done_lines else []) + lines
            self._open_dirty = False

    def _render_open(self, width: int) -> list[Strip]:
        text = "\n".join([*self._open, self._partial]) if self._partial else "\n".join(self._open)
        if not text.strip():
            return []
        if self._fence is None and self._in_fence:
            self._fence = FenceCache.start(self._open, lambda md: self._render_block(md, width))
        if self._fence is not None:
            self._fence.advance(self._open)
            lines = self._fence.render(self._open, self._partial)
            if lines is not None:
                return lines
        return self._render_block(text, width)

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

