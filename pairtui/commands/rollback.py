"""`pairtui rollback [CHUNK]`: undo a chunk of the repo's latest session.

A chunk not yet landed goes back to its start checkpoint; a landed chunk is reverted by a new
commit (history is never rewritten). Either way the restore is itself undoable: see
`pairtui checkpoints` / `pairtui restore`. Default CHUNK: the chunk in flight, else the last
chunk that started.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pairtui.agent.flow import Pairing, session_store
from pairtui.agent.headless import HeadlessPrinter
from pairtui.agent.lazy_provider import LazyProvider
from pairtui.config import load_config
from pairtui.core.session import ChunkStatus, Session
from pairtui.errors import UsageError
from pairtui.git.repo import ensure_ready, find_repo


def default_chunk(session: Session) -> int:
    """The chunk in flight, else the last one that started and is not rolled back yet."""
    started = [s for s in session.chunks if s.status not in (ChunkStatus.PENDING, ChunkStatus.ROLLED_BACK)]
    in_flight = [s for s in started if s.in_flight]
    if in_flight:
        return in_flight[0].number
    if not started:
        raise UsageError("no chunk of this session has started: nothing to roll back")
    return started[-1].number


def run(args: argparse.Namespace) -> int:
    info = find_repo(Path(args.repo))
    ensure_ready(info)
    config = load_config(info.root, {})
    store = session_store(info.git_dir, config)
    session = store.open_session()
    if session is None:
        ids = store.list_sessions()
        if not ids:
            raise UsageError("no pairtui session in this repository: nothing to roll back")
        session = store.load(ids[0])
    chunk = args.chunk if args.chunk is not None else default_chunk(session)
    printer = HeadlessPrinter(secrets=config.secrets)
    offline = LazyProvider(config.executor, config)
    pairing = Pairing(info.root, config, session, offline, offline, printer)
    pairing.rollback(chunk)
    note = pairing.session.chunk_state(chunk).note
    printer.line(f"pairtui: chunk {chunk}: {note}")
    return 0
