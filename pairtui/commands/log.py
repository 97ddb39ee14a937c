"""`pairtui log [--json]`: sessions and worktree runs, newest first, with goal, chunks, commits,
checks and cost (agent/session_log.py, agent/runs/run_log.py). Sessions whose store was pruned
still show, from their commits; a run's session shows once, as its run."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from pairtui.git import blame as git_blame


def run(args: argparse.Namespace) -> int:
    from pairtui.agent.runs.run_log import read_runs
    from pairtui.agent.session_log import read_sessions

    cwd = Path(args.repo)
    repo = git_blame.read_repo(git_blame.start_repo(cwd), cwd)
    runs = read_runs(repo.git_dirs[-1])
    of_runs = {r.session for r in runs}
    sessions = [s for s in read_sessions(repo.git_dirs, cwd) if s.id not in of_runs]
    if args.json:
        sys.stdout.write(json.dumps({"sessions": [s.to_dict() for s in sessions],
                                     "runs": [r.to_dict() for r in runs]}) + "\n")
        return 0
    if not sessions and not runs:
        print("no pairtui sessions in this repository yet")
        return 0
    items = [(s.created, "session", s) for s in sessions] + [(r.created, "run", r) for r in runs]
    for _, kind, item in sorted(items, key=lambda i: i[0], reverse=True):
        _print_run(item) if kind == "run" else _print_session(item)
        print()
    return 0


def _when(created: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(created)) if created else ""


def _print_session(s) -> None:
    print(f"{s.id}  {s.phase}  {_when(s.created)}".rstrip())
    print(f"  goal    {s.goal or '(not stored: the session store was pruned)'}")
    _print_story(s)


def _print_run(r) -> None:
    print(f"run {r.id}  {r.state}  {_when(r.created)}  branch {r.branch}  "
          f"{r.chunks_landed}/{r.chunks_total} chunks landed")
    print(f"  goal    {r.goal}")
    for label, value in (("note", r.note), ("push", r.push), ("session", r.session)):
        if value:
            print(f"  {label:<7} {value}")
    _print_story(r)


def _print_story(s) -> None:
    """Models, usage and one line per chunk (status, commit, title, check)."""
    models = ", ".join(f"{k} {v}" for k, v in (("planner", s.planner), ("executor", s.executor)) if v)
    if models:
        print(f"  models  {models}")
    if s.cost_usd is not None:
        print(f"  usage   {s.tokens_in:,} tokens in, {s.tokens_out:,} out, ${s.cost_usd:.4f}")
    for c in s.chunks:
        commit = (c.commit or "")[:10] or "-"
        check = f"  check: {c.verify}" if c.verify else ""
        print(f"  {c.number:>3}. {c.status:<11} {commit:<10}  {c.title}{check}")
