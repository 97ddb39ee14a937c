"""ChunkRow: what one row of the chunk list shows, as a value.

Its own module because a dataclass costs most of a millisecond to build, and the rows are needed
only once a session is open, not for the app's first frame.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChunkRow:
    """What one row shows; built by the app from the plan and the session state."""

    number: int
    title: str
    status: str
    note: str = ""
    commit: str | None = None
