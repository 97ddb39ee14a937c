"""Keep the app's older objects out of full garbage collections while model text streams.

A full collection walks every object the collector tracks: a running pairtui app has 40,000 to
60,000, so one takes 10-15 ms on a small machine (twice that on a busy one), and drawing a
stream allocates so much that a full collection comes every second or so. One landing in a
drawing step was the longest event-loop stall while streaming. While a stream runs, everything
that existed before it is frozen (gc.freeze): collections go on as usual over what the stream
makes, and the frozen objects go back to the collector once the stream is quiet. (Textual does
the like while scrolling, PAUSE_GC_ON_SCROLL, by turning the collector off.)
"""

from __future__ import annotations

import gc

_holders = 0
_froze = False


def hold() -> None:
    """A stream starts. A freeze someone else made is left alone (it is theirs to undo)."""
    global _holders, _froze
    if _holders == 0:
        _froze = gc.isenabled() and gc.get_freeze_count() == 0
        if _froze:
            gc.freeze()
    _holders += 1


def release() -> None:
    """A stream is quiet: once no stream holds, what was frozen is collected as usual again."""
    global _holders, _froze
    if _holders == 0:
        return
    _holders -= 1
    if _holders == 0 and _froze:
        _froze = False
        gc.unfreeze()
