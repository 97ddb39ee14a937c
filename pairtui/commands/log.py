"""`pairtui log [--json]`: sessions, newest first, with goal, chunks, commits, checks and cost
(agent/session_log.py). Sessions whose store was pruned still show, from their commits."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from pairtui.git import blame as git_blame


def run(args: argparse.Namespace) -> int:
    from pairtui.agent.session_log import read_sessions

    cwd = Path(args.repo)
    repo = git_blame.read_repo(git_blame.start_repo(cwd), cwd)
    sessions = read_sessions(repo.git_dirs, cwd)
    if args.json:
        sys.stdout.write(json.dumps({"sessions": [s.to_dict() for s in sessions]}) + "\n")
        return 0
    if not sessions:
        print("no pairtui sessions in this repository yet")
        return 0
    for s in sessions:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(s.created)) if s.created else ""
        print(f"{s.id}  {s.phase}  {when}".rstrip())
        print(f"  goal    {s.goal or '(not stored: the session store was pruned)'}")
        models = ", ".join(f"{k} {v}" for k, v in (("planner", s.planner), ("executor", s.executor)) if v)
        if models:
            print(f"  models  {models}")
        if s.cost_usd is not None:
            print(f"  usage   {s.tokens_in:,} tokens in, {s.tokens_out:,} out, ${s.cost_usd:.4f}")
        for c in s.chunks:
            commit = (c.commit or "")[:10] or "-"
            check = f"  check: {c.verify}" if c.verify else ""
            print(f"  {c.number:>3}. {c.status:<11} {commit:<10}  {c.title}{check}")
        print()
    return 0
