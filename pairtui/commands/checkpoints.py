"""`pairtui checkpoints [--prune --keep N]`: list every checkpoint, or prune old sessions'.

Pruning a session deletes its checkpoint refs and its stored state and transcript; what it
landed keeps its story in the commits' trailers (`pairtui why` says what is gone)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from pairtui.commands.checkpoint import session_for
from pairtui.core.store import SessionStore
from pairtui.errors import UsageError
from pairtui.git.repo import find_repo

_COLUMNS = ("ID", "STEP", "CHUNK", "TIME", "FILES", "MESSAGE")
DEFAULT_KEEP = 5


def _keep(args: argparse.Namespace) -> int:
    """Sessions to keep when pruning. --keep without --prune is refused rather than ignored."""
    if not args.prune and args.keep is not None:
        raise UsageError("--keep goes with --prune: 'pairtui checkpoints --prune --keep N'")
    return DEFAULT_KEEP if args.keep is None else args.keep


def run(args: argparse.Namespace) -> int:
    from pairtui.git.checkpoints import Checkpoints

    keep = _keep(args)
    repo = find_repo(Path(args.repo))
    session = session_for(repo)
    checkpoints = Checkpoints(repo.root, session)
    if args.prune:
        open_session = None if session == "manual" else session
        pruned = checkpoints.prune(keep, open_session)
        store = SessionStore(repo.git_dir)
        stored = [s for s in pruned if s != open_session and store.remove(s)]
        print(f"pruned {len(pruned)} session{'s' if len(pruned) != 1 else ''}"
              + (f": {', '.join(pruned)}" if pruned else "")
              + (f" (with {len(stored)} stored transcript{'s' if len(stored) != 1 else ''}; their "
                 "commits keep their trailers)" if stored else ""))
    rows = [
        (
            cp.id,
            cp.step,
            "-" if cp.chunk is None else str(cp.chunk),
            time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(cp.time)) if cp.time else "?",
            str(cp.files_changed),
            cp.message.splitlines()[0] if cp.message else "",
        )
        for cp in checkpoints.list(all_sessions=True)
    ]
    pending = checkpoints.pending_restore()
    if pending is not None:
        print(f"warning: restoring {pending.target} was interrupted; 'pairtui restore "
              f"{pending.target}' finishes it, 'pairtui restore {pending.pre_restore}' undoes it")
    if not rows:
        print("no checkpoints yet; 'pairtui checkpoint' takes one")
        return 0
    widths = [max(len(r[i]) for r in [_COLUMNS, *rows]) for i in range(len(_COLUMNS))]
    for row in [_COLUMNS, *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    return 0
