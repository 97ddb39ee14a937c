"""The flow's hands on the repository: checkpoints, diffs, patches, landing and context.

One place where the engine meets the git, diff and context layers, so Pairing reads as the
story of a session. Every method that changes files is preceded by a checkpoint in the flow;
those that apply patches are all-or-nothing (the diff engine's guarantee).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from pairtui.agent.confine import list_repo_files
from pairtui.agent.context import RepoContext, build_context
from pairtui.agent.events import CheckpointTaken, FlowEvent, Notice
from pairtui.core.plan import Chunk
from pairtui.diff.compute import WORKTREE, diff_between, diff_rev_range, rev_range_bytes
from pairtui.diff.model import Patch
from pairtui.errors import PatchError
from pairtui.git.checkpoints import Checkpoint, Checkpoints
from pairtui.git.land import LandResult, land_chunk
from pairtui.git.plumbing import Git
from pairtui.git.repo import read_head


class Workspace:
    """Checkpoints, diffs and context for one session in one repository."""

    def __init__(self, repo_root: Path, session_id: str, emit: Callable[[FlowEvent], None]) -> None:
        self.repo_root = repo_root
        self._checkpoints = Checkpoints(repo_root, session_id)
        self._emit = emit
        self._warned: set[str] = set()

    # -- checkpoints ---------------------------------------------------------------------

    def snapshot(self, step: str, chunk: int | None, message: str = "") -> Checkpoint:
        checkpoint = self._checkpoints.snapshot(step, chunk, message)
        self._emit(CheckpointTaken(checkpoint))
        return checkpoint

    def restore(self, target: Checkpoint) -> Checkpoint:
        """Make the tree equal to `target`; returns (and reports) the pre-restore snapshot."""
        undo = self._checkpoints.restore(target)
        self._emit(CheckpointTaken(undo))
        return undo

    def checkpoint(self, checkpoint_id: str) -> Checkpoint:
        return self._checkpoints.get(checkpoint_id)

    def checkpoints(self) -> list[Checkpoint]:
        """This session's checkpoints in the order taken."""
        return self._checkpoints.list()

    def changed_between(self, old: Checkpoint, new: Checkpoint) -> set[str]:
        """The paths whose content or mode differs between two snapshots."""
        from pairtui.git.treediff import changed_paths

        return changed_paths(Git(self.repo_root), old.tree, new.tree)

    # -- diffs and patches ---------------------------------------------------------------

    def patch_since(self, start: Checkpoint) -> Patch:
        """What changed in the working tree since `start` (untracked files included)."""
        return diff_between(self.repo_root, start.commit, WORKTREE)

    def reverse_hunks(self, patch: Patch, refs: list[tuple[int, int]]) -> None:
        """Un-apply the chosen hunks in the working tree, all or nothing."""
        from pairtui.diff.apply import apply_patch
        from pairtui.diff.select import select_hunks

        apply_patch(self.repo_root, select_hunks(patch, _numbers(patch, refs), for_reverse=True), reverse=True)

    def apply_change(self, patch: Patch, reverse: bool) -> None:
        """Apply (or un-apply) a patch in the working tree, all or nothing."""
        from pairtui.diff.apply import apply_patch

        apply_patch(self.repo_root, patch, reverse=reverse)

    def hunk_text(self, patch: Patch, ref: tuple[int, int]) -> tuple[str, str]:
        """(path, the hunk as unified-diff text) for showing one hunk to the executor."""
        from pairtui.diff.parse import render_patch
        from pairtui.diff.select import select_hunks

        file_index, _ = ref
        path = patch.files[file_index].path
        return path, render_patch(select_hunks(patch, _numbers(patch, [ref]))).decode("utf-8", "replace")

    def reverse_commit(self, commit: str) -> None:
        """Reverse-apply a commit's own change to the working tree (all or nothing)."""
        from pairtui.diff.apply import apply_patch

        apply_patch(self.repo_root, diff_rev_range(self.repo_root, commit), reverse=True)

    def landed_diff(self, commits: list[str]) -> str:
        """The text of the changes of earlier landed chunks, oldest first."""
        parts = [rev_range_bytes(self.repo_root, c).decode("utf-8", "replace") for c in commits]
        return "".join(parts)

    def land(self, start: Checkpoint, reviewed: Checkpoint, subject: str, body: str,
             include_overlapping_user_edits: bool = False,
             trailers: Sequence[tuple[str, str]] = (),
             extra_files: Mapping[str, bytes] | None = None) -> LandResult:
        return land_chunk(self.repo_root, start.tree, reviewed.tree, subject, body,
                          include_overlapping_user_edits=include_overlapping_user_edits,
                          trailers=trailers, extra_files=extra_files)

    def revert(self, chunk: int, commit: str, title: str,
               trailers: Sequence[tuple[str, str]] = ()) -> tuple[Checkpoint, LandResult]:
        """Undo a landed commit without rewriting history: its change reverse-applied (all or
        nothing) and landed as `Revert "<title>"`. The person's uncommitted edits stay
        uncommitted. PatchError if later edits overlap: then nothing changed, and the
        pre-revert checkpoint taken first is dropped again (no stray checkpoint).
        Returns (pre-revert checkpoint, the revert's landing)."""
        before = self._checkpoints.snapshot("pre-revert", chunk, f"before reverting {commit[:10]}")
        try:
            self.reverse_commit(commit)
        except PatchError:
            Git(self.repo_root).try_run("update-ref", "-d", before.ref, before.commit)
            raise
        self._emit(CheckpointTaken(before))
        after = self.snapshot("reverted", chunk, f"reverted {commit[:10]}")
        result = self.land(before, after, f'Revert "{title}"',
                           f"This reverts commit {commit} (pairtui rollback of chunk {chunk}).",
                           trailers=trailers)
        return before, result

    def commit_paths(self, commit: str) -> set[str]:
        """The paths a commit's own change touches (both sides of a rename)."""
        patch = diff_rev_range(self.repo_root, commit)
        return {p for f in patch.files for p in (f.old_path, f.new_path) if p}

    def is_ancestor(self, older: str, newer: str) -> bool:
        return Git(self.repo_root).try_run("merge-base", "--is-ancestor", older, newer).ok

    def head(self) -> str | None:
        """The commit HEAD names (None on an unborn branch)."""
        return read_head(Git(self.repo_root)).commit

    def subject(self, commit: str) -> str:
        return Git(self.repo_root).line("log", "-1", "--format=%s", commit)

    # -- files a check leaves behind -----------------------------------------------------

    def files(self) -> set[str]:
        """Tracked and untracked, non-ignored files (to see what a check created)."""
        return set(list_repo_files(self.repo_root))

    def remove_files(self, paths: list[str]) -> list[str]:
        """Delete these files (and the folders they leave empty); returns those removed."""
        removed = []
        for rel in paths:
            path = self.repo_root / rel
            if path.is_file() and not path.is_symlink():
                path.unlink()
                removed.append(rel)
                parent = path.parent
                while parent != self.repo_root and parent.is_dir() and not any(parent.iterdir()):
                    parent.rmdir()
                    parent = parent.parent
        return removed

    # -- context for the models ----------------------------------------------------------

    def read_roots(self) -> tuple[Path, ...]:
        """Directories outside the repo the models may read (the user's own skills)."""
        return build_context(self.repo_root).read_roots

    def planning_context(self, goal: str) -> str:
        """Root instructions, skills and the goal's @mentions, for the planner."""
        return self._rendered(build_context(self.repo_root, (), goal))

    def chunk_context(self, chunk: Chunk, goal: str) -> str:
        """Instructions nearest the chunk's files (nearest wins), skills, the chunk's @mentions."""
        return self._rendered(build_context(self.repo_root, chunk.files, chunk.body))

    def mentions(self, text: str) -> str:
        """Only the files and folders `text` mentions with @ (for a plan revision comment)."""
        return self._rendered(build_context(self.repo_root, (), text), only_mentions=True)

    def _rendered(self, context: RepoContext, only_mentions: bool = False) -> str:
        for warning in context.warnings:
            if warning not in self._warned:
                self._warned.add(warning)
                self._emit(Notice(warning, "warning"))
        return context.mentions if only_mentions else context.render()

def _numbers(patch: Patch, refs: list[tuple[int, int]]) -> list[int]:
    """(file index, hunk index) refs -> the diff engine's 1-based hunk numbers."""
    order = {ref: n for n, ref in enumerate(patch.hunk_refs(), 1)}
    try:
        return sorted(order[tuple(ref)] for ref in refs)
    except KeyError as err:
        raise PatchError(f"no hunk {err.args[0]} in the chunk's change") from None
