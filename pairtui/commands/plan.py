"""`pairtui plan --goal TEXT`: write the plan (the session's plan.md in the git dir), print its path.

The session stays in planning, so `pairtui` opens it for the person to read, edit and approve,
and `pairtui run --plan PATH` can execute it unattended.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from pairtui.agent.flow import Pairing
from pairtui.agent.headless import HeadlessPrinter
from pairtui.agent.mcp.servers import refuse_untrusted_servers
from pairtui.config import load_config
from pairtui.git.repo import ensure_ready, find_repo
from pairtui.models.registry import make_provider


def model_flags(args: argparse.Namespace) -> dict[str, str]:
    """--planner/--executor (they override every config file) and --trust-mcp, if given."""
    return {k: v for k in ("planner", "executor", "trust_mcp") if (v := getattr(args, k, None))}


def run(args: argparse.Namespace) -> int:
    info = find_repo(Path(args.repo))
    ensure_ready(info)
    config = load_config(info.root, model_flags(args))
    refuse_untrusted_servers(info.root, config)
    # Build the planner now (no network): a missing key or transcript is one line before any
    # session is started or planning coroutine created (it would be left never awaited).
    make_provider(config.planner, config)
    printer = HeadlessPrinter(secrets=config.secrets)
    pairing = Pairing.open(info.root, config, printer, goal=args.goal)
    try:
        plan = asyncio.run(_make_plan(pairing))
    finally:
        printer.close()
        if usage := printer.usage_line():
            printer.line(usage)
    chunks = f"{len(plan.chunks)} chunk{'s' if len(plan.chunks) != 1 else ''}"
    printer.line(f"pairtui: plan with {chunks} written; review it with `pairtui`, "
                 "or run it with `pairtui run --plan PATH`")
    sys.stdout.write(f"{pairing.plan_path()}\n")
    return 0


async def _make_plan(pairing: Pairing):
    try:
        return await pairing.make_plan()
    finally:
        await pairing.aclose()  # an ACP planner's process group goes with the command
