"""Landing one reviewed chunk of a run on the person's current branch, as one commit.

The order keeps every promise of the landing code and adds the run's own:
1. The accepted hunks are the patch. If what would land is not the tree the run checked (a
   hunk rejected, lines dropped, a hunk left pending or sent back; or the person's HEAD is
   not the chunk's parent tree: an earlier chunk rejected, their branch moved), the chunk is
   re-checked first: its Verify command runs in a scratch worktree at the person's HEAD with
   the accepted hunks applied. A failing (or unrunnable) check refuses the chunk in one
   line; nothing lands for it. A chunk whose commit is already on HEAD (killed before the
   bookkeeping) is marked landed and not landed again.
2. A checkpoint of the person's working state is taken (`pairtui restore` undoes the landing).
3. git/land_patch.py puts the patch in the working tree and commits exactly HEAD + it, all or
   nothing: the person's dirty work stays theirs, a patch that does not fit their files or
   their HEAD is refused (PatchDoesNotFitError). The patch is first re-made from the chunk's
   parent with full blob ids (exact_patch), so it is merged three-way, never put at an
   offset by context alone.

The commit's subject is the chunk title; its body and Pairtui-* trailers are the run's commit's,
with `Pairtui-Verify` saying the re-check when there was one, and `Pairtui-Landed-From` naming
the run, its branch and the chunk commit.
"""

from __future__ import annotations

import asyncio
import os
import re
from dataclasses import dataclass
from pathlib import Path

from pairtui.agent.commit_story import CHUNK_VALUE
from pairtui.agent.runs.inbox import Inbox, InboxChunk, InboxRun
from pairtui.agent.runs.records import RunRecord
from pairtui.agent.verify import run_check, tail
from pairtui.agent.verify_rounds import NO_BYTECODE
from pairtui.config import Config
from pairtui.core.store import SessionStore
from pairtui.diff.model import FileDiff, Hunk, Patch
from pairtui.diff.render import render_patch
from pairtui.errors import PairtuiError, StateError
from pairtui.git.checkpoints import Checkpoints
from pairtui.git.land import LandResult, OverlapError
from pairtui.git.land_patch import (
    PatchDoesNotFitError,
    exact_patch,
    land_patch,
    now_ns,
    patch_paths,
)
from pairtui.git.plumbing import Git
from pairtui.git.repo import ensure_ready, find_repo, read_head
from pairtui.git.scratch import scratch_worktree
from pairtui.git.trailers import PREFIX, pairtui_trailers, split_trailers

CHECKPOINT_SESSION = "inbox"  # the inbox's save points: refs/pairtui/inbox/<n>-pre-land
OVERLAP = OverlapError  # what the screen answers with the landing's offer (land with my edits?)
_PASSED = re.compile(r"(.*?) passed(?: after \d+ fix rounds?)?")


class CheckFailedError(PairtuiError):
    """The chunk's check failed on the reviewed chunk; nothing was landed for it."""

    exit_code = 1

    def __init__(self, message: str, output: str = "") -> None:
        self.output = output
        super().__init__(message)


@dataclass(frozen=True)
class ChunkLanding:
    result: LandResult
    checked: str | None = None    # the command re-run in a scratch worktree, if one was
    checkpoint: str | None = None  # the save point taken before landing


def land_reviewed(inbox: Inbox, config: Config, run_id: str, chunk: InboxChunk, accepted: Patch,
                  include_overlapping_user_edits: bool = False) -> ChunkLanding:
    """Land `accepted` (the chunk's hunks the person kept) as one commit; see the module doc."""
    if chunk.landed_as or inbox.landed(run_id).get(chunk.commit):
        raise StateError(f"chunk {chunk.label} has landed already")
    if not accepted.files:
        return ChunkLanding(LandResult(None, f"chunk {chunk.label}: nothing accepted, nothing landed"))
    ensure_ready(find_repo(inbox.repo_root))  # not on a merge's or a bisect's HEAD
    refuse_if_a_chunk_is_in_flight(inbox.repo_root)
    root = inbox.repo_root
    record = inbox.record(run_id)
    already = landed_commit(root, record, chunk)
    if already:  # committed, then killed before the bookkeeping: mend it, land nothing
        inbox.mark_landed(run_id, chunk.commit, already)
        raise StateError(f"chunk {chunk.label} has landed already, as {already[:7]}")
    rendered = render_patch(accepted)
    reviewed = rendered != render_patch(chunk.patch)
    patch = exact_patch(root, chunk.parent, rendered)
    if patch is None:
        raise StateError(f"chunk {chunk.label}: the accepted hunks do not apply where the run "
                         "made them; nothing landed")
    if not patch:
        return ChunkLanding(LandResult(None, f"chunk {chunk.label}: the accepted lines change "
                                             "nothing; nothing landed"))
    verify = chunk.verify
    checked = None
    head = read_head(Git(root)).commit
    if reviewed or not _same_tree(root, head, chunk.parent):
        command = check_command(record, chunk, config)
        if command:
            recheck(root, head, chunk, patch, command, config)
            verify, checked = f"{command} passed (re-checked on your branch in a scratch worktree)", command
        elif reviewed:
            verify = "unverified (changed in review; no check to run)"
    started = now_ns()
    point = Checkpoints(root, CHECKPOINT_SESSION).snapshot(
        "pre-land", message=f"before landing chunk {chunk.label} of run {run_id}")
    if checked and read_head(Git(root)).commit != head:
        raise StateError(f"chunk {chunk.label}: your branch moved while its check ran; "
                         "nothing landed, land it again")
    body, trailers = _story(chunk, record, verify)
    result = land_patch(root, point, started, patch, chunk.title, body, trailers,
                        include_overlapping_user_edits)
    if result.commit:
        try:
            inbox.mark_landed(run_id, chunk.commit, result.commit)
        except OSError as err:  # it did land: say so; the next landing mends the record
            result = LandResult(result.commit, f"{result.message} (not recorded in the inbox: "
                                f"{err.strerror or err}; land it again to record it)")
    return ChunkLanding(result, checked, point.id)


def refuse_if_a_chunk_is_in_flight(root: Path) -> None:
    """The person's own session has a chunk between execute and land: its start checkpoint
    does not hold what the inbox would land, so its landing would take the run's change for
    part of its own. StateError, nothing changed: land or roll back that chunk first."""
    git_dir = Path(os.fsdecode(Git(root).run("rev-parse", "--absolute-git-dir")).strip())
    try:
        session = SessionStore(git_dir).open_session()
    except (OSError, ValueError, PairtuiError):
        return  # no readable session: nothing of pairtui's is in flight here
    busy = next((c for c in session.chunks if c.in_flight), None) if session else None
    if session is not None and busy is not None:
        raise StateError(f"chunk {busy.number} of your session {session.id} is {busy.status}: "
                         "land it or roll it back first, then land from the inbox")


def check_command(record: RunRecord, chunk: InboxChunk, config: Config) -> str | None:
    """The chunk's Verify command: from the plan of the session that made it (its
    Pairtui-Session trailer; a run's follow-up rounds are sessions of their own), else read
    back from its Verify trailer, else the repo's default check."""
    match = CHUNK_VALUE.fullmatch(chunk.label)
    session_id = pairtui_trailers(chunk.message).get("Session")
    if match and session_id:
        try:
            plan = SessionStore(Path(record.git_dir)).load(session_id).plan
            item = plan.chunk(int(match.group(1))) if plan else None
            if item is not None and item.verify:
                return item.verify
        except (OSError, ValueError, KeyError, PairtuiError):
            pass
    passed = _PASSED.fullmatch(chunk.verify or "")
    return passed.group(1) if passed else config.verify


def landed_commit(root: Path, record: RunRecord, chunk: InboxChunk) -> str | None:
    """The commit on HEAD's history that landed this chunk (its Landed-From trailer), if any:
    inbox.json may have missed it when the app was killed right after the commit."""
    mark = f"{PREFIX}Landed-From: run {record.id} {record.branch} {chunk.commit[:12]}"
    found = Git(root).try_run("log", "-1", "--format=%H", "--fixed-strings", f"--grep={mark}",
                              "HEAD", f"^refs/heads/{record.branch}", "--")  # since the run began
    return (found.stdout.decode().strip() or None) if found.ok else None


def _same_tree(root: Path, head: str | None, commit: str) -> bool:
    if head is None:
        return False
    trees = Git(root).run("rev-parse", f"{head}^{{tree}}", f"{commit}^{{tree}}").split()
    return trees[0] == trees[1]


def recheck(root: Path, head: str | None, chunk: InboxChunk, patch: bytes, command: str,
            config: Config) -> None:
    """Run `command` on what would land, the person's HEAD + `patch` (applied as the landing
    applies it, three-way), in a scratch worktree (removed after); CheckFailedError, in one
    line, unless it passes. The run's own check ran on the run's branch: it says nothing of
    a tree without some of its hunks or on a branch that moved on."""
    if head is None:
        raise CheckFailedError(f"chunk {chunk.label}: your branch has no commit to check it on; "
                               "nothing landed")
    with scratch_worktree(root, head) as scratch:
        applied = Git(scratch).try_run("apply", "--3way", "--whitespace=nowarn", "-", input=patch)
        if not applied.ok:  # the branch moved under the chunk: the landing's own refusal
            raise PatchDoesNotFitError(patch_paths(Git(root), patch), dirty=False)
        result = asyncio.run(run_check(NO_BYTECODE + command, scratch, config.verify_timeout,
                                       secrets=config.secrets, verify_env=config.verify_env))
    if not result.passed:
        why = "timed out" if result.timed_out else f"failed (exit {result.exit_code})"
        raise CheckFailedError(f"chunk {chunk.label}: its check `{command}` {why} on the reviewed "
                               "chunk; nothing landed for it", tail(result.output, 30))


def _story(chunk: InboxChunk, record: RunRecord, verify: str | None) -> tuple[str, list[tuple[str, str]]]:
    """The run's commit body, and its Pairtui-* trailers with Verify and Landed-From set."""
    text, pairs = split_trailers(chunk.message)
    body = text.split("\n", 1)[1].strip() if "\n" in text else ""
    trailers = [(k[len(PREFIX):], v) for k, v in pairs if k.startswith(PREFIX)
                and k not in (f"{PREFIX}Verify", f"{PREFIX}Landed-From")]
    at = next((i + 1 for i, (k, _) in enumerate(trailers) if k == "Chunk"), len(trailers))
    if verify:
        trailers.insert(at, ("Verify", verify))
    trailers.append(("Landed-From", f"run {record.id} {record.branch} {chunk.commit[:12]}"))
    return body, trailers


class InboxEngine:
    """What the TUI's inbox screen calls (each in a worker thread): the repo's inbox and the
    config its checks run with."""

    def __init__(self, repo_root: Path, config: Config) -> None:
        self.inbox = Inbox(repo_root)
        self.config = config

    def runs(self) -> list[InboxRun]:
        return self.inbox.runs()

    def chunks(self, run_id: str) -> list[InboxChunk]:
        return self.inbox.chunks(run_id)

    def save_marks(self, run_id: str, chunk: InboxChunk, marks: dict[str, str]) -> None:
        """Keep the person's marks on a chunk, so leaving the run or the app loses none."""
        self.inbox.save_marks(run_id, chunk.commit, marks)

    def drop(self, run_id: str, chunk: InboxChunk) -> None:
        """The person rejected the chunk whole: nothing lands; it is decided."""
        self.inbox.mark_dropped(run_id, chunk.commit)

    def follow_up(self, run_id: str, chunk: InboxChunk, file: FileDiff, hunk: Hunk | None,
                  comment: str) -> str:
        """A comment on a hunk: a follow-up round in the run's worktree (runs/followup.py)."""
        from pairtui.agent.runs.followup import start_followup

        return start_followup(self.inbox, self.config, run_id, chunk, file, hunk, comment)

    def land(self, run_id: str, chunk: InboxChunk, accepted: Patch,
             include_overlapping_user_edits: bool = False) -> ChunkLanding:
        return land_reviewed(self.inbox, self.config, run_id, chunk, accepted,
                             include_overlapping_user_edits)
