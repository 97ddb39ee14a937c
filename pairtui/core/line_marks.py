"""Short hashes of lines: how a hunk in review, or a blamed line in `pairtui why`, is matched to
the tool call that wrote it (agent/call_trace.py records them per call).

Hashes, not text, so session state stays small and holds no code. Kept apart from call_trace
so `pairtui why` can use it without importing dataclasses or the model layer.
"""

from __future__ import annotations

try:  # hashlib's blake2s itself; importing hashlib would load OpenSSL first (`why` starts fast)
    from _blake2 import blake2s
except ImportError:  # pragma: no cover - Pythons without the builtin module
    from hashlib import blake2s

MARKS_PER_CALL = 400


def line_marks(text: str) -> tuple[str, ...]:
    """Short hashes of the distinct non-blank lines of `text` (whitespace-trimmed), bounded."""
    seen: dict[str, None] = {}
    for line in text.splitlines():
        if line.strip():
            seen[blake2s(line.strip().encode(), digest_size=5).hexdigest()] = None
            if len(seen) >= MARKS_PER_CALL:
                break
    return tuple(seen)


def line_mark(line: str) -> str | None:
    """The mark of one line (as line_marks gives it), None for a blank line."""
    text = line.strip()
    return blake2s(text.encode(), digest_size=5).hexdigest() if text else None
