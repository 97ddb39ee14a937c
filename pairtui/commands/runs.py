"""`pairtui runs [--follow ID | --cancel ID | --clean [--yes]] [--json]`: the worktree runs.

Lists every run (id, state, chunks landed/total, cost, age, branch, goal); a run whose process
died while it said running shows as interrupted, and a --push run says what became of the
push. --follow prints a run's log as it grows until the run ends (exit: the run's own code, 1 if
it was interrupted; a done run whose push failed: 4); --cancel stops it (SIGTERM to
its process group; its worktree is kept); --clean removes finished runs' worktrees, branches
and checkpoint refs, but only those whose branch has landed in HEAD (or whose every chunk
was landed or rejected in the TUI inbox) unless --yes.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

from pairtui.agent.runs.queue import cancel
from pairtui.agent.runs.records import LIVE, RunRecord, RunStore, age, now, progress, push_line
from pairtui.agent.runs.worktrees import branch_landed, common_dir, remove_worktree
from pairtui.core.store import SessionStore
from pairtui.core.words import count
from pairtui.errors import UsageError
from pairtui.git.repo import find_repo


def run(args: argparse.Namespace) -> int:
    info = find_repo(Path(args.repo))
    store = RunStore(common_dir(info.root))
    if args.yes and not args.clean:
        raise UsageError("--yes goes with --clean")
    if args.follow:
        return follow(store, _known(store, args.follow))
    if args.cancel:
        return _cancel(store, _known(store, args.cancel))
    if args.clean:
        return clean(store, info.root, args.yes)
    return listing(store, args.json)


def _known(store: RunStore, run_id: str) -> RunRecord:
    record = store.load(run_id)
    if record is None:
        raise UsageError(f"no run {run_id!r}; `pairtui runs` lists them")
    return record


def row(record: RunRecord) -> dict:
    """What `runs --json` says of one run (the record, its effective state and progress)."""
    done = progress(record, SessionStore)
    return {**asdict(record), "state": record.effective_state, "chunks_landed": done.landed,
            "chunks_total": done.total, "cost_usd": round(done.cost_usd, 6),
            "session": done.session}


def listing(store: RunStore, as_json: bool) -> int:
    rows = [row(r) for r in store.all()]
    if as_json:
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return 0
    if not rows:
        sys.stdout.write("no runs; start one with `pairtui run --goal TEXT --worktree "
                         "--background`\n")
        return 0
    wide = max(len("BRANCH"), *(len(r["branch"]) for r in rows)) + 2
    sys.stdout.write(f"{'ID':<8}{'STATE':<13}{'CHUNKS':<8}{'COST':<9}{'AGE':<6}"
                     f"{'BRANCH':<{wide}}GOAL\n")
    for r in rows:
        chunks = f"{r['chunks_landed']}/{r['chunks_total']}"
        sys.stdout.write(f"{r['id']:<8}{r['state']:<13}{chunks:<8}${r['cost_usd']:<8.2f}"
                         f"{age(now() - r['created']):<6}{r['branch']:<{wide}}{r['goal']}\n")
        if r["note"] and r["state"] not in LIVE:
            sys.stdout.write(f"{'':<8}{r['note']}\n")
        if pushed := push_line(r["push"]):
            sys.stdout.write(f"{'':<8}{pushed}\n")
    return 0


def follow(store: RunStore, record: RunRecord, poll: float = 0.2) -> int:
    """Print the run's log from the start, then as it grows, until the run is over."""
    log = Path(record.log)
    offset = 0
    while True:
        current = store.load(record.id) or record
        over = current.effective_state not in LIVE
        offset = _copy_from(log, offset)
        if over:
            _copy_from(log, offset)
            sys.stdout.write(f"pairtui: run {record.id} {current.effective_state}"
                             f"{f': {current.note}' if current.note else ''}\n")
            if pushed := push_line(current.push):
                sys.stdout.write(f"pairtui: {pushed}\n")
            if current.effective_state == "done":  # 0, or the failed push's code
                return current.exit_code or 0
            return current.exit_code if current.exit_code not in (None, 0) else 1
        time.sleep(poll)


def _copy_from(log: Path, offset: int) -> int:
    try:
        with open(log, "rb") as handle:
            handle.seek(offset)
            data = handle.read()
    except FileNotFoundError:
        return offset
    if data:
        sys.stdout.write(data.decode("utf-8", "replace"))
        sys.stdout.flush()
    return offset + len(data)


def _cancel(store: RunStore, record: RunRecord) -> int:
    state = record.effective_state
    if state not in LIVE:
        raise UsageError(f"run {record.id} is {state}, not running or queued")
    done = cancel(store, record)
    sys.stdout.write(f"pairtui: run {record.id} {done.state}; its worktree is kept at "
                     f"{record.worktree} (`pairtui run --resume {record.id}` carries it on)\n")
    return 0


def clean(store: RunStore, root: Path, yes: bool) -> int:
    """Remove finished runs whose branch has landed in HEAD, or whose every chunk was landed or
    rejected in the inbox (all finished ones with --yes)."""
    from pairtui.agent.runs.inbox import Inbox

    inbox = Inbox(root)
    kept: list[str] = []
    failed = False
    for record in store.all():
        state = record.effective_state
        if state in LIVE:
            continue
        if not yes and not (branch_landed(root, record.branch) or inbox.settled(record.id)):
            kept.append(record.id)
            continue
        problems = remove_worktree(root, Path(record.worktree), Path(record.git_dir),
                                   record.branch)
        if problems:
            failed = True
            sys.stderr.write(f"pairtui: run {record.id}: could not remove "
                             f"{'; '.join(problems)}\n")
            continue
        store.remove(record.id)
        sys.stdout.write(f"removed run {record.id} ({state}): worktree and branch "
                         f"{record.branch}\n")
    if kept:
        sys.stdout.write(f"kept {count(len(kept), 'run')} not landed in HEAD yet: "
                         f"{', '.join(kept)} (review them, or `pairtui runs --clean --yes`)\n")
    return 1 if failed else 0
