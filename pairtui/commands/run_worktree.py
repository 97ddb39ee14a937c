"""`pairtui run ... --worktree [--branch NAME] [--background]` and `pairtui run --resume ID`.

The run works in a new linked worktree on a new branch started from HEAD, under the repo's git
dir (`pairtui/worktrees/<id>`), so the person's worktree, index, HEAD and stash are never
touched; its verified chunks land as commits on that branch (a worktree run implies --yes).
With --background the command returns as soon as the run's process is started: that process
waits for a slot in the queue (`max_runs`), then runs as `pairtui run` would, in the worktree.
Its record (`pairtui runs`) says where it is; a killed run is read back as interrupted and
`--resume ID` carries its session on in the same worktree.

With --push REMOTE (checked before anything is made) a run that ends done with at least one
commit on its branch pushes the branch (never forced). A failed push leaves the run done (its
branch is there to push by hand) but is never silent: the record and `pairtui runs` say
"push failed: <reason>" and the run's exit code is 4 (PUSH_FAILED), so a script that runs
`pairtui run --worktree --push origin && ...` does not carry on as if the result had arrived.

Heavy modules (the engine, the models) are imported only by the process that runs the chunks,
so `--background` is back at the prompt quickly.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import signal
import sys
from pathlib import Path

from pairtui.agent.mcp.servers import refuse_untrusted_servers
from pairtui.agent.runs.queue import detach, wait_for_slot
from pairtui.agent.runs.records import RunRecord, RunStore, now, progress, push_line
from pairtui.agent.runs.worktrees import (
    add_worktree,
    check_branch,
    common_dir,
    new_run_id,
    slug,
)
from pairtui.config import load_config
from pairtui.errors import PairtuiError, UsageError
from pairtui.git.plumbing import Git
from pairtui.git.push import PushResult, check_remote, push_branch
from pairtui.git.repo import ensure_ready, find_repo

INPUT_PLAN = "input-plan.md"
PUSH_FAILED = 4  # the run is done, its push was refused (DESIGN: repository state refused)


def dispatch(args: argparse.Namespace) -> int:
    if getattr(args, "run_id", None):
        return _child(args)
    if getattr(args, "resume", None):
        return resume(args)
    return start(args)


def start(args: argparse.Namespace) -> int:
    """Check everything, make the worktree and record, then run here or in the background."""
    if getattr(args, "plan_out", None):
        raise UsageError("--plan-out does not apply to a --worktree run (its plan stays with "
                         "its session)")
    info = find_repo(Path(args.repo))
    ensure_ready(info)
    from pairtui.commands.run import read_plan_file, refuse_unconfirmed_checks
    from pairtui.core.plan import parse_plan

    plan_text = read_plan_file(Path(args.plan)) if args.plan else None
    trust = bool(getattr(args, "trust_plan_checks", False))
    if plan_text is not None:
        from pairtui.agent import imported_checks

        refuse_unconfirmed_checks(imported_checks.unconfirmed(parse_plan(plan_text)), trust)
    goal = args.goal or parse_plan(plan_text or "").goal or Path(args.plan).stem
    config = load_config(info.root, {**_model_flags(args), **_trust_flag(args)})
    refuse_untrusted_servers(info.root, config)
    if not args.background:  # the background run checks them in its own process
        from pairtui.commands.open import check_models

        check_models(config, need_planner=plan_text is None)
    run_id = new_run_id()
    branch = args.branch or f"pairtui/{slug(goal)}-{run_id}"
    check_branch(info.root, branch)
    remote = getattr(args, "push", None)
    if remote:
        check_remote(info.root, remote)
    base = Git(info.root).line("rev-parse", "--verify", "--quiet", "HEAD^{commit}",
                               what="reading HEAD")
    common = common_dir(info.root)
    store = RunStore(common)
    path = common / "pairtui" / "worktrees" / run_id
    git_dir = add_worktree(info.root, path, branch)
    run_dir = store.run_dir(run_id)
    run_dir.mkdir(parents=True, exist_ok=True)
    if plan_text is not None:
        (run_dir / INPUT_PLAN).write_text(plan_text, encoding="utf-8")
    options = {"plan": plan_text is not None, "trust_plan_checks": trust,
               "json": bool(args.json), **_model_flags(args), **_trust_flag(args),
               **_push_options(remote, info.root)}
    record = RunRecord(id=run_id, goal=goal, branch=branch, worktree=str(path),
                       git_dir=str(git_dir), created=now(), log=str(run_dir / "run.log"),
                       options=options, pid=None if args.background else os.getpid(), base=base)
    store.save(record)
    if args.background:
        return _launch(store, record)
    _say(f"pairtui: run {run_id} on branch {branch} (worktree {path})")
    return execute(store, run_id, config.max_runs)


def resume(args: argparse.Namespace) -> int:
    """Carry an interrupted (or failed, or cancelled) run on in its own worktree."""
    info = find_repo(Path(args.repo))
    store = RunStore(common_dir(info.root))
    record = store.load(args.resume)
    if record is None:
        raise UsageError(f"no run {args.resume!r}; `pairtui runs` lists them")
    state = record.effective_state
    if state not in ("interrupted", "failed", "cancelled"):
        raise UsageError(f"run {record.id} is {state}: only an interrupted, failed or cancelled "
                         "run can be resumed")
    if not Path(record.worktree).is_dir():
        raise UsageError(f"run {record.id}'s worktree {record.worktree} is gone")
    remote = getattr(args, "push", None)
    if remote:
        check_remote(info.root, remote)
    trust = _trust_flag(args) or {k: True for k in ("trust_mcp",) if record.options.get(k)}
    refuse_untrusted_servers(Path(record.worktree), load_config(Path(record.worktree), trust))
    with store.locked():
        record = dataclasses.replace(
            record, state="queued", pid=None if args.background else os.getpid(),
            exit_code=None, finished=None, note=f"resumed after it was {state}", push={},
            options={**record.options, **_model_flags(args), **_trust_flag(args), "resume": True,
                     **_push_options(remote, info.root)})
        store.save(record)
    if args.background:
        return _launch(store, record)
    _say(f"pairtui: resuming run {record.id} on branch {record.branch}")
    config = load_config(Path(record.worktree), _model_flags(args))
    return execute(store, record.id, config.max_runs)


def execute(store: RunStore, run_id: str, max_runs: int) -> int:
    """Wait for a slot, run the chunks in the run's worktree, and write how it ended."""
    from pairtui.commands import run as run_command

    signal.signal(signal.SIGTERM, _terminated)  # `runs --cancel`: unwind, then record it
    code: int = 1
    why = ""
    done = False
    try:
        wait_for_slot(store, run_id, max_runs,
                      on_wait=lambda: _say(f"pairtui: run {run_id} queued (max_runs={max_runs})"))
        record = store.load(run_id)
        if record is None:
            raise UsageError(f"run {run_id}'s record is gone")
        code = run_command.run(_run_namespace(store, record))
        if code == 0:
            done = True
            code = _push(store, run_id)
        return code
    except PairtuiError as err:
        code, why = err.exit_code, err.message
        raise
    except SystemExit as err:
        code = err.code if isinstance(err.code, int) else 1
        raise
    except KeyboardInterrupt:
        code = 130
        raise
    finally:
        _finish(store, run_id, code, why, done)


def _run_namespace(store: RunStore, record: RunRecord) -> argparse.Namespace:
    """The `pairtui run` arguments for this run: its session's plan.md when resuming (the
    existing carry-on), else the plan it was given, else its goal; always landing (--yes)."""
    from pairtui.agent.flow import session_store
    from pairtui.config import Config

    opts = record.options
    plan: Path | None = None
    if opts.get("resume"):
        plan = progress(record, lambda d: session_store(d, Config())).plan_file
    if plan is None and opts.get("plan"):
        plan = store.run_dir(record.id) / INPUT_PLAN
    return argparse.Namespace(
        repo=record.worktree, goal=None if plan else record.goal,
        plan=str(plan) if plan else None, yes=True, json=bool(opts.get("json")),
        trust_plan_checks=bool(opts.get("trust_plan_checks")), plan_out=None,
        planner=opts.get("planner"), executor=opts.get("executor"),
        trust_mcp=bool(opts.get("trust_mcp")), debug=False)


def _push(store: RunStore, run_id: str) -> int:
    """A done run's --push: its branch to the remote when it has a commit of its own; the
    outcome in the record and in one line. 0, or PUSH_FAILED (the run stays done)."""
    record = store.load(run_id)
    remote = record.options.get("push") if record else None
    if record is None or not remote:
        return 0
    if not _has_commits(record):
        outcome = {"remote": remote, "state": "skipped", "message": "no chunk landed a commit"}
    else:
        where = Path(record.options.get("push_from") or record.worktree)
        try:
            result = push_branch(where, remote, record.branch)
        except PairtuiError as err:  # git missing, the worktree gone: still a failed push
            result = PushResult(False, err.message)
        outcome = {"remote": remote, "state": "pushed" if result.ok else "failed",
                   "message": result.message}
    store.update(run_id, push=outcome)
    line = push_line(outcome)
    if outcome["state"] == "failed":
        _say(f"pairtui: push to {remote} failed: {outcome['message']}; the run is done and its "
             f"branch is kept: `git push {remote} {record.branch}` when the remote allows it")
        return PUSH_FAILED
    _say(f"pairtui: {line}")
    return 0


def _push_options(remote: str | None, root: Path) -> dict[str, str]:
    """--push's remote, and the worktree it was checked from: git reads a relative remote path
    (`../remote.git`) from where it runs, so the push runs there too, not in the run's worktree."""
    return {"push": remote, "push_from": str(root)} if remote else {}


def _has_commits(record: RunRecord) -> bool:
    """Does the run's branch hold a commit beyond where it started (a chunk that landed)?"""
    from pairtui.core.store import SessionStore

    if not record.base:  # a record from before `base` was kept: its session says
        return progress(record, SessionStore).landed > 0
    count = Git(Path(record.worktree)).try_run(
        "rev-list", "--count", f"{record.base}..refs/heads/{record.branch}")
    return count.ok and int(count.stdout.strip() or b"0") > 0


def _finish(store: RunStore, run_id: str, code: int, why: str, done: bool) -> None:
    """done (the run's chunks all went; `code` is 0 or PUSH_FAILED), failed (why, when an error
    said), or cancelled (`runs --cancel`). A --push not made says why not."""
    with store.locked():
        record = store.load(run_id)
        if record is None:
            return
        if record.note.startswith("cancelled"):
            record = dataclasses.replace(record, state="cancelled")
        elif done:
            record = dataclasses.replace(record, state="done")
        elif code == 130:  # Ctrl-C in a foreground run: carry it on with --resume
            record = dataclasses.replace(record, state="interrupted", note="interrupted")
        else:
            record = dataclasses.replace(record, state="failed", note=why or record.note)
        remote = record.options.get("push")
        if remote and not record.push:
            record = dataclasses.replace(record, push={
                "remote": remote, "state": "skipped", "message": f"the run {record.state}"})
            _say(f"pairtui: {push_line(record.push)}")
        store.save(dataclasses.replace(record, exit_code=code, finished=now()))


def _launch(store: RunStore, record: RunRecord) -> int:
    """Start the run's own process, detached; print its id and how to follow it."""
    argv = [sys.executable, "-m", "pairtui", "run", "--run-id", record.id,
            "-C", record.worktree]
    try:
        pid = detach(argv, Path(record.log), Path(record.worktree))
    except OSError as err:
        store.update(record.id, state="failed", note=f"could not start: {err}", finished=now())
        raise UsageError(f"could not start run {record.id}: {err}") from None
    with store.locked():
        current = store.load(record.id)
        if current is not None and current.pid is None:
            store.save(dataclasses.replace(current, pid=pid))
    sys.stdout.write(f"pairtui: run {record.id} started in the background on branch "
                     f"{record.branch}\n"
                     f"  follow it:  pairtui runs --follow {record.id}\n"
                     f"  all runs:   pairtui runs\n")
    sys.stdout.flush()
    return 0


def _child(args: argparse.Namespace) -> int:
    """The detached process of a background run (`run --run-id ID`, not for people)."""
    store = RunStore(common_dir(Path(args.repo)))
    if store.load(args.run_id) is None:
        raise UsageError(f"no run {args.run_id!r}")
    config = load_config(Path(args.repo), {})
    return execute(store, args.run_id, config.max_runs)


def _model_flags(args: argparse.Namespace) -> dict[str, str]:
    """--planner/--executor, a replay transcript's path made absolute (the run's process
    works in its worktree, not in the directory the person typed the path in)."""
    flags = {k: v for k in ("planner", "executor") if (v := getattr(args, k, None))}
    for key, value in flags.items():
        if value.startswith("replay:"):
            flags[key] = f"replay:{Path(value[len('replay:'):]).expanduser().resolve()}"
    return flags


def _trust_flag(args: argparse.Namespace) -> dict[str, bool]:
    """--trust-mcp, kept in the record: the run's own process (background or resumed) starts
    the repo's servers only if the person said so when starting it."""
    return {"trust_mcp": True} if getattr(args, "trust_mcp", False) else {}


def _terminated(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _say(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()
