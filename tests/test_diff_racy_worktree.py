"""A file changed in the same second as the index was written must still show in the diff."""

from __future__ import annotations

from pathlib import Path

from pairtui.diff.compute import WORKTREE, diff_between
from tests.conftest import git


def test_same_size_edit_in_the_same_second_as_the_commit_is_seen(tmp_path: Path):
    misses = 0
    for attempt in range(8):
        repo = tmp_path / f"r{attempt}"
        repo.mkdir()
        git(repo, "init", "-q", "-b", "main")
        (repo / "a.txt").write_text("one\n")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "c")
        (repo / "a.txt").write_text("two\n")  # same size, almost surely the same second
        if not diff_between(repo, "HEAD", WORKTREE).files:
            misses += 1
    assert misses == 0
