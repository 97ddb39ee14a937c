"""Pictures of the diff viewer: every view a person relies on, at fixed sizes, fixed data."""

from __future__ import annotations

import pytest

from pairtui.ui.review_app import ReviewApp
from tests.support_ui import still_screen
from tests.support_ui_diff import cart_only_repo, change_worktree, make_repo, settle, worktree_patch


@pytest.fixture
def sample(tmp_path):
    """Rename, non-UTF-8, binary, deleted, multi-hunk Python, added and CRLF files."""
    repo = make_repo(tmp_path)
    change_worktree(repo)
    return repo, worktree_patch(repo)


def _keys(*keys: str):
    async def run_before(pilot) -> None:
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
        await settle(pilot)
        await still_screen(pilot)  # layout passes that land after idle belong in the picture

    return run_before


def test_side_by_side(snap_compare, sample):
    repo, patch = sample
    app = ReviewApp(repo, patch, "worktree")
    assert snap_compare(app, terminal_size=(160, 45), run_before=_keys())


def test_unified_when_narrower_than_120(snap_compare, sample):
    repo, patch = sample
    app = ReviewApp(repo, patch, "worktree")
    keys = ("right_square_bracket",) * 4
    assert snap_compare(app, terminal_size=(110, 40), run_before=_keys(*keys))


def test_intraline_word_highlights(snap_compare, tmp_path):
    repo, patch = cart_only_repo(tmp_path)
    app = ReviewApp(repo, patch, "worktree")
    assert snap_compare(app, terminal_size=(150, 26), run_before=_keys("n"))


def test_binary_and_deleted_files(snap_compare, sample):
    repo, patch = sample
    app = ReviewApp(repo, patch, "worktree")
    keys = ("right_square_bracket", "right_square_bracket")
    assert snap_compare(app, terminal_size=(130, 16), run_before=_keys(*keys))


def test_rename_with_edit(snap_compare, sample):
    repo, patch = sample
    app = ReviewApp(repo, patch, "worktree")
    assert snap_compare(app, terminal_size=(130, 16), run_before=_keys())


def test_crlf_and_added_file(snap_compare, sample):
    repo, patch = sample
    app = ReviewApp(repo, patch, "worktree")
    keys = ("right_square_bracket",) * 6
    assert snap_compare(app, terminal_size=(130, 20), run_before=_keys(*keys))


def test_narrow_terminal(snap_compare, sample):
    repo, patch = sample
    app = ReviewApp(repo, patch, "worktree")
    keys = ("right_square_bracket",) * 4 + ("n",)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_keys(*keys))


def test_review_states_and_marked_lines(snap_compare, tmp_path):
    repo, patch = cart_only_repo(tmp_path)
    app = ReviewApp(repo, patch, "patch")  # nothing is written before finishing
    keys = ("a", "l", "down", "space", "down", "space")
    assert snap_compare(app, terminal_size=(150, 40), run_before=_keys(*keys))


def test_wrapped_long_lines(snap_compare, tmp_path):
    repo, patch = cart_only_repo(tmp_path)
    app = ReviewApp(repo, patch, "worktree")
    assert snap_compare(app, terminal_size=(130, 30), run_before=_keys("n", "w"))


def test_comment_prompt(snap_compare, tmp_path):
    repo, patch = cart_only_repo(tmp_path)
    app = ReviewApp(repo, patch, "worktree")
    keys = ("c", *"keep the old docstring")
    assert snap_compare(app, terminal_size=(120, 24), run_before=_keys(*keys))


def test_moved_lines_have_their_own_colour(snap_compare, tmp_path):
    from tests.support_ui_diff import moved_block_repo

    repo, patch = moved_block_repo(tmp_path)
    app = ReviewApp(repo, patch, "worktree")
    assert snap_compare(app, terminal_size=(130, 24), run_before=_keys())
