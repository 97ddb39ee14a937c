"""Random reviews of a two-chunk run landed from the inbox (real git, fixed seeds): the run's
chunks, the person's branch moving, their staged and unstaged edits, hunks accepted, split
or taken line by line. Every landing either refuses with files, index and HEAD as they were,
or commits exactly HEAD + the accepted hunks (git merge-file from the chunk's parent), leaves
the person's files as theirs + the hunks, and keeps their staged change staged."""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

import pytest

from pairtui.agent.runs.inbox import Inbox
from pairtui.agent.runs.inbox_land import land_reviewed
from pairtui.config import Config
from pairtui.diff.model import Patch
from pairtui.diff.render import render_patch
from pairtui.diff.select import replace_hunk, select_hunks, select_lines, split_hunk
from pairtui.errors import PairtuiError
from tests.conftest import git
from tests.test_inbox_adversarial import commit_file, make_run_with, state, write

BASE = [f"l{i}" if i % 6 == 0 else f"x{i % 3}" for i in range(24)]  # context that repeats


def _text(lines: list[str]) -> str:
    return "".join(f"{line}\n" for line in lines)


def _merge(tmp: Path, ours: str, base: str, theirs: str) -> str | None:
    for name, text in (("ours", ours), ("base", base), ("theirs", theirs)):
        (tmp / name).write_text(text)
    out = subprocess.run(["git", "merge-file", "-p", *(str(tmp / n) for n in ("ours", "base", "theirs"))],
                         capture_output=True, text=True)
    return out.stdout if out.returncode == 0 else None


def _applied(tmp: Path, base: str, patch: bytes) -> str:
    (tmp / "x").mkdir(exist_ok=True)
    (tmp / "x" / "f.txt").write_text(base)
    subprocess.run(["git", "apply", "-"], cwd=tmp / "x", input=patch, check=True)
    return (tmp / "x" / "f.txt").read_text()


def _mutate(rnd: random.Random, lines: list[str], tag: str) -> list[str]:
    lines = list(lines)
    for _ in range(rnd.randint(1, 3)):
        i = rnd.randrange(len(lines))
        op = rnd.choice("mid")
        if op == "m":
            lines[i] += tag
        elif op == "i":
            lines.insert(i, tag)
        elif len(lines) > 3:
            del lines[i]
    return lines


def _choose(rnd: random.Random, patch: Patch) -> Patch:
    """Some hunks; maybe one of them split with some parts kept, or some of its lines."""
    chosen = select_hunks(patch, [n for n in range(1, patch.hunk_count + 1) if rnd.random() < 0.7])
    if chosen.files and rnd.random() < 0.5:
        k = rnd.randrange(len(chosen.files[0].hunks))
        hunk = chosen.files[0].hunks[k]
        if rnd.random() < 0.5:
            parts = split_hunk(hunk)
            chosen = replace_hunk(chosen, k + 1, [p for p in parts if rnd.random() < 0.6] or parts[:1])
            chosen = select_hunks(chosen, range(1, chosen.hunk_count + 1))
        else:
            lines = [i for i, ln in enumerate(hunk.lines) if ln.kind != " " and rnd.random() < 0.6]
            if lines:
                chosen = replace_hunk(chosen, k + 1, [select_lines(hunk, lines)])
    return chosen


@pytest.mark.parametrize("seed", range(60))
def test_random_reviews_land_exactly_or_change_nothing(tmp_path, seed):
    rnd = random.Random(seed)
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    commit_file(repo, "f.txt", _text(BASE))
    one = _text(_mutate(rnd, BASE, "A"))
    two = _text(_mutate(rnd, one.splitlines(), "B"))
    if _text(BASE) in (one, two) or one == two:
        pytest.skip("the seed made an empty chunk")
    make_run_with(repo, [("One", write("f.txt", one), "true"), ("Two", write("f.txt", two), "true")])
    moved = _text(_mutate(rnd, BASE, "H"))
    if rnd.random() < 0.3 and moved != _text(BASE):
        commit_file(repo, "f.txt", moved, "main moves")
    if rnd.random() < 0.6:
        tag = rnd.choice("AM")  # "A": maybe the very change chunk 1 makes
        (repo / "f.txt").write_text(_text(_mutate(rnd, git(repo, "show", "HEAD:f.txt").splitlines(), tag)))
        if rnd.random() < 0.3:
            git(repo, "add", "f.txt")
    inbox = Inbox(repo)
    for chunk, parent in zip(inbox.chunks("abc123"), (_text(BASE), one), strict=True):
        accepted = _choose(rnd, chunk.patch)
        if not accepted.files:
            inbox.mark_dropped("abc123", chunk.commit)
            continue
        reviewed = _applied(tmp_path, parent, render_patch(accepted))
        head, mine, staged = (git(repo, "show", "HEAD:f.txt"), (repo / "f.txt").read_text(),
                              git(repo, "show", ":f.txt"))
        before = state(repo)
        try:
            landing = land_reviewed(inbox, Config(), "abc123", chunk, accepted)
        except PairtuiError as err:
            assert state(repo) == before, err
            return
        if landing.result.commit is None:
            assert state(repo) == before
            continue
        committed = git(repo, "show", "HEAD:f.txt")
        assert committed == _merge(tmp_path, head, parent, reviewed)
        assert (repo / "f.txt").read_text() == _merge(tmp_path, mine, parent, reviewed)
        if staged == head:
            assert git(repo, "show", ":f.txt") == committed
        elif "left as staged" not in landing.result.message:
            assert git(repo, "show", ":f.txt") == _merge(tmp_path, staged, head, committed)
