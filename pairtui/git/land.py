"""Land a chunk as one commit on the current branch. (Interface fixed; owned by the git work.)

The commit holds exactly the chunk's accepted changes (start checkpoint -> reviewed state)
on top of HEAD, never the person's own uncommitted edits. It is built in a temporary index
holding HEAD (a copy of the person's index with their staged changes put back): a path the person had not touched since HEAD takes the reviewed version
as is; a path they had touched gets only the chunk's diff, through `git apply --cached
--3way`, and if that cannot separate the two the landing stops with OverlapError (nothing
written) unless the caller chose to include the person's edits in those files.

The working tree is never written. The pre-commit hook runs (as `git commit` would, on the
temp index); if it fails, its output is shown and nothing is committed. The branch moves by
`update-ref` guarded by its old value, with a reflog entry like `git commit`'s; then the
person's real index is brought up to date for the landed paths only, so `git status` shows
just their own edits. A crash between the two is repaired by `sync_index_after_land`.

The message is the chunk's title, its plan text, then its Pairtui-* trailers (git/trailers.py:
session, chunk, check, models, cost; a revert's `Pairtui-Reverts`), the story `pairtui why`
reads back. `extra_files` go into the same commit whatever the chunk did (the kept plan file
landing with the first chunk); `land_files` commits such files on their own.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pairtui.errors import GitError
from pairtui.git.crashpoints import crash_point
from pairtui.git.plumbing import Git, first_line
from pairtui.git.repo import HeadState, read_head
from pairtui.git.tempindex import TempIndex, locate_index
from pairtui.git.trailers import compose
from pairtui.git.treediff import (
    Change,
    Entry,
    changed_paths,
    index_entries,
    index_info,
    parse_raw,
    tree_changes,
)

_REGULAR = ("100644", "100755")
_IDENTITY_HELP = (
    "git does not know who you are, so the chunk cannot be committed; set it with: "
    'git config --global user.name "Your Name" && git config --global user.email you@example.com'
)


class OverlapError(GitError):
    """The chunk changed lines the person had also changed (uncommitted): they cannot be
    committed apart. Offer: land including the person's edits in `paths`, or leave the chunk
    uncommitted (nothing has been written)."""

    def __init__(self, paths: Sequence[str]) -> None:
        self.paths = tuple(paths)
        shown = ", ".join(self.paths[:5]) + (f" and {len(self.paths) - 5} more" if len(self.paths) > 5 else "")
        super().__init__(
            f"the chunk's changes overlap your uncommitted edits in {shown}; either land it "
            "including your edits in those files, or leave the chunk uncommitted"
        )


class HookFailedError(GitError):
    """The pre-commit hook refused the commit; nothing was committed, no file was changed."""

    def __init__(self, output: str) -> None:
        self.output = output
        tail = "\n".join(output.rstrip().splitlines()[-30:])
        super().__init__(
            "pre-commit hook failed; nothing was committed and your files are unchanged"
            + (f":\n{tail}" if tail else "")
        )


@dataclass(frozen=True)
class LandResult:
    commit: str | None  # sha, or None when nothing was committed
    message: str        # one line for the person ("landed 3 files as abc1234", hook output...)


def land_chunk(
    repo_root: Path,
    start_tree: str,
    reviewed_tree: str,
    subject: str,
    body: str = "",
    include_overlapping_user_edits: bool = False,
    run_hooks: bool = True,
    trailers: Sequence[tuple[str, str]] = (),
    extra_files: Mapping[str, bytes] | None = None,
) -> LandResult:
    """Commit exactly the changes start_tree -> reviewed_tree (plus `extra_files`, path ->
    content, as regular files) on top of HEAD, the message ending with `trailers`.

    The person's uncommitted edits made before the chunk stay uncommitted and in place.
    Raises GitError (e.g. OverlapError) when that cannot be done safely.
    """
    git = Git(repo_root)
    _require_identity(git)
    chunk = tree_changes(git, start_tree, reviewed_tree)
    if not chunk:
        return LandResult(None, "nothing to land: the chunk has no accepted changes")
    extra = _blobs(git, extra_files or {}, {c.path for c in chunk})
    head = read_head(git)
    git_dir, user_index = locate_index(git, Path(repo_root))
    user_touched = changed_paths(git, head.commit, start_tree)
    with TempIndex(git_dir) as index:
        _start_from_head(git, index, head, user_index)
        overlaps = _build_index(git, index, chunk, user_touched, start_tree, reviewed_tree,
                                include_overlapping_user_edits)
        if extra:
            git.run("update-index", "-z", "--index-info", env=index.env, input=index_info(extra),
                    what="landing (git update-index)")
        crash_point("land:index-built")
        if run_hooks:
            _run_pre_commit(git, index)
        crash_point("land:hook-ran")
        tree = git.line("write-tree", env=index.env, what="landing (git write-tree)")
    if head.commit and tree == git.line("rev-parse", f"{head.commit}^{{tree}}"):
        return LandResult(None, "nothing to land: HEAD already has these changes")
    commit = _commit(git, tree, head, subject, body, trailers)
    crash_point("land:commit-written")
    _move_head(git, head, commit, subject)
    crash_point("land:head-updated")
    kept = sync_index_after_land(repo_root, commit)
    crash_point("land:index-synced")
    return LandResult(commit, _summary(len(chunk) + len(extra), commit, subject, head, overlaps, kept))


def land_files(
    repo_root: Path,
    files: Mapping[str, bytes],
    subject: str,
    body: str = "",
    trailers: Sequence[tuple[str, str]] = (),
) -> LandResult:
    """Commit `files` (path -> content, regular files) alone on top of HEAD, as land_chunk
    does: the working tree is not read, the person's staged and unstaged edits stay theirs.
    No hook runs: this is pairtui's own record (the kept plan), not the person's code."""
    git = Git(repo_root)
    _require_identity(git)
    head = read_head(git)
    git_dir, user_index = locate_index(git, Path(repo_root))
    with TempIndex(git_dir) as index:
        _start_from_head(git, index, head, user_index)
        git.run("update-index", "-z", "--index-info", env=index.env,
                input=index_info(_blobs(git, files, set())), what="landing (git update-index)")
        tree = git.line("write-tree", env=index.env, what="landing (git write-tree)")
    if head.commit and tree == git.line("rev-parse", f"{head.commit}^{{tree}}"):
        return LandResult(None, "nothing to land: HEAD already has these files")
    commit = _commit(git, tree, head, subject, body, trailers)
    _move_head(git, head, commit, subject)
    kept = sync_index_after_land(repo_root, commit)
    return LandResult(commit, _summary(len(files), commit, subject, head, [], kept))


def _blobs(git: Git, files: Mapping[str, bytes], taken: set[str]) -> list[tuple[str, Entry | None]]:
    """Index entries for `files`, written to the object store; a path the chunk itself changed
    keeps the chunk's version (the chunk is what was reviewed)."""
    entries: list[tuple[str, Entry | None]] = []
    for path, data in files.items():
        if path in taken:
            continue
        sha = git.run("hash-object", "-w", "--no-filters", "--stdin", input=data).decode().strip()
        entries.append((path, Entry("100644", sha)))
    return entries


def _start_from_head(git: Git, index: TempIndex, head: HeadState, user_index: Path) -> None:
    """The temp index holds HEAD's tree. It starts as a copy of the person's index, with
    their staged changes put back to HEAD, so files they have not touched keep fresh stat
    data: a pre-commit hook that diffs against it does not rehash the whole tree."""
    if head.commit is None:
        return  # unborn: start empty; nothing the person staged goes in
    index.copy_from(user_index)
    staged = git.try_run("diff-index", "--cached", "-z", "--raw", "--no-renames", head.commit,
                         env=index.env)
    if not staged.ok or b" U\0" in staged.stdout:  # unreadable or conflicted: HEAD alone
        git.run("read-tree", head.commit, env=index.env, what="landing (git read-tree)")
        return
    back = [(c.path, c.old) for c in parse_raw(staged.stdout)]
    if back:
        git.run("update-index", "-z", "--index-info", env=index.env, input=index_info(back),
                what="landing (git update-index)")


def _build_index(
    git: Git,
    index: TempIndex,
    chunk: list[Change],
    user_touched: set[str],
    start_tree: str,
    reviewed_tree: str,
    include_overlaps: bool,
) -> list[str]:
    """HEAD plus the chunk's changes in the temp index; returns the overlapping paths taken
    whole from the reviewed tree (only when allowed; else raises OverlapError)."""
    clean = [(c.path, c.new) for c in chunk if c.path not in user_touched]
    if clean:
        git.run("update-index", "-z", "--index-info", env=index.env, input=index_info(clean),
                what="landing (git update-index)")
    overlaps: list[str] = []
    for change in chunk:
        if change.path not in user_touched:
            continue
        patch = git.run("--literal-pathspecs", "diff-tree", "-p", "--binary", "--full-index",
                        "--no-renames", start_tree, reviewed_tree, "--", change.path)
        applied = git.try_run("apply", "--cached", "--3way", "--whitespace=nowarn", "-",
                              env=index.env, input=patch)
        if applied.ok:
            continue
        overlaps.append(change.path)
        # Clear whatever the failed merge left (conflict stages) for this path.
        git.run("update-index", "-z", "--index-info", env=index.env,
                input=index_info([(change.path, change.new)]), what="landing (git update-index)")
    if overlaps and not include_overlaps:
        raise OverlapError(overlaps)
    return overlaps


def _run_pre_commit(git: Git, index: TempIndex) -> None:
    """Like `git commit`: the hook sees the index being committed (GIT_INDEX_FILE)."""
    result = git.try_run("hook", "run", "--ignore-missing", "pre-commit", env=index.env)
    if not result.ok:
        raise HookFailedError(result.stderr + result.stdout.decode("utf-8", "replace"))


def _commit(git: Git, tree: str, head: HeadState, subject: str, body: str,
            trailers: Sequence[tuple[str, str]] = ()) -> str:
    message = compose(" ".join(subject.split()) or "pairtui chunk", body.strip(), trailers)
    parents = ["-p", head.commit] if head.commit else []
    out = git.run("commit-tree", tree, *parents, "-F", "-",
                  input=message.encode("utf-8", "surrogateescape"), what="landing (git commit-tree)")
    return out.decode().strip()


def _move_head(git: Git, head: HeadState, commit: str, subject: str) -> None:
    """Advance the branch (or detached HEAD) only if it still is where we started from;
    through HEAD, so both HEAD's and the branch's reflogs record it as `git commit` does."""
    kind = "initial" if head.unborn else "pairtui"
    result = git.try_run("update-ref", "-m", f"commit ({kind}): {subject}", "HEAD", commit,
                         head.commit or "")
    if not result.ok:
        raise GitError(
            f"HEAD moved while the chunk was landing; nothing was committed "
            f"({first_line(result.stderr)}); try again"
        )


def sync_index_after_land(repo_root: Path, commit: str) -> list[str]:
    """Make the person's index agree with a landed commit for the paths it changed.

    A path whose index entry still matched the commit's parent takes the commit's entry (as
    `git commit` of those paths would leave it). A path the person had staged differently
    gets their staged change merged onto the commit's version, so it stays staged; if the two
    cannot be merged it is left alone and returned. Idempotent, so it also repairs a landing
    killed halfway."""
    git = Git(repo_root)
    parent_line = git.try_run("rev-parse", "-q", "--verify", f"{commit}^1")
    parent = parent_line.stdout.decode().strip() if parent_line.ok else None
    changes = tree_changes(git, parent, commit)
    current = index_entries(git, [c.path for c in changes])
    updates: list[tuple[str, Entry | None]] = []
    kept: list[str] = []
    for change in changes:
        now = current[change.path]
        if now == change.new:
            continue
        if now == change.old:
            updates.append((change.path, change.new))
        elif (merged := _merge_staged(git, change, now)) is not None:
            updates.append((change.path, merged))
        else:
            kept.append(change.path)
    if updates:
        result = git.try_run("update-index", "-z", "--index-info", input=index_info(updates))
        if not result.ok:
            raise GitError(
                f"landed as {commit[:7]}, but your index could not be updated "
                f"({first_line(result.stderr)}); 'git reset -q {commit[:7]} -- <files>' fixes it"
            )
    return kept


def _merge_staged(git: Git, change: Change, staged: Entry | None) -> Entry | None:
    """The person's staged change to a file (parent -> staged) replayed onto the landed
    version, or None when that is not a clean text merge."""
    entries = (staged, change.old, change.new)
    if any(e is None or e.mode not in _REGULAR for e in entries):
        return None
    with tempfile.TemporaryDirectory(prefix="pairtui-merge-") as tmp:
        names = []
        for label, entry in zip(("staged", "base", "landed"), entries, strict=True):
            assert entry is not None
            path = Path(tmp) / label
            path.write_bytes(git.run("cat-file", "blob", entry.sha))
            names.append(str(path))
        merged = git.try_run("merge-file", "-p", *names)
    if not merged.ok:
        return None
    sha = git.run("hash-object", "-w", "--no-filters", "--stdin", input=merged.stdout)
    assert staged is not None
    return Entry(staged.mode, sha.decode().strip())


def _require_identity(git: Git) -> None:
    for var in ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT"):
        if not git.try_run("var", var).ok:
            raise GitError(_IDENTITY_HELP)


def _summary(
    count: int, commit: str, subject: str, head: HeadState, overlaps: list[str], kept: list[str]
) -> str:
    where = " on a detached HEAD" if head.detached else ""
    text = f"landed {count} file{'s' if count != 1 else ''} as {commit[:7]}{where}: {subject}"
    if overlaps:
        text += f" (including your own edits in {', '.join(overlaps)})"
    if kept:
        text += f"; your staged changes to {', '.join(kept)} were left as staged"
    return text
