"""Every review action in the DiffView, checked on disk in real git repos (ReviewApp host)."""

from __future__ import annotations

from pathlib import Path

from pairtui.diff.compute import diff_between
from pairtui.ui.review_app import ReviewApp
from pairtui.ui.widgets.diff_review import HunkState
from pairtui.ui.widgets.diff_view import DiffView
from tests.support_ui import fake_vim
from tests.support_ui_diff import (
    CART_NEW,
    CART_OLD,
    cart_only_repo,
    change_worktree,
    git,
    make_repo,
    settle,
    worktree_patch,
)

SIZE = (160, 45)


def cart(repo: Path) -> str:
    return (repo / "src" / "cart.py").read_text()


async def test_reject_reverts_only_that_hunk_in_the_working_tree(tmp_path):
    repo, patch = cart_only_repo(tmp_path)
    app = ReviewApp(repo, patch, "worktree")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x")
        await settle(pilot)
        text = cart(repo)
        assert '"""Shopping cart."""' in text and "TAX_RATE = 0.2\n" in text
        assert "def total(self, with_tax=False):" in text  # hunk 2 untouched
        assert app.view.state_of((0, 0)) is HunkState.REJECTED
        assert app.view.cursor.ref == (0, 1)  # moved on to the next pending hunk


async def test_accept_keeps_the_file_and_moves_to_next_hunk(tmp_path):
    repo, patch = cart_only_repo(tmp_path)
    app = ReviewApp(repo, patch, "worktree")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await settle(pilot)
        assert cart(repo) == CART_NEW
        assert app.view.state_of((0, 0)) is HunkState.ACCEPTED
        assert app.view.cursor.ref == (0, 1)


async def test_undo_of_a_reject_puts_the_change_back_on_disk(tmp_path):
    repo, patch = cart_only_repo(tmp_path)
    app = ReviewApp(repo, patch, "worktree")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x")
        await settle(pilot)
        assert cart(repo) != CART_NEW
        await pilot.press("z")
        await settle(pilot)
        assert cart(repo) == CART_NEW
        assert app.view.state_of((0, 0)) is HunkState.PENDING
        assert app.view.cursor.ref == (0, 0)


async def test_split_then_reject_one_part_leaves_the_others(tmp_path):
    repo, patch = cart_only_repo(tmp_path)
    app = ReviewApp(repo, patch, "worktree")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "S")
        await settle(pilot)
        assert len(app.view.patch.files[0].hunks) == 4  # hunk 2 became 3 parts
        assert app.view.cursor.ref == (0, 1)
        await pilot.press("x")
        await settle(pilot)
        text = cart(repo)
        assert "    def total(self):\n        return sum(" in text  # part 1 rejected
        assert "{price:.2f}" in text and "return round(" in text  # parts 2, 3 kept
        await pilot.press("z", "z")  # undo the reject, then the split
        await settle(pilot)
        assert cart(repo) == CART_NEW
        assert len(app.view.patch.files[0].hunks) == 2


async def test_line_mode_rejects_only_the_marked_lines(tmp_path):
    repo, patch = cart_only_repo(tmp_path)
    app = ReviewApp(repo, patch, "worktree")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        assert app.view.line_mode
        await pilot.press("space", "space")  # the docstring's - and + lines
        assert app.view.cursor.marks == {0, 1}
        await pilot.press("x")
        await settle(pilot)
        text = cart(repo)
        assert '"""Shopping cart."""' in text  # marked change rejected
        assert "TAX_RATE = 0.25" in text  # unmarked change kept
        assert app.view.state_of((0, 0)) is HunkState.PARTIAL
        assert not app.view.line_mode
        await pilot.press("z")
        await settle(pilot)
        assert cart(repo) == CART_NEW


async def test_line_mode_accept_keeps_marked_lines_and_rejects_the_rest(tmp_path):
    repo, patch = cart_only_repo(tmp_path)
    app = ReviewApp(repo, patch, "worktree")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space", "space", "a")  # space enters line mode by itself
        await settle(pilot)
        text = cart(repo)
        assert '"""Shopping cart with tax."""' in text and "TAX_RATE = 0.2\n" in text


async def test_comment_posts_the_text_and_leaves_files_alone(tmp_path):
    repo, patch = cart_only_repo(tmp_path)
    app = ReviewApp(repo, patch, "worktree")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await pilot.pause()
        await pilot.press(*"use a constant", "enter")
        await settle(pilot)
        assert app.view.state_of((0, 0)) is HunkState.COMMENTED
        assert app.comments == ["src/cart.py @@ -1,6 +1,6 @@: use a constant"]
        assert cart(repo) == CART_NEW


async def test_comment_prompt_escape_changes_nothing(tmp_path):
    repo, patch = cart_only_repo(tmp_path)
    app = ReviewApp(repo, patch, "worktree")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "h", "escape")
        await settle(pilot)
        assert app.view.state_of((0, 0)) is HunkState.PENDING and not app.comments


def _patch_mode_repo(tmp_path):
    """The cart change as a patch against a clean tree (the change is not on disk yet)."""
    repo, _ = cart_only_repo(tmp_path)
    git(repo, "commit", "-qam", "new cart")
    patch = diff_between(repo, "HEAD~1", "HEAD")
    git(repo, "revert", "--no-edit", "HEAD")  # tree back at the old cart, history clean
    assert cart(repo) == CART_OLD
    return repo, patch


async def test_patch_mode_applies_only_accepted_hunks_when_finished(tmp_path):
    repo, patch = _patch_mode_repo(tmp_path)
    app = ReviewApp(repo, patch, "patch")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a", "x")
        await settle(pilot)
        assert cart(repo) == CART_OLD  # nothing before finishing
        await pilot.press("q")
        await settle(pilot)
    text = cart(repo)
    assert "TAX_RATE = 0.25" in text and "def total(self):" in text
    assert app.summary.startswith("applied 1 hunk in 1 file")


async def test_accept_all_remaining_then_finish_applies_everything(tmp_path):
    repo, patch = _patch_mode_repo(tmp_path)
    app = ReviewApp(repo, patch, "revs")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("A")
        assert all(app.view.state_of(r) is HunkState.ACCEPTED for r in app.view.book.refs)
        await pilot.press("q")
        await settle(pilot)
    assert cart(repo) == CART_NEW


async def test_escape_leaves_without_applying(tmp_path):
    repo, patch = _patch_mode_repo(tmp_path)
    app = ReviewApp(repo, patch, "patch")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("A", "escape")
        await settle(pilot)
    assert cart(repo) == CART_OLD
    assert "without applying" in app.summary


async def test_undo_of_accept_all_makes_hunks_pending_again(tmp_path):
    repo, patch = _patch_mode_repo(tmp_path)
    app = ReviewApp(repo, patch, "patch")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a", "A", "z")
        assert app.view.state_of((0, 0)) is HunkState.ACCEPTED
        assert app.view.state_of((0, 1)) is HunkState.PENDING
        await pilot.press("q")
        await settle(pilot)
    assert "TAX_RATE = 0.25" in cart(repo) and "def total(self):" in cart(repo)


async def test_file_jumps_move_between_files(tmp_path):
    repo = make_repo(tmp_path)
    change_worktree(repo)
    patch = worktree_patch(repo)
    app = ReviewApp(repo, patch, "worktree")
    async with app.run_test(size=SIZE) as pilot:
        view = app.view
        paths = [f.path for f in patch.files]
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert view.cursor.ref == (2, 0) and paths[2] == "logo.bin"
        await pilot.press("left_square_bracket")
        assert view.cursor.ref == (1, 0)
        await pilot.press("n", "n", "n", "n")
        assert view.cursor.ref == (4, 1)  # second hunk of src/cart.py
        top, height = view.scroll_offset.y, view.scrollable_content_region.height
        assert top <= view.layout.hunk_rows[(4, 1)] < top + height


async def test_rejecting_binary_and_deleted_files_restores_them(tmp_path):
    repo = make_repo(tmp_path)
    change_worktree(repo)
    app = ReviewApp(repo, worktree_patch(repo), "worktree")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right_square_bracket", "right_square_bracket", "x")  # logo.bin
        await settle(pilot)
        assert (repo / "logo.bin").read_bytes() == bytes(range(256))
        await pilot.press("x")  # old.py, deleted: rejecting brings it back
        await settle(pilot)
        assert (repo / "old.py").read_text() == "print('bye')\n"
        assert git(repo, "status", "--porcelain", "--", "logo.bin", "old.py") == ""


async def test_reject_that_no_longer_applies_is_reported_and_taken_back(tmp_path):
    repo, patch = cart_only_repo(tmp_path)
    (repo / "src" / "cart.py").write_text("something else entirely\n")
    app = ReviewApp(repo, patch, "worktree")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x")
        await settle(pilot)
        assert app.view.state_of((0, 0)) is HunkState.PENDING
        assert any("Nothing changed on disk" in (n.title or "") for n in app._notifications)
    assert cart(repo) == "something else entirely\n"


async def test_narrow_terminal_is_unified_and_s_toggles(tmp_path):
    repo, patch = cart_only_repo(tmp_path)
    app = ReviewApp(repo, patch, "worktree")
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(DiffView)
        assert not view.is_split
        await pilot.press("s")
        assert view.is_split
    app = ReviewApp(repo, patch, "worktree")
    async with app.run_test(size=(160, 30)) as pilot:
        assert app.query_one(DiffView).is_split


async def test_a_checkpoint_is_taken_once_before_the_first_write(tmp_path):
    repo, patch = cart_only_repo(tmp_path)
    seen: list[str] = []

    def checkpoint() -> str:
        seen.append(cart(repo))  # the tree as it was before the review wrote anything
        return "cp-7"

    app = ReviewApp(repo, patch, "worktree", checkpoint)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await settle(pilot)
        assert seen == []  # accepting writes nothing
        await pilot.press("x", "z", "x")
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
    assert seen == [CART_NEW]
    assert "'pairtui restore cp-7' undoes it" in app.summary


async def test_a_failing_checkpoint_means_nothing_is_written(tmp_path):
    from pairtui.errors import GitError

    repo, patch = cart_only_repo(tmp_path)

    def checkpoint() -> str:
        raise GitError("cannot snapshot: disk full")

    app = ReviewApp(repo, patch, "worktree", checkpoint)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x")
        await settle(pilot)
        assert app.view.state_of((0, 0)) is HunkState.PENDING
    assert cart(repo) == CART_NEW


async def test_choosing_a_file_in_the_list_jumps_there(tmp_path):
    from pairtui.ui.widgets.diff_files import DiffFileList

    repo = make_repo(tmp_path)
    change_worktree(repo)
    app = ReviewApp(repo, worktree_patch(repo), "worktree")
    async with app.run_test(size=SIZE) as pilot:
        app.query_one(DiffFileList).focus()
        await pilot.press("down", "down", "down", "down", "enter")  # the fifth file: src/cart.py
        await settle(pilot)
        assert app.view.has_focus
        assert app.view.cursor.ref == (4, 0)
        await pilot.press("p")
        assert app.view.cursor.ref == (3, 0)


async def test_line_mode_in_patch_mode_applies_only_the_kept_lines(tmp_path):
    repo, patch = _patch_mode_repo(tmp_path)
    app = ReviewApp(repo, patch, "patch")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l", "down", "down", "space", "space", "a", "q")  # keep TAX_RATE only
        await settle(pilot)
    text = cart(repo)
    assert '"""Shopping cart."""' in text and "TAX_RATE = 0.25" in text
    assert "def total(self):" in text


async def test_rejecting_every_hunk_of_a_file_restores_it_and_undo_brings_all_back(tmp_path):
    repo, patch = cart_only_repo(tmp_path)
    app = ReviewApp(repo, patch, "worktree")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "x")  # the later hunk first, then the earlier one
        await settle(pilot)
        await pilot.press("p", "x")
        await settle(pilot)
        assert cart(repo) == CART_OLD
        assert git(repo, "status", "--porcelain") == ""
        await pilot.press("z", "z")
        await settle(pilot)
        assert cart(repo) == CART_NEW


async def test_rejecting_a_new_file_removes_it_and_undo_writes_it_again(tmp_path):
    repo = make_repo(tmp_path)
    change_worktree(repo)
    patch = worktree_patch(repo)
    app = ReviewApp(repo, patch, "worktree")
    tax = repo / "src" / "tax.py"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*["right_square_bracket"] * 5)
        assert patch.files[app.view.cursor.ref[0]].path == "src/tax.py"
        await pilot.press("x")
        await settle(pilot)
        assert not tax.exists()
        await pilot.press("z")
        await settle(pilot)
        assert tax.read_text() == "def tax(amount):\n    return amount * 0.25\n"


def test_run_review_of_an_empty_diff_says_so_without_opening(tmp_path, capsys):
    from pairtui.diff.model import Patch
    from pairtui.ui.review_app import run_review

    assert run_review(tmp_path, Patch(()), "worktree") == 0
    assert capsys.readouterr().out == "nothing to review: the diff is empty\n"


async def test_a_long_path_in_the_file_list_keeps_one_line_and_its_file_name(tmp_path):
    from pairtui.ui.widgets.diff_files import DiffFileList

    repo = make_repo(tmp_path)
    deep = repo / "src" / "a_rather_long_package_name" / "completion.py"
    deep.parent.mkdir(parents=True)
    deep.write_text("x = 1\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "deep file")
    deep.write_text("x = 2\n")
    app = ReviewApp(repo, worktree_patch(repo), "worktree")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        files = app.query_one(DiffFileList)
        width = files.scrollable_content_region.width
        lines = [str(files.get_option_at_index(i).prompt) for i in range(files.option_count)]
        assert lines and all(len(line) <= width for line in lines), lines
        [line] = [line for line in lines if "completion.py" in line]
        assert line.startswith("○ …") and line.endswith("/completion.py +1 −1")


async def test_o_edits_the_file_by_hand_and_the_diff_is_read_again_keeping_other_marks(
        tmp_path, monkeypatch):
    from pairtui.commands.review import review_app
    from pairtui.git.repo import find_repo
    from pairtui.ui.widgets.diff_review import new_side_line

    repo, _ = cart_only_repo(tmp_path)
    (repo / "notes.txt").write_text("a new file\n")
    app = review_app(find_repo(repo), worktree_patch(repo), "worktree")
    log = fake_vim(tmp_path, monkeypatch, app, "# edited by hand\\n")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.view.patch.files[0].path == "notes.txt"
        await pilot.press("a")  # notes.txt (a new file): accepted
        await settle(pilot)
        assert app.view.patch.files[app.view.cursor.ref[0]].path == "src/cart.py"
        hunk = app.view.book.hunk(app.view.cursor.ref)
        await pilot.press("o")
        await settle(pilot)
        assert log.read_text().split() == [f"+{new_side_line(hunk)}", str(repo / "src" / "cart.py")]
        assert cart(repo) == CART_NEW + "# edited by hand\n"
        added = [dl.raw for f in app.view.patch.files if f.path == "src/cart.py"
                 for h in f.hunks for dl in h.lines if dl.kind == "+"]
        assert b"# edited by hand" in added, "the diff was read again"
        states = {app.view.patch.files[r[0]].path: app.view.state_of(r) for r in app.view.book.refs
                  if app.view.state_of(r) is not HunkState.PENDING}
        assert states == {"notes.txt": HunkState.ACCEPTED}, "a hunk the edit left alone keeps its mark"


async def test_o_in_a_patch_not_applied_yet_says_why_and_runs_no_editor(tmp_path, monkeypatch):
    repo, patch = _patch_mode_repo(tmp_path)
    app = ReviewApp(repo, patch, "patch")
    log = fake_vim(tmp_path, monkeypatch, app, "x\\n")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert "not in your files yet" in str(list(app._notifications)[-1].message)
    assert not log.exists() and cart(repo) == CART_OLD
