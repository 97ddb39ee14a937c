"""The corpus as the real-history tests use it: worktrees, cheap resets, verdicts and variants.

Two git worktrees hold the same base commit: pairtui applies in `mine`, `git apply` in `ref`.
Between items only the paths the change touches are read and put back (from the state taken
right after checkout), so 2,500 subsets cost no full checkouts; every switch of base commit
first checks with `git status` that the previous group left both trees clean.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from pairtui.diff.model import Patch
from pairtui.diff.parse import read_patch
from pairtui.errors import PairtuiError
from tests.support_history import (
    CACHE,
    Change,
    FileText,
    build_corpus,
    full_binaries,
    make_patch,
    short_binary_ids,
    split_patch,
)

State = dict[str, tuple[str, bytes] | None]

def _git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    out = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env)
    if out.returncode:
        raise AssertionError(f"git {' '.join(args)} failed in {cwd}: {out.stderr.strip()}")
    return out.stdout


class Corpus:
    """The built corpus repo, its worktrees, cached patches and the running tally."""

    def __init__(self, root: Path, changes: list[Change]) -> None:
        self.root = root
        self.repo = root / "repo"
        self.changes = {c.name: c for c in changes}
        self.mine, self.ref, self.bad = root / "mine", root / "ref", root / "box" / "bad"
        for wt in (self.mine, self.ref, self.bad):
            _git(self.repo, "worktree", "add", "-q", "--detach", str(wt), "main")
        self._base: tuple[str, tuple[str, ...]] | None = None
        self.paths: tuple[str, ...] = ()
        self.base_state: State = {}
        self._patches: dict[tuple[str, str], tuple[bytes, list[FileText], Patch | PairtuiError]]
        self._patches = {}
        self._full: dict[str, dict[bytes, FileText]] = {}
        self.stats: Counter[str] = Counter()
        self.examples: dict[str, list[str]] = {}

    def change(self, name: str) -> Change:
        if name not in self.changes:
            pytest.skip(f"{name}: no such change in this corpus")
        return self.changes[name]

    def patch(self, c: Change, flavour: str) -> tuple[bytes, list[FileText], Patch | PairtuiError]:
        """(patch bytes, its files as text, pairtui's parse of it or the error it raised)."""
        key = (c.name, flavour)
        if key not in self._patches:
            data = make_patch(self.repo, c, flavour)
            try:
                parsed: Patch | PairtuiError = read_patch(data)
            except PairtuiError as err:
                parsed = err
            self._patches[key] = (data, split_patch(data), parsed)
        return self._patches[key]

    def with_full_binaries(self, c: Change, texts: list[FileText]) -> list[FileText] | None:
        """`texts` with each binary change that has no data and abbreviated ids replaced by the
        same change from `git diff --binary --full-index`, when every such id names exactly one
        object here (what the issue asks pairtui to apply from the object store); None when an
        id does not."""
        if c.name not in self._full:
            self._full[c.name] = full_binaries(self.repo, c)
        out: list[FileText] = []
        for f in texts:
            ids = short_binary_ids(f)
            if ids and not all(self._unique(i) for i in ids):
                return None
            out.append(self._full[c.name].get(f.header[0], f) if ids else f)
        return out

    def _unique(self, short: str) -> bool:
        if set(short) == {"0"}:
            return True
        out = subprocess.run(["git", "cat-file", "--batch-check"], cwd=self.repo,
                             input=short + "\n", capture_output=True, text=True)
        return out.returncode == 0 and out.stdout.split()[1:2] == ["blob"]

    def checkout(self, commit: str, paths: tuple[str, ...]) -> None:
        """Both trees at `commit`; the touched `paths` remembered for compare and restore."""
        if self._base == (commit, paths):
            return
        self.assert_clean()
        for wt in (self.mine, self.ref):
            _git(wt, "checkout", "-q", "-f", "--detach", commit)
        self._base, self.paths = (commit, paths), paths
        self.base_state = self.result(self.mine)

    def result(self, wt: Path) -> State:
        out: State = {}
        for rel in self.paths:
            p = wt / rel
            if p.is_symlink():
                out[rel] = ("120000", os.readlink(p).encode())
            elif p.is_file():
                out[rel] = ("100755" if os.stat(p).st_mode & 0o100 else "100644", p.read_bytes())
            else:
                out[rel] = None
        return out

    def restore(self) -> None:
        """Put the touched paths back as they were after checkout, in both trees."""
        for wt in (self.mine, self.ref):
            now = self.result(wt)
            for rel, was in self.base_state.items():
                if now[rel] == was:
                    continue
                p = wt / rel
                if now[rel] is not None and (was is None or "120000" in (was[0], now[rel][0])):
                    p.unlink()  # slow on some file systems: only when the file must go
                if was is None:
                    _prune(p.parent, wt)
                    continue
                p.parent.mkdir(parents=True, exist_ok=True)
                if was[0] == "120000":
                    os.symlink(was[1], p)
                else:
                    p.write_bytes(was[1])
                    p.chmod(0o755 if was[0] == "100755" else 0o644)

    def assert_clean(self) -> None:
        """Both comparison trees hold exactly their commit: every restore was complete."""
        for wt in (self.mine, self.ref):
            left = _git(wt, "status", "--porcelain", "--untracked-files=all")
            assert not left, f"{wt.name} was left changed:\n{left}"

    def reset_bad(self, commit: str) -> None:
        _git(self.bad, "checkout", "-q", "-f", "--detach", commit)
        _git(self.bad, "clean", "-qfdx")

    def tree(self, wt: Path) -> tuple[str, tuple[str, ...]]:
        """The tree id of everything in `wt` (untracked included), and what sits beside it."""
        env = dict(os.environ, GIT_INDEX_FILE=str(self.root / "tree-index"))
        Path(env["GIT_INDEX_FILE"]).unlink(missing_ok=True)
        _git(wt, "add", "-A", env=env)
        beside = tuple(sorted(os.listdir(wt.parent)))
        return _git(wt, "write-tree", env=env).strip(), beside


def _prune(directory: Path, top: Path) -> None:
    while directory != top and directory.is_dir() and not any(directory.iterdir()):
        directory.rmdir()
        directory = directory.parent


def corpus_or_skip(root: Path) -> Corpus:
    try:
        changes = build_corpus(root / "repo")
    except (OSError, subprocess.TimeoutExpired) as err:
        pytest.skip(f"real-history corpus unavailable (cache {CACHE}): {err}")
    return Corpus(root, changes)


def git_apply(wt: Path, patch: bytes, *, zero: bool, reverse: bool, check: bool = False
              ) -> str | None:
    """None when `git apply` applied (or, with check, would apply) the patch; else its error."""
    args = ["git", "apply"] + ["--unidiff-zero"] * zero + ["-R"] * reverse + ["--check"] * check
    out = subprocess.run(args + ["-"], cwd=wt, input=patch, capture_output=True)
    if out.returncode == 0:
        return None
    lines = out.stderr.decode("utf-8", "replace").strip().splitlines()
    errors = [ln for ln in lines if ln.startswith(("error:", "fatal:"))] or lines
    return " / ".join(errors[:2]) or f"exit {out.returncode}"


def classify(flavour: str, mine_error: str | None, git_error: str | None, mine: State,
             ref: State, base: State, *, store: bool = False) -> str:
    """The verdict of one subset: "identical", "both refused", or a mismatch class. With
    `store`, the reference applied short-id binaries from the object store (full-index copy)."""
    zero = "zero-context: " if flavour == "U0" else ""
    if store:
        zero = "binary short id naming one blob: " + zero
    if mine_error is not None and mine_error.startswith("CRASH"):
        return "pairtui crashed"
    if mine_error is not None and mine != base:
        return "pairtui refused but changed the tree"
    if mine_error is None and git_error is None:
        return "identical" if mine == ref else zero + "different result, both applied"
    if mine_error is not None and git_error is not None:
        if ("without full index line" in git_error and "binary" in mine_error
                and "full index" not in mine_error):
            return "binary without full index: refused for another reason"
        return "both refused"
    if mine_error is None:
        assert git_error is not None
        if "without full index line" in git_error:
            return "binary without full index: pairtui applies, git refuses"
        return zero + "pairtui applies, git refuses"
    return zero + "pairtui refuses, git applies"


def run_review(corpus: Corpus, patch: bytes, spec: str = "all", reverse: bool = False,
               cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`pairtui review PATCH --accept SPEC --yes [--reverse]` in `cwd` (the `bad` worktree)."""
    path = corpus.root / "variant.patch"
    path.write_bytes(patch)
    return subprocess.run([sys.executable, "-m", "pairtui", "review", str(path), "--accept",
                           spec, "--yes"] + ["--reverse"] * reverse, cwd=cwd or corpus.bad,
                          capture_output=True, text=True)


_HUNK = re.compile(rb"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def malformed_variants(data: bytes) -> dict[str, bytes]:
    """Broken copies of a real patch: truncated mid-hunk, hunk counts one off (old, new or both)
    at the first, middle and last hunk, a line between hunks that is not a hunk, paths escaping
    the tree or pointing into .git; and the patch itself (to apply twice)."""
    lines = data.splitlines(keepends=True)
    heads = [i for i, ln in enumerate(lines) if ln.startswith(b"@@ -")]
    out = {"applied-twice": data}
    mid = heads[len(heads) // 2]
    end = next((i for i in range(mid + 1, len(lines))
                if lines[i].startswith((b"@@ -", b"diff --git "))), len(lines))
    out["truncated"] = b"".join(lines[:mid + 1 + max(1, (end - mid - 1) // 2)])
    for where, at in (("first", heads[0]), ("middle", mid), ("last", heads[-1])):
        m = _HUNK.match(lines[at])
        assert m
        a, b, c, d = (int(g) if g is not None else 1 for g in m.groups())
        for side in ("old", "new", "both"):
            for sign in (1, -1):
                nb = b + sign if side != "new" else b
                nd = d + sign if side != "old" else d
                changed = list(lines)
                changed[at] = b"@@ -%d,%d +%d,%d @@" % (a, nb, c, nd) + lines[at][m.end():]
                out[f"count-{side}{sign:+d}-{where}"] = b"".join(changed)
    out["junk-between-hunks"] = b"".join(lines[:mid] + [b"not a hunk line\n"] + lines[mid:])
    first_end = next((i for i in range(1, len(lines)) if lines[i].startswith(b"diff --git ")),
                     len(lines))
    for name, prefix in (("dotdot", b"../"), ("dotgit", b".git/")):
        changed = list(lines)
        for i in range(first_end):
            ln = changed[i]
            if ln.startswith((b"diff --git ", b"--- ", b"+++ ")):
                ln = ln.replace(b" a/", b" a/" + prefix, 1).replace(b" b/", b" b/" + prefix, 1)
            changed[i] = ln
        out[name] = b"".join(changed)
    return out
