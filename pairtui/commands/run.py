"""`pairtui run (--goal TEXT | --plan FILE) [--yes] [--json]`: the unattended mode.

Plans if needed, then executes and verifies every chunk in order with checkpoints between steps;
with --yes each verified chunk lands as a commit, without it the run stops after the first chunk
for review. Given a session's own plan.md (`pairtui plan` prints its path), it carries on with
that session: planning -> approve and run; already running -> resume where it stopped.
Checks found in another tool's plan are proposals: they run only with --trust-plan-checks (else
exit 2 naming them), and flagged ones (servers, watchers, REPLs) never run: exit 2 until the plan
gives those chunks their own `Verify:` line. Exit codes as DESIGN.md says (see agent/autorun.py).
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from pairtui.agent import imported_checks
from pairtui.agent.autorun import run_chunks
from pairtui.agent.flow import Pairing, session_store
from pairtui.agent.headless import HeadlessPrinter
from pairtui.agent.mcp.servers import refuse_untrusted_servers
from pairtui.commands.open import check_models
from pairtui.commands.plan import model_flags
from pairtui.config import load_config, untrusted_notice
from pairtui.core.plan import parse_plan
from pairtui.core.session import ChunkStatus, Phase
from pairtui.errors import PairtuiError, UsageError
from pairtui.git.repo import RepoInfo, ensure_ready, find_repo

_WORKTREE_FLAGS = ("worktree", "resume", "run_id", "background", "branch", "push")


def read_plan_file(path: Path) -> str:
    """The text of a plan file, or a one-line UsageError."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"plan file not found: {path}") from None
    except UnicodeDecodeError:
        raise UsageError(f"plan file is not UTF-8 text: {path}") from None
    except OSError as err:
        raise UsageError(f"cannot read plan file {path}: {err.strerror or err}") from None


def run(args: argparse.Namespace) -> int:
    if any(getattr(args, flag, None) for flag in _WORKTREE_FLAGS):
        return _worktree_run(args)
    info = find_repo(Path(args.repo))
    ensure_ready(info)
    plan_text = read_plan_file(Path(args.plan)) if args.plan else None
    trust = bool(getattr(args, "trust_plan_checks", False))
    if plan_text is not None and session_of_plan_file(Path(args.plan), info.git_dir) is None:
        refuse_unconfirmed_checks(imported_checks.unconfirmed(parse_plan(plan_text)), trust)
    goal = args.goal or parse_plan(plan_text or "").goal or Path(args.plan).stem
    config = load_config(info.root, {**model_flags(args), **plan_out_flag(args, info.root)})
    refuse_untrusted_servers(info.root, config)
    printer = HeadlessPrinter(json_events=args.json, secrets=config.secrets)
    if notice := untrusted_notice(config):
        printer.line(notice)
    try:
        plan_file = Path(args.plan) if args.plan else None
        code = asyncio.run(_run(info, config, printer, goal, plan_file, plan_text, args.yes, trust))
    except PairtuiError as err:
        printer.finish(err.exit_code, err.message)
        raise
    else:
        printer.finish(code)
        return code
    finally:
        printer.close()
        if usage := printer.usage_line():
            printer.line(usage)


def _worktree_run(args: argparse.Namespace) -> int:
    """--worktree / --resume / a background run's own process: see commands/run_worktree.py."""
    given = {flag: getattr(args, flag, None) for flag in _WORKTREE_FLAGS}
    for flag in ("background", "branch", "push"):
        if given[flag] and not (given["worktree"] or given["resume"] or given["run_id"]):
            raise UsageError(f"--{flag} needs --worktree")
    from pairtui.commands import run_worktree

    return run_worktree.dispatch(args)


def refuse_unconfirmed_checks(pending: list, trust: bool) -> None:
    """Exit 2 naming the imported checks that may not run: flagged ones always, the others
    unless the person said --trust-plan-checks."""
    flagged = [c for c in pending if c.flagged]
    if flagged:
        raise UsageError(f"the plan's checks include commands that are never run unattended: "
                         f"{imported_checks.listing(flagged)}; give those chunks their own "
                         "`Verify:` line (or `Verify: none`) and run again")
    if pending and not trust:
        raise UsageError(f"the plan's checks were read from another tool's plan and are not "
                         f"confirmed: {imported_checks.listing(pending)}; check them and pass "
                         "--trust-plan-checks, or write them as `Verify:` lines")
def plan_out_flag(args: argparse.Namespace, repo_root: Path) -> dict[str, str]:
    """--plan-out, relative to the current directory, checked now (before any model runs)."""
    if not getattr(args, "plan_out", None):
        return {}
    from pairtui.agent.plan_keeper import check_path

    path = Path(args.plan_out).resolve()
    check_path(repo_root, path)
    return {"plan_out": str(path)}


def session_of_plan_file(plan_file: Path, git_dir: Path) -> str | None:
    """The session id when `plan_file` is a session's own plan.md (from `pairtui plan`)."""
    path = plan_file.resolve()
    sessions = (git_dir / "pairtui" / "sessions").resolve()
    return path.parent.name if path.name == "plan.md" and path.parent.parent == sessions else None


def _refuse_if_a_chunk_is_in_flight(info: RepoInfo, config, carrying_on: str | None) -> None:
    """A new run must not build on a chunk still waiting for review (its edits would be taken
    for the person's own): land it or roll it back first."""
    session = session_store(info.git_dir, config).open_session()
    if session is None or session.id == carrying_on:
        return
    busy = next((c for c in session.chunks if c.in_flight), None)
    if busy is None:
        return
    plan = session_store(info.git_dir, config).session_dir(session.id) / "plan.md"
    if busy.status in (ChunkStatus.VERIFIED, ChunkStatus.REVIEWING):
        carry_on = "review and land it with `pairtui`"
    else:  # stopped mid-work (killed, or a provider error): say how to carry on headless too
        carry_on = f"carry on with `pairtui run --plan {plan}`"
    raise UsageError(f"chunk {busy.number} of session {session.id} is {busy.status}: {carry_on}, "
                     f"or undo it with `pairtui rollback {busy.number}`, first")


async def _run(info: RepoInfo, config, printer: HeadlessPrinter, goal: str, plan_file: Path | None,
               plan_text: str | None, land: bool, trust: bool = False) -> int:
    session_id = session_of_plan_file(plan_file, info.git_dir) if plan_file else None
    _refuse_if_a_chunk_is_in_flight(info, config, session_id)
    check_models(config, need_planner=plan_text is None)
    pairing = Pairing.open(info.root, config, printer, goal=goal, session_id=session_id)
    try:
        return await _carry_on(pairing, printer, plan_text, land, trust)
    finally:
        await pairing.aclose()  # an ACP agent's process group goes with the run


async def _carry_on(pairing: Pairing, printer: HeadlessPrinter, plan_text: str | None,
                    land: bool, trust: bool) -> int:
    if pairing.session.phase != Phase.PLANNING:  # a session's own plan.md: carry on with it
        printer.line(f"pairtui: carrying on with session {pairing.session.id}")
        _confirm_imported_checks(pairing, trust)
        return await run_chunks(pairing, land, printer.line)
    if plan_text is not None:
        pairing.set_plan_text(plan_text)
        _confirm_imported_checks(pairing, trust)
    else:
        plan = await pairing.make_plan()
        chunks = f"{len(plan.chunks)} chunk{'s' if len(plan.chunks) != 1 else ''}"
        printer.line(f"pairtui: plan with {chunks}: {pairing.plan_path()}")
        _confirm_imported_checks(pairing, trust)
    pairing.approve_plan()
    return await run_chunks(pairing, land, printer.line)


def _confirm_imported_checks(pairing: Pairing, trust: bool) -> None:
    pending = imported_checks.unconfirmed(pairing.plan, pairing.session) if pairing.plan else []
    refuse_unconfirmed_checks(pending, trust)
    for chunk in pending:
        pairing.confirm_check(chunk.number)
        pairing.notify(f"chunk {chunk.number}: running the plan's check `{chunk.verify}` "
                       "(--trust-plan-checks)")
