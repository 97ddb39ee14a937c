"""Diffs between commits, the index and the working tree, made by git and parsed."""

from __future__ import annotations

from pathlib import Path

import pytest

from pairtui.diff.compute import INDEX, WORKTREE, diff_between, diff_rev_range
from pairtui.errors import UsageError
from tests.conftest import git


def _paths(patch) -> list[str]:  # noqa: ANN001
    return sorted(f.path for f in patch.files)


def test_worktree_diff_includes_untracked_files_and_never_touches_the_index(git_repo: Path) -> None:
    (git_repo / ".gitignore").write_text("*.log\n")
    git(git_repo, "add", ".gitignore")
    (git_repo / "README.md").write_text("# demo\nmore\n")
    (git_repo / "new_module.py").write_text("x = 1\n")
    (git_repo / "debug.log").write_text("ignored\n")
    index_before = (git_repo / ".git" / "index").read_bytes()
    status_before = git(git_repo, "status", "--porcelain")

    patch = diff_between(git_repo, "HEAD", WORKTREE)

    assert _paths(patch) == [".gitignore", "README.md", "new_module.py"]
    assert (git_repo / ".git" / "index").read_bytes() == index_before
    assert git(git_repo, "status", "--porcelain") == status_before


def test_worktree_to_commit_is_the_reverse_direction(git_repo: Path) -> None:
    (git_repo / "added.txt").write_text("a\n")
    patch = diff_between(git_repo, WORKTREE, "HEAD")
    (f,) = patch.files
    assert f.old_path == "added.txt" and f.new_path is None


def test_index_sides(git_repo: Path) -> None:
    (git_repo / "README.md").write_text("# staged\n")
    git(git_repo, "add", "README.md")
    (git_repo / "README.md").write_text("# staged\nunstaged\n")
    staged = diff_between(git_repo, "HEAD", INDEX)
    unstaged = diff_between(git_repo, INDEX, WORKTREE)
    assert staged.files[0].hunks[0].lines[-1].raw == b"# staged"
    assert unstaged.files[0].hunks[0].lines[-1].raw == b"unstaged"
    assert diff_between(git_repo, INDEX, "HEAD").files[0].hunks[0].lines[-1].raw == b"# demo"


def test_rev_ranges_two_dot_three_dot_and_single_commit(git_repo: Path) -> None:
    git(git_repo, "checkout", "-q", "-b", "agent")
    (git_repo / "agent.txt").write_text("from agent\n")
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "agent work")
    git(git_repo, "checkout", "-q", "main")
    (git_repo / "main.txt").write_text("from main\n")
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "main work")

    assert _paths(diff_rev_range(git_repo, "main..agent")) == ["agent.txt", "main.txt"]
    assert _paths(diff_rev_range(git_repo, "main...agent")) == ["agent.txt"]
    assert _paths(diff_rev_range(git_repo, "agent")) == ["agent.txt"]
    assert _paths(diff_rev_range(git_repo, "HEAD~1..")) == ["main.txt"]


def test_unknown_revision_is_a_one_line_usage_error(git_repo: Path) -> None:
    with pytest.raises(UsageError, match="unknown revision"):
        diff_rev_range(git_repo, "main..nope")


def test_review_of_a_repo_without_commits_shows_every_file_as_new(empty_repo: Path) -> None:
    from pairtui.diff.compute import EMPTY_TREE

    (empty_repo / "first.py").write_text("print('hello')\n")
    patch = diff_between(empty_repo, EMPTY_TREE, WORKTREE)
    (f,) = patch.files
    assert f.old_path is None and f.new_path == "first.py" and f.added == 1
    assert not (empty_repo / ".git" / "index").exists()
