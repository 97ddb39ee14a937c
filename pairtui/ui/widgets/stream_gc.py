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
_full_collections = 0


def hold() -> None:
    """A stream starts. A freeze someone else made is left alone (it is theirs to undo)."""
    global _holders, _froze, _full_collections
    if _holders == 0:
        _froze = gc.isenabled() and gc.get_freeze_count() == 0
        if _froze:
            gc.freeze()
            _full_collections = gc.get_stats()[2]["collections"]
    _holders += 1


def keep_survivors() -> None:
    """While a stream holds: after a full collection, freeze what survived it too, so the next
    one walks only what is newer (a long stream keeps making objects that live)."""
    global _full_collections
    if _froze:
        done = gc.get_stats()[2]["collections"]
        if done != _full_collections:
            _full_collections = done
            gc.freeze()


def release() -> None:
    """A stream is quiet: once no stream holds, what was frozen is collected as usual again."""
    global _holders, _froze
    if _holders == 0:
        return
    _holders -= 1
    if _holders == 0 and _froze:
        _froze = False
        gc.unfreeze()
