"""Checkpoints on private refs. (Interface fixed; owned by the git work.)

Snapshots never touch the user's index, HEAD, branches, stash or ignored files.

A snapshot is the whole working state (tracked changes, new untracked files, deletions; not
ignored files) as a commit whose parent is HEAD, on `refs/pairtui/<session>/<n>-<step>`. It is
built in a temporary copy of the user's index (`git add -A`, `write-tree`, `commit-tree`), and
the ref is written last, so a crash at any point leaves either no checkpoint or a complete one.

A restore first snapshots the current state ("pre-restore"), so every restore can be undone,
then rewrites only the paths where that snapshot's tree and the target's differ (see
switch.py: it refuses, changing nothing, if that would overwrite a file no checkpoint holds,
and writes through `git checkout-index`). A restore killed halfway leaves a marker
(`pending_restore()`); the pre-restore checkpoint, saved before any file is touched, undoes
it, and restoring the target again finishes it.
The user's real index is left exactly as it was: it is their staging area, and git status
afterwards shows the restored files against what they had staged. A staged file that the
restore removes shows as staged-and-deleted ("AD"); its staged content is still in the index
and in the pre-restore checkpoint.
"""

from __future__ import annotations

import os
import re
import time
from collections import namedtuple
from pathlib import Path

from pairtui.errors import GitError, UsageError
from pairtui.git.checkpoint_refs import (
    Metadata,
    RefParts,
    check_name,
    format_message,
    parse_message,
    parse_ref,
    ref_name,
    ref_root,
    short_id,
)
from pairtui.git.crashpoints import crash_point
from pairtui.git.plumbing import Git, Running, first_line, split_z
from pairtui.git.switch import switch_files, switch_problems
from pairtui.git.tempindex import TempIndex, locate_index
from pairtui.git.treediff import EMPTY_TREE, Change, read_tree_changes, start_tree_changes

# Checkpoint commits are private: a fixed identity, so they work before the user sets one.
_IDENTITY = {
    "GIT_AUTHOR_NAME": "pairtui",
    "GIT_AUTHOR_EMAIL": "pairtui@localhost",
    "GIT_COMMITTER_NAME": "pairtui",
    "GIT_COMMITTER_EMAIL": "pairtui@localhost",
}
_FORMAT = "%(refname)%00%(objecttype)%00%(objectname)%00%(tree)%00%(contents)%00"


class UnknownCheckpointError(UsageError):
    """No checkpoint matches the id the person typed (or more than one does)."""


class Checkpoint(namedtuple("Checkpoint", "id ref commit tree session n step chunk message time "
                                   "files_changed", defaults=(0,))):
    """One save point. (A named tuple, not a dataclass: importing `dataclasses` alone costs
    `pairtui checkpoint` ~7 ms, and each dataclass ~0.5 ms to create.)"""

    __slots__ = ()
    id: str        # short, human-typeable id: "<session>/<n>-<step>"
    ref: str       # "refs/pairtui/<session>/<n>-<step>"
    commit: str    # sha of the snapshot commit
    tree: str      # sha of its tree
    session: str
    n: int
    step: str      # "start", "executed", "verified", "reviewed", "manual", "pre-restore", ...
    chunk: int | None
    message: str
    time: float
    files_changed: int  # vs HEAD at the time of the snapshot (0 when not counted)


class PendingRestore(namedtuple("PendingRestore", "target pre_restore")):
    """A restore that was interrupted: the person can finish it or undo it.
    (a named tuple, not a dataclass: each dataclass costs every command ~0.5 ms to create)"""

    __slots__ = ()
    target: str       # id of the checkpoint being restored
    pre_restore: str  # id of the snapshot taken just before


class _Taken(namedtuple("_Taken", "checkpoint towards scan_started_ns")):
    __slots__ = ()
    checkpoint: Checkpoint
    towards: list[Change]     # changes from its tree towards a restore's target
    scan_started_ns: int      # wall clock just before `git add -A` read the files


class Checkpoints:
    """Snapshot / restore / list for one session's checkpoints."""

    def __init__(self, repo_root: Path, session: str) -> None:
        self.repo_root = repo_root
        self.session = check_name("session", session)
        self._git = Git(repo_root)
        self._paths: tuple[Path, Path] | None = None
        self._last_n: int | None = None

    # -- locations -------------------------------------------------------------------------

    def _locate(self) -> tuple[Path, Path]:
        """(git dir, the user's index file), found once."""
        if self._paths is None:
            self._paths = locate_index(self._git, self.repo_root)
        return self._paths

    @property
    def git_dir(self) -> Path:
        return self._locate()[0]

    @property
    def ref_root(self) -> str:
        """refs/pairtui/, or refs/pairtui/wt-<name>/ in a linked worktree (see ref_root)."""
        return ref_root(self.git_dir)

    # -- snapshot --------------------------------------------------------------------------

    def snapshot(self, step: str, chunk: int | None = None, message: str = "", *,
                 count: bool = True) -> Checkpoint:
        """Save the working state on a new ref; the user's index, HEAD and refs are untouched.

        `count=False` leaves `files_changed` at 0 and saves the git process that counts it,
        for callers that do not show it."""
        check_name("step", step)
        with TempIndex(self.git_dir) as index:
            return self._snapshot_in(index, step, chunk, message, count=count).checkpoint

    def _start_head_and_refs(self) -> tuple[Running, bool]:
        """HEAD's commit and tree, and (when the next number is not known yet) this session's
        refs, in one `git rev-parse`; the refs are read again on their own if it fails (an
        unborn HEAD) or if the session's ref prefix has a character a glob would take.
        Returns the running process and whether it lists the refs."""
        wanted = ["rev-parse", "HEAD^{commit}", "HEAD^{tree}"]
        prefix = f"{self.ref_root}{self.session}/"
        globbed = self._last_n is None and not any(c in prefix for c in "*?[\\")
        if globbed:
            # --symbolic prints the names as listed; --symbolic-full-name looked each one up again
            wanted += ["--symbolic", f"--glob={prefix}*"]
        return self._git.start(*wanted, "--"), globbed

    def _snapshot_in(
        self, index: TempIndex, step: str, chunk: int | None, message: str,
        diff_to: str | None = None, count: bool = True,
    ) -> _Taken:
        """The snapshot, built in `index` (left holding its tree, freshly refreshed); with
        `diff_to`, also the changes from the new tree towards that one."""
        git_dir, user_index = self._locate()
        env = {**index.env, **_IDENTITY}
        # Reads that do not depend on the new tree overlap `git add -A`, the long step.
        head_job, globbed = self._start_head_and_refs()
        index.copy_from(user_index)
        crash_point("snapshot:index-copied")
        scan_started_ns = time.time_ns()
        # --ignore-errors: a path git cannot add (an unreadable file, a nested repo with no
        # commit) is left out, as `git add` would, instead of failing the whole snapshot.
        added = self._git.try_run("add", "-A", "--ignore-errors", env=env)
        if not added.ok and ("fatal:" in added.stderr or not index.path.exists()):
            raise GitError(f"snapshot (git add -A) failed: {first_line(added.stderr)}")
        crash_point("snapshot:files-added")
        head_result = head_job.result()
        head = head_tree = None
        if head_result.ok:
            answers = head_result.stdout.split(b"\n")
            head, head_tree = answers[0].decode(), answers[1].decode()
            if globbed:
                self._last_n = _max_number(b"\n".join(answers[2:]), self.ref_root)
        # The count (for the caller) runs while the tree, commit and ref are written: the
        # index against HEAD's tree is the same list as the new tree against it, and cheaper
        # than diff-tree (which reads every changed tree back as a loose object).
        count_job = None if not (count and head_tree) else self._git.start(
            "diff-index", "--cached", "-z", "--name-only", "--no-renames", head_tree, env=env)
        tree = self._git.line("write-tree", env=env, what="snapshot (git write-tree)")
        crash_point("snapshot:tree-written")
        if count and not head_tree:  # an unborn HEAD: everything is new
            count_job = self._git.start("diff-tree", "-r", "-z", "--name-only", "--no-renames",
                                        EMPTY_TREE[len(tree)], tree)
        # For a restore, the changes towards its target, while the commit and ref are written.
        towards_job = None if diff_to is None else start_tree_changes(self._git, tree, diff_to)
        for _attempt in range(3):
            n = self._next_n()
            meta = Metadata(self.session, n, step, chunk, message, time.time())
            parents = ["-p", head] if head else []
            commit = self._git.run(
                "commit-tree", "--no-gpg-sign", tree, *parents, "-F", "-",
                env=env, input=format_message(meta), what="snapshot (git commit-tree)",
            ).decode().strip()
            crash_point("snapshot:commit-written")
            ref = ref_name(self.session, n, step, self.ref_root)
            # "" as the old value: create only, never overwrite another process's checkpoint.
            if self._git.try_run("update-ref", ref, commit, "").ok:
                crash_point("snapshot:ref-updated")
                files_changed = 0
                if count_job is not None:  # the snapshot is saved: a failed count is just 0
                    counted = count_job.result()
                    files_changed = len(split_z(counted.stdout)) if counted.ok else 0
                towards = [] if towards_job is None else read_tree_changes(towards_job)
                checkpoint = _checkpoint(ref, commit, tree, meta, files_changed=files_changed)
                return _Taken(checkpoint, towards, scan_started_ns)
            self._last_n = None  # someone else took this number: look again
        raise GitError(f"could not create a checkpoint ref for session {self.session}")

    def _next_n(self) -> int:
        if self._last_n is None:
            out = self._git.run("for-each-ref", "--format=%(refname)", f"{self.ref_root}{self.session}/")
            self._last_n = _max_number(out, self.ref_root)
        self._last_n += 1
        return self._last_n

    # -- restore ---------------------------------------------------------------------------

    def restore(self, checkpoint: Checkpoint | str) -> Checkpoint:
        """Make the working tree equal to the checkpoint; returns the pre-restore snapshot."""
        target = checkpoint if isinstance(checkpoint, Checkpoint) else self.get(checkpoint)
        with TempIndex(self.git_dir) as index:
            taken = self._snapshot_in(index, "pre-restore", None, f"before restoring {target.id}",
                                      diff_to=target.tree)
            pre = taken.checkpoint
            crash_point("restore:pre-restore-saved")
            if pre.tree == target.tree:
                return pre
            changes = taken.towards
        problems = switch_problems(self._git, self.repo_root, changes, taken.scan_started_ns)
        if problems:
            raise GitError(f"could not restore {target.id}: {'; '.join(problems)}; "
                           "move it away and try again. Nothing was changed")
        marker = self._mark_pending(PendingRestore(target.id, pre.id))
        try:
            switch_files(self._git, self.repo_root, self.git_dir, changes)
        except GitError as err:
            raise GitError(f"{err.message}; your files as they were are saved as {pre.id}") from err
        crash_point("restore:worktree-updated")
        marker.unlink(missing_ok=True)
        return pre

    def _mark_pending(self, pending: PendingRestore) -> Path:
        """Written atomically before the working tree is touched, removed after."""
        marker = _pending_path(self.git_dir)
        temp = marker.with_name(f"{marker.name}.{os.getpid()}.tmp")
        import json  # here: only restores read or write the marker

        temp.write_text(json.dumps({"target": pending.target, "pre_restore": pending.pre_restore}))
        os.replace(temp, marker)
        return marker

    def pending_restore(self) -> PendingRestore | None:
        """A restore that was killed half way, if any (finish it, or restore its pre-restore)."""
        try:
            import json

            data = json.loads(_pending_path(self.git_dir).read_text())
            return PendingRestore(str(data["target"]), str(data["pre_restore"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def clear_pending_restore(self) -> None:
        _pending_path(self.git_dir).unlink(missing_ok=True)

    # -- list / get / prune ----------------------------------------------------------------

    def list(self, all_sessions: bool = False) -> list[Checkpoint]:
        """This session's checkpoints in the order taken (all sessions: oldest first)."""
        return self._with_counts(self._read_refs(all_sessions))

    def _read_refs(self, all_sessions: bool) -> list[Checkpoint]:
        """Checkpoints from the refs alone (files_changed not counted yet: 0)."""
        prefix = self.ref_root if all_sessions else f"{self.ref_root}{self.session}/"
        out = self._git.run("for-each-ref", f"--format={_FORMAT}", prefix)
        found: list[Checkpoint] = []
        for record in out.decode("utf-8", "surrogateescape").split("\0\n"):
            fields = record.split("\0")
            if len(fields) < 5 or fields[1] != "commit":
                continue
            ref, _kind, commit, tree, contents = fields[:5]
            parts = parse_ref(ref, self.ref_root)
            if parts is None:
                continue
            found.append(_checkpoint(ref, commit, tree, parse_message(contents, parts), parts))
        found.sort(key=lambda c: (c.time, c.session, c.n) if all_sessions else (c.n, c.time))
        return found

    def _with_counts(self, checkpoints: list[Checkpoint]) -> list[Checkpoint]:
        """Each commit's own change count (vs its parent), all in one git process."""
        if not checkpoints:
            return checkpoints
        commits = "".join(f"{c.commit}\n" for c in checkpoints).encode()
        out = self._git.run("diff-tree", "--stdin", "-r", "-z", "--name-only", "--no-renames",
                            "--root", input=commits)
        wanted = {c.commit for c in checkpoints}
        counts: dict[str, int] = {}
        current = None
        for item in out.split(b"\0"):
            name = item.decode("utf-8", "surrogateescape")
            if name in wanted:
                current = name
                counts.setdefault(current, 0)
            elif item and current is not None:
                counts[current] += 1
        return [c._replace(files_changed=counts.get(c.commit, 0)) for c in checkpoints]

    def get(self, checkpoint_id: str) -> Checkpoint:
        """Accepts "<session>/<n>-<step>", "<session>/<n>", "<n>" (this session), a full ref,
        a unique prefix of an id, or a prefix of the snapshot commit's sha."""
        wanted = checkpoint_id.strip()
        everything = self._read_refs(all_sessions=True)
        rules = (
            lambda c: c.ref == wanted or c.id == wanted,
            lambda c: wanted.isdigit() and c.session == self.session and c.n == int(wanted),
            lambda c: f"{c.session}/{c.n}" == wanted,
            lambda c: bool(wanted) and c.id.startswith(wanted),
            lambda c: bool(re.fullmatch(r"[0-9a-f]{4,40}", wanted)) and c.commit.startswith(wanted),
        )
        for rule in rules:
            matches = [c for c in everything if rule(c)]
            if len(matches) == 1:
                return self._with_counts(matches)[0]
            if len(matches) > 1:
                names = ", ".join(c.id for c in matches[:5])
                raise UnknownCheckpointError(f"checkpoint id {wanted!r} is ambiguous: {names}")
        raise UnknownCheckpointError(
            f"no checkpoint {wanted!r}; 'pairtui checkpoints' lists them"
        )

    def prune(self, keep: int, open_session: str | None) -> list[str]:
        """Delete the refs of all but the `keep` most recent sessions; never the open one.

        Returns the pruned session names. One ref transaction: all or nothing."""
        if keep < 0:
            raise UsageError("--keep must be 0 or more")
        latest: dict[str, float] = {}
        refs: dict[str, list[Checkpoint]] = {}
        for cp in self._read_refs(all_sessions=True):
            latest[cp.session] = max(latest.get(cp.session, 0.0), cp.time)
            refs.setdefault(cp.session, []).append(cp)
        newest_first = sorted(latest, key=lambda s: latest[s], reverse=True)
        doomed = [s for s in newest_first[keep:] if s != open_session]
        if not doomed:
            return []
        lines = [f"delete {cp.ref} {cp.commit}\n" for s in doomed for cp in refs[s]]
        self._git.run("update-ref", "--stdin", input="".join(lines).encode(), what="prune")
        if self.session in doomed:
            self._last_n = None
        return doomed


def _checkpoint(
    ref: str, commit: str, tree: str, meta: Metadata, parts: RefParts | None = None,
    files_changed: int = 0,
) -> Checkpoint:
    session, n, step = meta.session, meta.n, meta.step
    if parts is not None:  # the ref name is the id: it wins over what the message says
        session, n, step = parts.session, parts.n, parts.step
    return Checkpoint(
        id=short_id(session, n, step),
        ref=ref,
        commit=commit,
        tree=tree,
        session=session,
        n=n,
        step=step,
        chunk=meta.chunk,
        message=meta.message,
        time=meta.time,
        files_changed=files_changed,
    )


def _max_number(for_each_ref_output: bytes, root: str) -> int:
    names = os.fsdecode(for_each_ref_output).splitlines()
    return max((p.n for name in names if (p := parse_ref(name, root))), default=0)


def _pending_path(git_dir: Path) -> Path:
    return git_dir / "pairtui" / "restore-in-progress.json"
