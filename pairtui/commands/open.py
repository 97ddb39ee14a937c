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
    problem = model_problem(config, info.git_dir, args.goal)

    from pairtui.ui.launch import run_tui

    return run_tui(info.root, config, goal=args.goal, model_problem=problem)


def model_problem(config, git_dir: Path, goal: str | None) -> str | None:
    """Why a model this session needs cannot be built (a missing key, say), found before the
    app asks anything, so the person learns it first; None when both can be built."""
    from pairtui.core.store import SessionStore
    from pairtui.errors import PairtuiError

    try:
        session = None if goal else SessionStore(git_dir).open_session()
    except PairtuiError:
        session = None  # reported when the app opens the session
    phase = str(session.phase) if session is not None else "planning"
    try:
        check_models(config, need_planner=phase == "planning", need_executor=phase != "done")
    except PairtuiError as err:
        return err.message
    return None


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


def check_models(config, need_planner: bool, need_executor: bool = True) -> None:
    """Build the models a run will use now (no network), so a missing key or transcript is
    one line before any checkpoint is taken or chunk started, not a chunk left half-begun.
    The planner is tried first (it is needed first) and the error names the role."""
    from pairtui.errors import PairtuiError
    from pairtui.models.registry import make_provider

    wanted = ([("planner", config.planner)] if need_planner else []) + (
        [("executor", config.executor)] if need_executor else [])
    for role, spec in wanted:
        try:
            make_provider(spec, config)
        except PairtuiError as err:
            err.message = f"{role} {err.message}"
            err.args = (err.message,)
            raise
