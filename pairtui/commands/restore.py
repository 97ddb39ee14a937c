"""`pairtui restore ID`: put the working tree back to a checkpoint (itself undoable)."""

from __future__ import annotations

import argparse
from pathlib import Path

from pairtui.commands.checkpoint import session_for
from pairtui.git.repo import ensure_ready, find_repo


def run(args: argparse.Namespace) -> int:
    from pairtui.git.checkpoints import Checkpoints

    repo = find_repo(Path(args.repo))
    ensure_ready(repo)
    checkpoints = Checkpoints(repo.root, session_for(repo))
    target = checkpoints.get(args.id)
    pre = checkpoints.restore(target)
    print(f"restored {target.id}; your files as they were are saved as {pre.id} "
          f"('pairtui restore {pre.id}' undoes this)")
    return 0
