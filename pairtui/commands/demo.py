"""`pairtui demo [--headless] [--dir DIR]`: the whole loop on a copy of the demo shop, with the
bundled replay transcripts as planner and executor (no API key, no network).

The demo repo is kept afterwards and its path printed, so the commits can be inspected. The
replay executor edits files through the real tools and the checks run the repo's real tests.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pairtui
from pairtui.agent.autorun import run_chunks
from pairtui.agent.flow import Pairing
from pairtui.agent.headless import HeadlessPrinter
from pairtui.config import Config, load_config
from pairtui.core.plan import parse_plan
from pairtui.errors import GitError, UsageError

ASSETS = Path(pairtui.__file__).resolve().parent / "assets"


def demo_config(repo: Path) -> Config:
    """The repo's config with the bundled replay transcripts as both models. The demo's checks
    run with pairtui's own interpreter (the one place that does): the demo shop needs nothing
    but the standard library, so it passes right after `pip install pairtui`."""
    return load_config(repo, {"planner": f"replay:{ASSETS / 'demo' / 'planner.jsonl'}",
                              "executor": f"replay:{ASSETS / 'demo' / 'executor.jsonl'}",
                              "verify_env": sys.prefix})


def demo_goal() -> str:
    return parse_plan((ASSETS / "demo" / "plan.md").read_text(encoding="utf-8")).goal


def prepare_demo_repo(where: str | None) -> Path:
    """Copy the demo shop to `where` (or a new temp dir), git init and commit it."""
    source = ASSETS / "demo-repo"
    if not source.is_dir():
        raise UsageError(f"the demo assets are missing ({source}); reinstall pairtui from source")
    if where:
        target = Path(where).expanduser().resolve()
        _check_demo_dir(target)
    else:
        target = Path(tempfile.mkdtemp(prefix="pairtui-demo-"))
    try:
        shutil.copytree(source, target, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    except OSError as err:  # a parent that is a file, no permission, disk full, ...
        why = err.strerror or "copy failed"
        raise UsageError(f"{target}: cannot put the demo there ({why}); pick a new directory") from err
    _git(target, "init", "-q", "-b", "main")
    if not _has_identity(target):
        _git(target, "config", "user.name", "pairtui demo")
        _git(target, "config", "user.email", "demo@pairtui.invalid")
    _git(target, "add", "-A")
    _git(target, "commit", "-q", "--no-verify", "-m", "The shop before the refactor")
    return target


def _check_demo_dir(target: Path) -> None:
    """--dir must be a new or empty directory: the demo never mixes with existing files."""
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} is a file, not a directory; pick a new directory for the demo")
    try:
        if target.exists() and any(target.iterdir()):
            raise UsageError(f"{target} is not empty; pick a new directory for the demo")
    except OSError as err:
        raise UsageError(f"{target}: cannot use it for the demo ({err.strerror})") from err


def _has_identity(repo: Path) -> bool:
    for env, key in (("GIT_AUTHOR_NAME", "user.name"), ("GIT_AUTHOR_EMAIL", "user.email")):
        if not os.environ.get(env) and not _git(repo, "config", key, check=False).strip():
            return False
    return True


def _git(repo: Path, *args: str, check: bool = True) -> str:
    out = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True)
    if check and out.returncode != 0:
        raise GitError(f"git {args[0]} failed in the demo repo: {out.stderr.strip().splitlines()[-1:]}")
    return out.stdout


def run(args: argparse.Namespace) -> int:
    repo = prepare_demo_repo(args.dir)
    config = demo_config(repo)
    if not args.headless:
        from pairtui.ui.launch import run_tui

        return run_tui(repo, config, goal=demo_goal())
    printer = HeadlessPrinter(secrets=config.secrets)
    printer.line(f"pairtui demo: a copy of the demo shop is in {repo} (kept afterwards)")
    try:
        code = asyncio.run(_story(repo, config, printer))
    finally:
        printer.close()
        if usage := printer.usage_line():
            printer.line(usage)
    printer.line(f"pairtui demo: see the commits with: git -C {repo} log --stat")
    return code


async def _story(repo: Path, config: Config, printer: HeadlessPrinter) -> int:
    pairing = Pairing.open(repo, config, printer, goal=demo_goal())
    plan = await pairing.make_plan()
    printer.line(f"pairtui demo: the plan has {len(plan.chunks)} chunks:")
    for chunk in plan.chunks:
        printer.line(f"  {chunk.number}. {chunk.title}  (verify: {chunk.verify or 'none'})")
    pairing.approve_plan()
    return await run_chunks(pairing, True, printer.line)
