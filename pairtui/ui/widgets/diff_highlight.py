"""Syntax highlighting of hunks, lazily and off the UI thread.

Only hunks that reached the screen are lexed, each once (old side and new side separately so
tokens stay coherent across a hunk), in a thread; until a hunk is ready it is drawn without
syntax colours. Token colours come from Textual's HighlightTheme, resolved against the app's
theme variables, so they follow the theme like the rest of the view.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from rich.style import Style

from pairtui.diff.model import Hunk

if TYPE_CHECKING:
    from pygments.lexer import Lexer

TokenRun = tuple[int, int, Any]  # (start, end, pygments token type), line-local
LineTokens = tuple[TokenRun, ...]

# The theme's own "60%" comment colour needs a background to blend with; a muted text variable
# reads the same on every row background.
_OVERRIDES = {"Token.Comment": "$text-muted italic", "Token.Literal.String.Backtick": "$text-muted"}


@lru_cache(maxsize=256)
def _lexer_for(path: str) -> Lexer | None:
    from pygments.lexers import get_lexer_for_filename
    from pygments.util import ClassNotFound

    try:
        return get_lexer_for_filename(os.path.basename(path), stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


def lex_hunk(path: str, hunk: Hunk) -> tuple[LineTokens, ...] | None:
    """Tokens for each line of the hunk (context lines use the new side), or None when the
    file type has no lexer."""
    lexer = _lexer_for(path)
    if lexer is None:
        return None
    result: list[LineTokens] = [()] * len(hunk.lines)
    for side in ("-", "+"):
        indexes = [i for i, line in enumerate(hunk.lines) if line.kind in (" ", side)]
        if side == "-" and not any(hunk.lines[i].kind == "-" for i in indexes):
            continue
        texts = [hunk.lines[i].text for i in indexes]
        per_line: list[list[TokenRun]] = [[] for _ in indexes]
        row, col = 0, 0
        for token, value in lexer.get_tokens("\n".join(texts)):
            for k, part in enumerate(value.split("\n")):
                if k:
                    row, col = row + 1, 0
                if part and row < len(per_line):
                    per_line[row].append((col, col + len(part), token))
                    col += len(part)
        for i, runs in zip(indexes, per_line, strict=True):
            if side == "+" or hunk.lines[i].kind == "-":
                result[i] = tuple(runs)
    return tuple(result)


class SyntaxCache:
    """Per-hunk token cache with a work queue drained by a background thread."""

    def __init__(self) -> None:
        self._done: dict[int, tuple[Hunk, tuple[LineTokens, ...] | None]] = {}
        self._queue: deque[tuple[str, Hunk]] = deque()
        self._queued: set[int] = set()
        self._lock = threading.Lock()

    def tokens(self, path: str, hunk: Hunk) -> tuple[LineTokens, ...] | None:
        """Cached tokens, or None (and the hunk queued) when not lexed yet."""
        hit = self._done.get(id(hunk))
        if hit is not None and hit[0] is hunk:
            return hit[1]
        with self._lock:
            if id(hunk) not in self._queued:
                self._queued.add(id(hunk))
                self._queue.append((path, hunk))
        return None

    @property
    def has_results(self) -> bool:
        return bool(self._done)

    @property
    def pending(self) -> bool:
        return bool(self._queue)

    def drain(self) -> int:
        """Lex queued hunks (call from a worker thread); returns how many were done."""
        done = 0
        while True:
            with self._lock:
                if not self._queue:
                    return done
                path, hunk = self._queue.popleft()
            try:
                tokens = lex_hunk(path, hunk)
            except Exception:  # a lexer bug must not cost the diff its colours
                tokens = None
            self._done[id(hunk)] = (hunk, tokens)
            with self._lock:
                self._queued.discard(id(hunk))
            done += 1

    def clear(self) -> None:
        self._done.clear()


def token_styles(variables: dict[str, str]) -> dict[Any, Style]:
    """Rich styles for pygments token types, from the theme's variables."""
    from pygments.token import string_to_tokentype
    from textual.highlight import HighlightTheme
    from textual.style import Style as TextualStyle

    styles: dict[Any, Style] = {}
    for token, spec in HighlightTheme.STYLES.items():
        spec = _OVERRIDES.get(str(token), spec)
        if not spec:
            continue
        try:
            styles[string_to_tokentype(str(token))] = TextualStyle.parse(spec, variables).rich_style
        except Exception:
            continue
    return styles


def style_for(token: Any, styles: dict[Any, Style]) -> Style | None:
    while token is not None:
        style = styles.get(token)
        if style is not None:
            return style
        token = token.parent
    return None
