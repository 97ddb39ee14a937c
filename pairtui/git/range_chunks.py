"""Which pairtui chunk each commit of a rev range is, read from its Pairtui-* trailers.

`pairtui review main..pairtui/<branch>` of a run's branch says, commit by commit, "chunk 2/3
<title>" with its check, so the person sees the run's story before its hunks; commits pairtui
did not make are named as such (never guessed).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

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
