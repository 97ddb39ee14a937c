"""`pairtui [REPO]` / `pairtui open [REPO] [--goal TEXT]`: the TUI on a repo, resuming its session."""

from __future__ import annotations

import argparse
from pathlib import Path


def run(args: argparse.Namespace) -> int:
    from pairtui.config import load_config
    from pairtui.git.repo import find_repo

    info = find_repo(Path(args.path or args.repo).resolve())
    flags = {name: value for name in ("planner", "executor")
             if (value := getattr(args, name, None))}
    config = load_config(info.root, flags)

    from pairtui.ui.app import run_tui

    return run_tui(info.root, config, goal=args.goal)
