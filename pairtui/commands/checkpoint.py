"""`pairtui checkpoint [-m MSG]`: take a save point of the whole working tree now."""

from __future__ import annotations

import argparse
from pathlib import Path

from pairtui.errors import PairtuiError
from pairtui.git.repo import RepoInfo, find_repo

MANUAL_SESSION = "manual"


def session_for(repo: RepoInfo) -> str:
    """The open session's id, so manual save points sit with the session's own; else "manual".

    A damaged session store never blocks a save point: it falls back to "manual"."""
    if not any((repo.git_dir / "pairtui" / "sessions").glob("*/")):
        return MANUAL_SESSION  # no session was ever started here: skip loading the store
    try:
        from pairtui.core.store import SessionStore

        session = SessionStore(repo.git_dir).open_session()
    except (NotImplementedError, PairtuiError):
        session = None
    return session.id if session is not None else MANUAL_SESSION


def run(args: argparse.Namespace) -> int:
    from pairtui.git.checkpoints import Checkpoints

    repo = find_repo(Path(args.repo))
    checkpoints = Checkpoints(repo.root, session_for(repo))
    cp = checkpoints.snapshot("manual", message=args.message or "")
    files = f"{cp.files_changed} file{'s' if cp.files_changed != 1 else ''} changed since HEAD"
    print(f"saved checkpoint {cp.id} ({files}); 'pairtui restore {cp.id}' brings it back")
    return 0
