"""A follow-up round from the inbox: a comment on one of a run's hunks goes back to that run.

The comment becomes a one-chunk plan (the hunk, the comment, the chunk's own check) carried
out in the run's own worktree by the same worktree-run engine a background run uses (`pairtui
run --run-id ID`, detached): its record goes back to queued, it waits for a slot like any run,
and its verified chunk lands as a new commit on the run's branch, so the inbox lists the run
again with that commit as its next chunk. Only a run that finished "done" takes a follow-up
(a failed or interrupted one is carried on with `pairtui run --resume ID` first); nothing in
the person's worktree is touched.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from pairtui.agent.runs.inbox import Inbox, InboxChunk
from pairtui.agent.runs.inbox_land import check_command
from pairtui.agent.runs.queue import detach
from pairtui.agent.runs.records import now
from pairtui.config import Config
from pairtui.diff.model import FileDiff, Hunk
from pairtui.diff.render import render_patch
from pairtui.diff.select import single_hunk_patch
from pairtui.errors import UsageError

INPUT_PLAN = "input-plan.md"  # the plan file a run's process reads (commands/run_worktree.py)


def followup_plan(goal: str, chunk: InboxChunk, path: str, hunk_text: str, comment: str,
                  verify: str | None) -> str:
    """The one-chunk plan that asks the executor to revise the hunk as the comment says."""
    fence = "~~~~" if "```" in hunk_text else "```"
    return (f"# Goal: {goal} (follow-up on review)\n\n"
            f"## Chunk 1: Revise {path} as the review of \"{chunk.title}\" asks\n"
            f"Files: {path}\nVerify: {verify or 'none'}\n\n"
            f"A reviewer read this change from chunk {chunk.label} in {path}:\n\n"
            f"{fence}diff\n{hunk_text.rstrip()}\n{fence}\n\n"
            f"and commented: {' '.join(comment.split())}\n\n"
            f"Change {path} so the comment is addressed; keep the rest of the chunk as it is.\n")


def start_followup(inbox: Inbox, config: Config, run_id: str, chunk: InboxChunk, file: FileDiff,
                   hunk: Hunk | None, comment: str) -> str:
    """Queue the follow-up round in the run's worktree and start its process (detached);
    returns the line to show. UsageError, nothing started, when the run cannot take one."""
    if not comment.strip():
        raise UsageError("an empty comment starts no follow-up round")
    with inbox.store.locked():
        record = inbox.record(run_id)
        state = record.effective_state
        if state != "done":
            how = f"carry it on first with `pairtui run --resume {run_id}`" \
                if state in ("failed", "interrupted", "cancelled") else "wait for it to end"
            raise UsageError(f"run {run_id} is {state}: {how}; no follow-up round started")
        if not Path(record.worktree).is_dir():
            raise UsageError(f"run {run_id}'s worktree {record.worktree} is gone; no follow-up "
                             "round started")
        text = render_patch(single_hunk_patch(file, hunk)).decode("utf-8", "replace")
        plan = followup_plan(record.goal, chunk, file.path, text, comment,
                             check_command(record, chunk, config))
        (inbox.store.run_dir(run_id) / INPUT_PLAN).write_text(plan, encoding="utf-8")
        record = dataclasses.replace(
            record, state="queued", pid=None, pid_start=None, exit_code=None, finished=None,
            note=f"follow-up round: {' '.join(comment.split())[:120]}",
            options={**record.options, "plan": True, "resume": False})
        inbox.store.save(record)
    argv = [sys.executable, "-m", "pairtui", "run", "--run-id", run_id, "-C", record.worktree]
    try:
        pid = detach(argv, Path(record.log or inbox.store.run_dir(run_id) / "run.log"),
                     Path(record.worktree))
    except OSError as err:
        inbox.store.update(run_id, state="failed", note=f"could not start: {err}", finished=now())
        raise UsageError(f"could not start the follow-up round of run {run_id}: {err}") from None
    with inbox.store.locked():
        current = inbox.store.load(run_id)
        if current is not None and current.pid is None:
            inbox.store.save(dataclasses.replace(current, pid=pid))
    return (f"follow-up round started in run {run_id}'s worktree; its commit comes to the "
            f"inbox when it is done (pairtui runs --follow {run_id})")
