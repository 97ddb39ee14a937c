"""Which pairtui chunk each commit of a rev range is, read from its Pairtui-* trailers, and
which chunk each hunk of the range's diff came from.

`pairtui review main..pairtui/<branch>` of a run's branch says, commit by commit, "chunk 2/3
<title>" with its check, so the person sees the run's story before its hunks; commits pairtui
did not make are named as such (never guessed). Each hunk is traced with `git blame` limited to
the range: its added lines to the commit that wrote them, its removed lines (`blame --reverse`)
to the commit after the last one that still had them; a hunk made of several commits' lines
names each.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pairtui.diff.model import FileDiff, Hunk, Patch
from pairtui.git.plumbing import Git
from pairtui.git.trailers import pairtui_trailers


@dataclass(frozen=True)
class RangeCommit:
    commit: str
    subject: str
    chunk: str | None     # "2/3 Add the tests", from Pairtui-Chunk; None: not a pairtui chunk
    verify: str | None    # Pairtui-Verify, if any
    session: str | None


def range_commits(root: Path, revs: str) -> list[RangeCommit]:
    """The range's commits, oldest first (one commit for a single rev); [] if git says no."""
    args = [revs] if ".." in revs else ["-1", revs]
    out = Git(root).try_run("log", "--reverse", "--format=%H%x00%B%x00", *args, "--")
    if not out.ok:
        return []
    found: list[RangeCommit] = []
    fields = os.fsdecode(out.stdout).split("\0")
    for sha, message in zip(fields[0::2], fields[1::2], strict=False):
        sha = sha.strip()
        if not sha:
            continue
        trailers = pairtui_trailers(message)
        found.append(RangeCommit(sha, message.strip().split("\n", 1)[0], trailers.get("Chunk"),
                                 trailers.get("Verify"), trailers.get("Session")))
    return found


def story(commits: list[RangeCommit]) -> str:
    """One line per commit when any of them came from pairtui; "" otherwise (a plain range)."""
    if not any(c.chunk for c in commits):
        return ""
    lines = []
    for c in commits:
        if c.chunk:
            check = f" (check: {c.verify})" if c.verify else ""
            lines.append(f"{c.commit[:10]} chunk {c.chunk}{check}\n")
        else:
            lines.append(f"{c.commit[:10]} not a pairtui chunk: {c.subject}\n")
    return "".join(lines)


def hunk_chunks(root: Path, revs: str, patch: Patch) -> list[str]:
    """One label per hunk of `patch` (the range's diff, numbered as `Patch.hunk_refs`): "chunk
    2/3 <title>", several joined by "; ", a plain commit as "not a pairtui chunk: <subject>",
    "" where nothing says. [] when no commit of the range is a pairtui chunk (a plain range)."""
    commits = range_commits(root, revs)
    if not any(c.chunk for c in commits):
        return []
    span = _span(Git(root), revs)
    if span is None:
        return ["" for _ in patch.hunk_refs()]
    order = [c.commit for c in commits]
    labels = {c.commit: f"chunk {c.chunk}" if c.chunk else f"not a pairtui chunk: {c.subject}"
              for c in commits}
    out: list[str] = []
    for fi, hi in patch.hunk_refs():
        f = patch.files[fi]
        if f.is_binary or not f.hunks:
            found = span.touching(f)
        else:
            found = _hunk_commits(span, f, f.hunks[hi], order)
        out.append("; ".join(labels[c] for c in order if c in found))
    return out


@dataclass(frozen=True)
class _Span:
    """The range as the review diffs it (base -> tip) and where blame starts: their merge base
    (the base itself, unless the base moved on since the branch was made)."""

    git: Git
    base: str
    tip: str
    since: str

    def same_lines(self, path: str) -> bool:
        """Does `since` number `path`'s lines as `base` does (the same blob)?"""
        if self.since == self.base:
            return True
        ids = [self.git.try_run("rev-parse", "--verify", "--quiet", f"{rev}:{path}")
               for rev in (self.base, self.since)]
        return all(i.ok for i in ids) and ids[0].stdout == ids[1].stdout

    def touching(self, f: FileDiff) -> set[str]:
        """The range's commits that touched the file (whole-file changes: binary, renames)."""
        paths = sorted({p for p in (f.old_path, f.new_path) if p})
        out = self.git.try_run("log", "--format=%H", f"{self.since}..{self.tip}", "--", *paths)
        return set(os.fsdecode(out.stdout).split()) if out.ok else set()


def _span(git: Git, revs: str) -> _Span | None:
    if "..." in revs:
        a, _, b = revs.partition("...")
        base, tip = _sha(git, "merge-base", a or "HEAD", b or "HEAD"), b or "HEAD"
    elif ".." in revs:
        a, _, b = revs.partition("..")
        base, tip = a or "HEAD", b or "HEAD"
    else:
        base, tip = f"{revs}^", revs
    base = base and _sha(git, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}")
    tip = _sha(git, "rev-parse", "--verify", "--quiet", f"{tip}^{{commit}}")
    since = base and tip and _sha(git, "merge-base", base, tip)
    return _Span(git, base, tip, since) if since else None


def _sha(git: Git, *args: str) -> str:
    out = git.try_run(*args)
    return os.fsdecode(out.stdout).strip() if out.ok else ""


def _hunk_commits(span: _Span, f: FileDiff, hunk: Hunk, order: list[str]) -> set[str]:
    """The range's commits that wrote the hunk's added lines or removed its removed lines."""
    added, removed = _changed_lines(hunk)
    found: set[str] = set()
    if added and f.new_path:
        found |= set(_blame(span, f.new_path, added, reverse=False).values())
    if removed and f.old_path and span.same_lines(f.old_path):
        kept_until = _blame(span, f.old_path, removed, reverse=True)
        for last in kept_until.values():  # removed by the commit after the last that had it
            at = order.index(last) + 1 if last in order else 0
            if at < len(order):
                found.add(order[at])
    elif removed:
        found |= span.touching(f)
    return found or span.touching(f)


def _changed_lines(hunk: Hunk) -> tuple[list[int], list[int]]:
    """New-side numbers of the added lines, old-side numbers of the removed ones."""
    old, new = hunk.old_start, hunk.new_start
    added: list[int] = []
    removed: list[int] = []
    for line in hunk.lines:
        if line.kind == "+":
            added.append(new)
            new += 1
        elif line.kind == "-":
            removed.append(old)
            old += 1
        elif line.kind == " ":
            old, new = old + 1, new + 1
    return added, removed


def _blame(span: _Span, path: str, lines: list[int], reverse: bool) -> dict[int, str]:
    """line -> commit, from `git blame --porcelain` over since..tip: the commit that wrote the
    line (boundary lines left out), or with --reverse the last commit that still had it."""
    spans = [arg for start, end in _runs(lines) for arg in ("-L", f"{start},{end}")]
    walk = ["--reverse"] if reverse else []
    out = span.git.try_run("blame", "--porcelain", *spans, *walk, f"{span.since}..{span.tip}",
                           "--", path)
    if not out.ok:
        return {}
    found: dict[int, str] = {}
    boundary: set[str] = set()
    current = ""
    for raw in os.fsdecode(out.stdout).splitlines():
        head = raw.split(" ")
        if len(head) >= 3 and len(head[0]) == 40 and head[2].isdigit():
            current = head[0]
            found[int(head[2])] = current  # the line in the file blamed: tip's (since's, reverse)
        elif raw == "boundary":
            boundary.add(current)
    wanted = set(lines)
    return {n: c for n, c in found.items() if n in wanted and (reverse or c not in boundary)}


def _runs(lines: list[int]) -> list[tuple[int, int]]:
    """Sorted line numbers as (first, last) runs, one -L each."""
    runs: list[tuple[int, int]] = []
    for n in sorted(lines):
        if runs and n == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs
