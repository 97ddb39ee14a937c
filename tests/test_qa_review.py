"""QA: `pairtui review` must not change the tree while git is mid-merge (exit 4, one line),
though listing hunks is still fine."""

from __future__ import annotations

from pathlib import Path

from pairtui.cli import main
from tests.conftest import git


def _mid_merge(repo: Path) -> Path:
    """A repo stopped in a conflicted merge of branch `theirs` into main."""
    (repo / "f.txt").write_text("base\n")
    git(repo, "add", "f.txt")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-q", "-b", "theirs")
    (repo / "f.txt").write_text("theirs\n")
    git(repo, "commit", "-qam", "theirs")
    git(repo, "checkout", "-q", "-")
    (repo / "f.txt").write_text("ours\n")
    git(repo, "commit", "-qam", "ours")
    git(repo, "merge", "theirs", check=False)
    assert (repo / ".git" / "MERGE_HEAD").exists()
    return repo


def test_review_yes_refuses_a_repo_mid_merge_and_leaves_the_conflict(git_repo: Path, capsys) -> None:  # noqa: ANN001
    repo = _mid_merge(git_repo)
    conflicted = (repo / "f.txt").read_bytes()
    status = git(repo, "status", "--porcelain")

    assert main(["-C", str(repo), "review", "--accept", "none", "--yes"]) == 4

    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "merge is in progress" in err[0]
    assert (repo / "f.txt").read_bytes() == conflicted
    assert git(repo, "status", "--porcelain") == status


def test_review_dry_run_still_lists_hunks_mid_merge(git_repo: Path, capsys) -> None:  # noqa: ANN001
    repo = _mid_merge(git_repo)
    assert main(["-C", str(repo), "review", "--dry-run"]) == 0
    assert "f.txt" in capsys.readouterr().out


def test_an_empty_accept_spec_is_refused_not_taken_as_none(git_repo: Path, capsys) -> None:  # noqa: ANN001
    """`--accept "$HUNKS"` with HUNKS unset must not reject every change in the working tree."""
    (git_repo / "README.md").write_text("# demo\nmy edit\n")
    (git_repo / "notes.txt").write_text("untracked notes\n")
    status = git(git_repo, "status", "--porcelain")

    for spec in ("", "  "):
        assert main(["-C", str(git_repo), "review", "--accept", spec, "--yes"]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "hunk spec" in err[0]

    assert (git_repo / "README.md").read_text() == "# demo\nmy edit\n"
    assert (git_repo / "notes.txt").read_text() == "untracked notes\n"
    assert git(git_repo, "status", "--porcelain") == status
