"""`pairtui [REPO]` / `pairtui open [REPO] [--goal TEXT]`: the TUI on a repo, resuming its session.

A resumed session keeps the models it was started with (so `pairtui` in a demo repo goes on
with the replay model); `--planner` / `--executor` override them.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def run(args: argparse.Namespace) -> int:
    from pairtui.config import load_config
    from pairtui.git.repo import find_repo

    info = find_repo(Path(args.path or args.repo).resolve())
    from pairtui.commands.run import plan_out_flag

    config = load_config(info.root, {**model_flags(args, info.git_dir), **plan_out_flag(args, info.root)})

    from pairtui.ui.app import run_tui

    return run_tui(info.root, config, goal=args.goal)


def model_flags(args: argparse.Namespace, git_dir: Path) -> dict[str, str]:
    """--planner/--executor, falling back to the resumed session's own models."""
    flags = {name: value for name in ("planner", "executor")
             if (value := getattr(args, name, None))}
    return flags if args.goal else {**_session_models(git_dir), **flags}


def _session_models(git_dir: Path) -> dict[str, str]:
    """The open session's planner/executor specs, or nothing without one. A damaged state file
    is set aside and reported (StateError) before the app takes the screen."""
    from pairtui.core.store import SessionStore

    session = SessionStore(git_dir).open_session()
    if session is None:
        return {}
    return {name: spec for name, spec in (("planner", session.planner),
                                          ("executor", session.executor)) if spec}
