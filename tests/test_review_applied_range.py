"""`pairtui review A..B` when B's change is already in the working tree (e.g. HEAD~1..HEAD):
reviewed as keep/drop, like the working tree; the listing and the viewer say so. Real git."""

from __future__ import annotations

from pathlib import Path

import pytest

from pairtui.cli import main
from tests.conftest import git

NUMBERED = "".join(f"line {i}\n" for i in range(1, 41))
CHANGED = NUMBERED.replace("line 2\n", "two\n").replace("line 38\n", "thirty-eight\n")


@pytest.fixture
def landed(git_repo: Path) -> Path:
    """HEAD~1 has numbers.txt; HEAD changes it in two places and adds notes.txt."""
    (git_repo / "numbers.txt").write_text(NUMBERED)
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "numbers")
    (git_repo / "numbers.txt").write_text(CHANGED)
    (git_repo / "notes.txt").write_text("agent notes\n")
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "agent")
    return git_repo


def test_dry_run_says_the_range_is_reviewed_as_keep_drop(landed: Path, capsys) -> None:  # noqa: ANN001
    assert main(["-C", str(landed), "review", "HEAD~1..HEAD", "--dry-run"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("mode: keep/drop: HEAD~1..HEAD is already in the working tree")
    assert [line.split("  ")[1] for line in out[1:]] == ["notes.txt", "numbers.txt", "numbers.txt"]


def test_accepting_keeps_chosen_hunks_and_reverse_applies_the_rest(landed: Path, capsys) -> None:  # noqa: ANN001
    assert main(["-C", str(landed), "review", "HEAD~1..HEAD", "--accept", "1,3", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "rejected 1 hunk in 1 file" in out
    assert (landed / "notes.txt").read_text() == "agent notes\n"
    text = (landed / "numbers.txt").read_text()
    assert "line 2\n" in text and "two\n" not in text, "hunk 2 was dropped"
    assert "thirty-eight\n" in text, "hunk 3 was kept"
    assert git(landed, "log", "--format=%s").splitlines()[0] == "agent", "history untouched"


def test_accepting_all_of_an_applied_range_changes_nothing(landed: Path, capsys) -> None:  # noqa: ANN001
    assert main(["-C", str(landed), "review", "HEAD~1..HEAD", "--accept", "all", "--yes"]) == 0
    assert git(landed, "status", "--porcelain") == ""


def test_a_single_commit_in_the_tree_is_keep_drop_too(landed: Path, capsys) -> None:  # noqa: ANN001
    assert main(["-C", str(landed), "review", "HEAD", "--accept", "none", "--yes"]) == 0
    assert (landed / "numbers.txt").read_text() == NUMBERED
    assert not (landed / "notes.txt").exists()


def test_a_range_not_in_the_tree_still_applies(landed: Path, capsys) -> None:  # noqa: ANN001
    git(landed, "checkout", "-q", "HEAD~1")
    assert main(["-C", str(landed), "review", "HEAD..main", "--dry-run"]) == 0
    assert not capsys.readouterr().out.startswith("mode:")
    assert main(["-C", str(landed), "review", "HEAD..main", "--accept", "all", "--yes"]) == 0
    assert (landed / "numbers.txt").read_text() == CHANGED


def test_an_edited_file_of_the_range_means_the_tree_does_not_hold_it(landed: Path, capsys) -> None:  # noqa: ANN001
    (landed / "notes.txt").write_text("my own notes\n")
    assert main(["-C", str(landed), "review", "HEAD~1..HEAD", "--dry-run"]) == 0
    assert not capsys.readouterr().out.startswith("mode:")


async def test_the_viewer_says_keep_drop_and_x_reverse_applies_at_once(landed: Path) -> None:
    from pairtui.commands.review import load_source, review_app
    from pairtui.git.repo import find_repo

    repo = find_repo(landed)
    source, patch = load_source(repo.root, "HEAD~1..HEAD")
    assert source == "applied"
    app = review_app(repo, patch, source)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause(0.2)
        title = str(app.query_one("#review-title").render())
        assert "keep/drop" in title
        assert any("already in your working tree" in str(n.message) for n in app._notifications)
        app.view.focus()
        await pilot.press("x")  # the first hunk: notes.txt is added by the range
        for _ in range(100):
            await pilot.pause(0.05)
            if not (landed / "notes.txt").exists():
                break
        assert not (landed / "notes.txt").exists()
        await pilot.press("q")
    assert "review done" in app.summary
