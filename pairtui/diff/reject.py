"""Rejecting hunks of the working tree's changes (HEAD -> working tree), staged ones included.

A rejected hunk goes from the working tree and, when it was staged, from the index too (what
`git apply --index -R` does), so a reject never leaves the change waiting in the next commit.
Per file: nothing staged -> the working tree only; index equal to the working tree -> both, the
same hunks; partly staged -> a hunk whose change is staged as the very same hunk (same lines
at the same HEAD position) goes from both, a hunk with nothing staged in its lines from the
working tree only, and a hunk staged differently is refused (one line, nothing written).

All-or-nothing: the index is changed first (one `git update-index`); if the working tree then
refuses, the index entries are put back as they were.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from pairtui.diff.apply import apply_patch
from pairtui.diff.compute import INDEX, diff_between, head_tree_or_empty
from pairtui.diff.model import FileDiff, Hunk, Patch
from pairtui.diff.select import select_hunks
from pairtui.errors import GitError, PatchError


def reject_hunks(root: Path, patch: Patch, numbers: set[int]) -> Patch:
    """Un-apply hunks `numbers` of `patch` (HEAD -> working tree) from the working tree and,
    where staged, the index; returns what was taken from the working tree."""
    change = select_hunks(patch, numbers, for_reverse=True)
    reject_change(root, change)
    return change


def reject_change(root: Path, change: Patch) -> None:
    """Reverse-apply `change` (hunks of HEAD -> working tree, positioned for the working tree,
    e.g. `select_hunks(..., for_reverse=True)` or `single_hunk_patch`) to the working tree, and
    take what of it is staged out of the index, as the module docstring says."""
    if not change.files:
        return
    paths = sorted({p for f in change.files for p in (f.old_path, f.new_path) if p})
    staged = diff_between(root, head_tree_or_empty(root), INDEX)
    staged_files = {p: f for f in staged.files for p in (f.old_path, f.new_path) if p}
    if not any(p in staged_files for p in paths):
        apply_patch(root, change, reverse=True)
        return
    unstaged = _names(root, "diff", "--name-only", "--no-renames", "-z", "--", *paths)
    in_index: list[FileDiff] = []
    for f in change.files:
        s = staged_files.get(f.new_path or "") or staged_files.get(f.old_path or "")
        if s is None:
            continue
        if not {f.old_path, f.new_path} & unstaged:
            in_index.append(f)  # the index holds exactly the working tree's file
        elif f.is_binary or not f.hunks or s.is_binary or not s.hunks:
            raise PatchError(f"{f.path}: this file is partly staged; stage it whole (git add) "
                             "or unstage it (git restore --staged) before rejecting")
        else:
            numbers = set().union(*(_same_staged(staged, s, h, f.path) for h in f.hunks))
            in_index.extend(select_hunks(staged, numbers, for_reverse=True).files)
    saved = _index_entries(root, paths)
    apply_patch(root, Patch(tuple(in_index)), reverse=True, index=True)
    try:
        apply_patch(root, change, reverse=True)
    except BaseException:
        _restore_index(root, paths, saved)
        raise


def _same_staged(staged: Patch, s: FileDiff, hunk: Hunk, path: str) -> set[int]:
    """{the staged hunk's number} when `hunk` is staged as it is; {} when nothing staged
    touches its HEAD lines; PatchError when it is staged differently (or cannot be told)."""
    olds = [ln.old_no for ln in hunk.lines if ln.old_no is not None]
    if not olds:
        raise PatchError(f"{path}: hunk {hunk.number}: cannot tell whether it is staged; stage "
                         "the file whole (git add) or unstage it (git restore --staged) first")
    lo, hi = min(olds) - 1, max(olds)
    touching = [h for h in s.hunks if _span(h)[0] < hi and lo < _span(h)[1]]
    if not touching:
        return set()
    if len(touching) == 1 and _lines(touching[0]) == _lines(hunk):
        fi = next(i for i, f in enumerate(staged.files) if f is s)
        return {staged.hunk_refs().index((fi, s.hunks.index(touching[0]))) + 1}
    raise PatchError(f"{path}: hunk {hunk.number} is staged differently from the working tree;"
                     " stage the file whole (git add) or unstage it (git restore --staged) first")


def _span(h: Hunk) -> tuple[int, int]:
    """The HEAD lines a hunk covers, context included (an insertion covers its gap)."""
    before = h.old_start - 1 if h.old_len else h.old_start
    return before, before + max(h.old_len, 1)


def _lines(h: Hunk) -> list[tuple[object, ...]]:
    """What identifies a hunk's change in HEAD's terms: kinds, bytes, HEAD line numbers."""
    return [(ln.kind, ln.raw, ln.old_no, ln.no_newline) for ln in h.lines]


def _names(root: Path, *args: str) -> set[str]:
    out = subprocess.run(["git", *args], cwd=root, capture_output=True)
    if out.returncode != 0:
        raise GitError(f"git {args[0]} failed: {out.stderr.decode(errors='replace').strip()}")
    return {p.decode("utf-8", "surrogateescape") for p in out.stdout.split(b"\0") if p}


def _index_entries(root: Path, paths: list[str]) -> bytes:
    out = subprocess.run(["git", "ls-files", "-s", "-z", "--", *paths], cwd=root,
                         capture_output=True)
    if out.returncode != 0:
        raise GitError("git ls-files failed: " + out.stderr.decode(errors="replace").strip())
    return out.stdout


def _restore_index(root: Path, paths: list[str], saved: bytes) -> None:
    """Put the index entries of `paths` back as `git ls-files -s -z` listed them."""
    records = [r for r in saved.split(b"\0") if r]
    kept = {r.partition(b"\t")[2] for r in records}
    lines = [b"0 " + b"0" * 40 + b"\t" + p.encode("utf-8", "surrogateescape")
             for p in paths if p.encode("utf-8", "surrogateescape") not in kept]
    lines += records
    subprocess.run(["git", "update-index", "-z", "--index-info"], cwd=root,
                   input=b"\0".join(lines) + b"\0", capture_output=True)
