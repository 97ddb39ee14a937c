"""Working-tree review: rejecting a hunk that was staged takes it out of the index too (as
`git apply --index -R` does), a rejected hunk that was never staged leaves the index alone,
and a hunk only partly staged is refused in one line with nothing changed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from pairtui.cli import main
from pairtui.diff.compute import WORKTREE, diff_between, head_tree_or_empty
from pairtui.diff.parse import render_patch
from pairtui.diff.select import select_hunks
from tests.conftest import git

LINES = [f"line {i}" for i in range(1, 41)]


def _text(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def _edited() -> str:
    lines = list(LINES)
    lines[2] = "three"
    lines[30] = "thirty-one"
    return _text(lines)


@pytest.fixture
def repo(git_repo: Path) -> Path:
    (git_repo / "n.txt").write_text(_text(LINES))
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "numbers")
    (git_repo / "n.txt").write_text(_edited())
    return git_repo


def _state(repo: Path) -> tuple[str, str]:
    return git(repo, "diff", "--cached"), (repo / "n.txt").read_text()


def test_rejecting_a_staged_hunk_removes_it_from_the_index_too_like_git_apply_index_r(
        repo: Path, tmp_path: Path) -> None:
    git(repo, "add", "n.txt")
    twin = tmp_path / "twin"
    shutil.copytree(repo, twin, symlinks=True)
    git(twin, "update-index", "-q", "--refresh")
    patch = diff_between(twin, head_tree_or_empty(twin), WORKTREE)
    reject = render_patch(select_hunks(patch, [2], for_reverse=True))


    out = subprocess.run(["git", "apply", "--index", "-R"], cwd=twin, input=reject,
                         capture_output=True)
    assert out.returncode == 0, out.stderr
    assert main(["-C", str(repo), "review", "--accept", "1", "--yes"]) == 0
    assert _state(repo) == _state(twin)
    assert "thirty-one" not in git(repo, "diff", "--cached")


def test_rejecting_an_unstaged_hunk_of_a_partly_staged_file_keeps_the_staged_one(
        repo: Path) -> None:
    lines = list(LINES)
    lines[2] = "three"
    (repo / "n.txt").write_text(_text(lines))
    git(repo, "add", "n.txt")
    (repo / "n.txt").write_text(_edited())
    staged = git(repo, "diff", "--cached")
    assert main(["-C", str(repo), "review", "--accept", "1", "--yes"]) == 0
    assert git(repo, "diff", "--cached") == staged
    assert (repo / "n.txt").read_text() == _text(lines)


def test_rejecting_a_staged_hunk_of_a_partly_staged_file_removes_it_from_both(
        repo: Path) -> None:
    lines = list(LINES)
    lines[2] = "three"
    (repo / "n.txt").write_text(_text(lines))
    git(repo, "add", "n.txt")
    (repo / "n.txt").write_text(_edited())
    assert main(["-C", str(repo), "review", "--accept", "2", "--yes"]) == 0
    assert git(repo, "diff", "--cached") == ""
    expected = list(LINES)
    expected[30] = "thirty-one"
    assert (repo / "n.txt").read_text() == _text(expected)


def test_rejecting_a_hunk_staged_differently_is_refused_and_nothing_changes(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = list(LINES)
    lines[2] = "THREE (staged)"
    (repo / "n.txt").write_text(_text(lines))
    git(repo, "add", "n.txt")
    (repo / "n.txt").write_text(_edited())
    before = _state(repo)
    assert main(["-C", str(repo), "review", "--accept", "2", "--yes"]) == 2
    assert "staged" in capsys.readouterr().err
    assert _state(repo) == before


async def test_interactive_reject_of_a_staged_hunk_takes_it_out_of_the_index(repo: Path) -> None:
    from pairtui.ui.review_app import ReviewApp
    from tests.support_ui_diff import settle

    git(repo, "add", "n.txt")
    patch = diff_between(repo, head_tree_or_empty(repo), WORKTREE)
    app = ReviewApp(repo, patch, "worktree")
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("x")
        await settle(pilot)
    assert "three" not in git(repo, "diff", "--cached")
    assert "thirty-one" in git(repo, "diff", "--cached")
    assert "three\n" not in (repo / "n.txt").read_text()


def test_a_working_tree_refusal_after_the_index_changed_puts_the_index_back(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pairtui.diff import reject as reject_module
    from pairtui.errors import PatchError

    git(repo, "add", "n.txt")
    before = _state(repo), git(repo, "ls-files", "-s")
    real = reject_module.apply_patch

    def worktree_refuses(root, patch, *, reverse=False, index=False):  # noqa: ANN001, ANN202
        if not index:
            raise PatchError("n.txt: hunk 2 does not apply: its context no longer matches")
        return real(root, patch, reverse=reverse, index=index)

    monkeypatch.setattr(reject_module, "apply_patch", worktree_refuses)
    patch = diff_between(repo, head_tree_or_empty(repo), WORKTREE)
    with pytest.raises(PatchError):
        reject_module.reject_hunks(repo, patch, {2})
    assert (_state(repo), git(repo, "ls-files", "-s")) == before
