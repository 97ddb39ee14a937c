"""Counted words for what the screen says ("1 file", "3 hunks"), never "1 files"."""

from __future__ import annotations


def count(n: int, word: str, many: str | None = None) -> str:
    """`n word` with the plural when n != 1 (`many`, else word + "s")."""
    return f"{n} {word if n == 1 else many or word + 's'}"
