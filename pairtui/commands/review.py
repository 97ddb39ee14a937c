"""`pairtui review [PATCH|REVS] [--accept SPEC --yes | --dry-run] [--reverse]`.

Sources: PATCH is an existing patch file (path as typed, relative to the current directory);
anything else is a rev range ("main..agent", "a...b", or one commit); nothing means the working
tree's changes against HEAD, untracked files included.

Headless meanings (hunk numbers as `--dry-run` lists them):
- patch or revs, `--accept SPEC --yes`: apply those hunks to the working tree;
  with `--reverse`: un-apply them (the tree is expected to have them).
- working tree, `--accept SPEC --yes`: the changes are already there, so accepting means
  keeping: the hunks NOT in SPEC are reverse-applied (rejected); with `--reverse`, the hunks in
  SPEC are reverse-applied instead.
- revs whose result the working tree already holds (for every file the range touches; e.g.
  `HEAD~1..HEAD`): reviewed as keep/drop, exactly like the working tree: accepted hunks stay,
  the others are reverse-applied. The dry-run listing and the viewer's title say so.
A file's rename or mode change goes with its hunks: it is applied with any of them and undone
only with all of them. Binary, mode-only, pure-rename and empty-file changes are one hunk each.
A checkpoint is taken first (`pairtui restore ID` brings the tree back). Any bad input — a
malformed patch, context that no longer matches, a hunk number out of range, an unsafe path —
exits 2 with one line naming the file and hunk, and no file is changed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pairtui.diff.apply import apply_patch
from pairtui.diff.binary import stored_blob_note
from pairtui.diff.fragments import has_context
from pairtui.diff.model import FileDiff, FileStatus, Patch
from pairtui.diff.parse import read_patch
from pairtui.diff.select import parse_spec, select_hunks
from pairtui.errors import PatchError, UsageError
from pairtui.git.repo import RepoInfo, ensure_ready, find_repo

TYPE_CHECKING = False  # not typing's: importing typing cost this command ~3 ms
if TYPE_CHECKING:
    from pairtui.ui.review_app import ReviewApp


def run(args: argparse.Namespace) -> int:
    repo = find_repo(Path(args.repo))
    source, patch = load_source(repo.root, args.source)
    if args.dry_run:
        if source == "applied":
            sys.stdout.write(f"mode: {keep_drop_note(args.source)}\n")
        if source in ("revs", "applied"):
            sys.stdout.write(_chunk_story(repo.root, args.source))
        labels = _hunk_chunks(repo.root, source, args.source, patch)
        sys.stdout.write(list_hunks(patch, repo.root, labels) or "no hunks: the diff is empty\n")
        return 0
    ensure_ready(repo)  # from here on the tree may change: never in the middle of a merge/rebase
    if not args.yes:
        if args.accept is not None:
            raise UsageError("--accept applies only with --yes (or use --dry-run to list hunks)")
        from pairtui.ui.review_app import run_review_app

        return int(run_review_app(review_app(repo, patch, source, args.source)) or 0)
    if args.accept is None:
        raise UsageError("--yes needs --accept SPEC (e.g. --accept 1,3-5, all or none)")
    chosen = parse_spec(args.accept, patch.hunk_count)
    if source in ("worktree", "applied"):  # worktree rejects leave the index too (pairtui.diff.reject)
        numbers = set(chosen) if args.reverse else set(range(1, patch.hunk_count + 1)) - set(chosen)
        change, reverse = select_hunks(patch, numbers, for_reverse=True), True
        verb = "rejected" if numbers else "kept all"
    else:
        change, reverse = select_hunks(patch, chosen, for_reverse=args.reverse), args.reverse
        numbers = set(chosen)
        verb = "un-applied" if args.reverse else "applied"
    if not change.files:
        print(f"nothing to do: {verb} 0 hunks")
        return 0
    checkpoint = _checkpoint(repo, "before pairtui review --yes")
    if source == "worktree":
        from pairtui.diff.reject import reject_hunks

        reject_hunks(repo.root, patch, numbers)
    else:
        apply_patch(repo.root, change, reverse=reverse)
    files = len(change.files)
    note = f"; 'pairtui restore {checkpoint}' undoes it" if checkpoint else ""
    hunks = f"{len(numbers)} hunk{'s' if len(numbers) != 1 else ''}"
    print(f"{verb} {hunks} in {files} file{'s' if files != 1 else ''}{note}")
    return 0


def review_app(repo: RepoInfo, patch: Patch, source: str, revs: str | None = None) -> ReviewApp:
    """The interactive review as the command runs it: its first write to the tree (in working-tree
    mode, the first rejected hunk) is preceded by a checkpoint, so `pairtui restore` brings
    back what was reverse-applied. A range of pairtui chunks labels each hunk with its chunk."""
    from pairtui.ui.review_app import ReviewApp

    return ReviewApp(repo.root, patch, source,  # type: ignore[arg-type]
                     checkpoint=lambda: _checkpoint(repo, "before pairtui review"),
                     hunk_labels=_hunk_chunks(repo.root, source, revs, patch),
                     reload=(lambda: load_source(repo.root, None)[1]) if source == "worktree" else None)


def _hunk_chunks(root: Path, source: str, revs: str | None, patch: Patch) -> list[str]:
    """The chunk each hunk came from, for a rev range of pairtui commits; [] otherwise."""
    if source not in ("revs", "applied") or not revs:
        return []
    from pairtui.git.range_chunks import hunk_chunks

    return hunk_chunks(root, revs, patch)


def _chunk_story(root: Path, revs: str) -> str:
    """Which pairtui chunk each commit of the range is (its trailers); "" for a plain range."""
    from pairtui.git.range_chunks import range_commits, story

    told = story(range_commits(root, revs))
    return f"commits (oldest first):\n{told}\n" if told else ""


def keep_drop_note(revs: str) -> str:
    return (f"keep/drop: {revs} is already in the working tree; accepted hunks stay, "
            "rejected ones are reverse-applied")


def load_source(root: Path, source: str | None) -> tuple[str, Patch]:
    """("worktree" | "patch" | "revs" | "applied", the Patch to review); "applied" is a rev
    range whose result the working tree already holds (reviewed as keep/drop)."""
    if source is None:
        from pairtui.diff.compute import WORKTREE, diff_between, head_tree_or_empty

        return "worktree", diff_between(root, head_tree_or_empty(root), WORKTREE)
    path = Path(source)
    if path.is_file():
        try:
            data = path.read_bytes()
        except OSError as err:
            raise UsageError(f"{source}: cannot read the patch file: {err.strerror}") from err
        patch = read_patch(data)
        if not patch.files:
            raise PatchError(f"{source}: no diff found in this file")
        return "patch", patch
    from pairtui.diff.compute import diff_rev_range
    from pairtui.git.worktree_match import range_end, worktree_holds

    try:
        patch = diff_rev_range(root, source)
    except UsageError as err:
        raise UsageError(f"{source}: not a patch file or a revision range ({err})") from err
    touched = {p for f in patch.files for p in (f.old_path, f.new_path) if p}
    if worktree_holds(root, range_end(source), touched):
        return "applied", patch
    return "revs", patch



def list_hunks(patch: Patch, root: Path | None = None, labels: list[str] | None = None) -> str:
    """One line per hunk: "N  path  @@ -a,b +c,d @@  +x -y" (whole-file changes described;
    with `root`, a binary change without data says whether its blob is there to apply; with
    `labels`, one per hunk, each line ends with its own, e.g. the chunk it came from)."""
    out: list[str] = []
    for n, (fi, hi) in enumerate(patch.hunk_refs(), 1):
        if labels and n <= len(labels) and labels[n - 1]:
            out.append(_list_line(patch, root, n, fi, hi).rstrip("\n") + f"  {labels[n - 1]}\n")
        else:
            out.append(_list_line(patch, root, n, fi, hi))
    return "".join(out)


def _list_line(patch: Patch, root: Path | None, n: int, fi: int, hi: int) -> str:
    f = patch.files[fi]
    path = _shown(f.path)
    if f.old_path and f.new_path and f.old_path != f.new_path:
        path = f"{_shown(f.old_path)} => {path}"
    if f.is_binary or not f.hunks:
        what = _whole_file(f)
        if f.is_binary and root is not None and (note := stored_blob_note(root, f)):
            what = f"{what[:-1]}, {note}]"
        return f"{n}  {path}  {what}\n"
    h = f.hunks[hi]
    mode = f"  [mode {f.old_mode} -> {f.new_mode}]" if hi == 0 and f.mode_changed else ""
    bare = "" if has_context(h) or f.status in (FileStatus.ADDED, FileStatus.DELETED) \
        else "  [no context: applied as git apply --unidiff-zero]"
    return f"{n}  {path}  {h.header}  +{h.added} -{h.removed}{mode}{bare}\n"


def _whole_file(f: FileDiff) -> str:
    parts: list[str] = []
    if f.is_binary:
        parts.append("binary")
    if f.old_path is None:
        parts.append(f"new file {f.new_mode or ''}".strip())
    elif f.new_path is None:
        parts.append("deleted file")
    elif f.old_path != f.new_path:
        parts.append(f"{f.status.value} ({f.similarity}% similar)" if f.similarity is not None
                     else f.status.value)
    if f.mode_changed:
        parts.append(f"mode {f.old_mode} -> {f.new_mode}")
    return "[" + ", ".join(parts or ["no content change"]) + "]"


def _shown(path: str) -> str:
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _checkpoint(repo: RepoInfo, message: str) -> str | None:
    """A save point before the tree changes (None only while checkpoints are unavailable)."""
    try:
        from pairtui.commands.checkpoint import session_for
        from pairtui.git.checkpoints import Checkpoints

        cp = Checkpoints(repo.root, session_for(repo)).snapshot(
            "pre-review", message=message, count=False)
    except NotImplementedError:
        return None
    return cp.id
