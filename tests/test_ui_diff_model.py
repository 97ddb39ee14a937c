"""The pure parts behind the DiffView: layout rows, review ledger, fold/expand."""

from __future__ import annotations

import subprocess

from pairtui.diff.parse import read_patch
from pairtui.ui.widgets.diff_layout import FOLD_KEEP, Kind, Layout
from pairtui.ui.widgets.diff_review import HunkState, ReviewBook
from pairtui.ui.widgets.diff_view import DiffView
from tests.support_ui_diff import DiffHost, cart_only_repo, settle


def test_layout_rows_match_hunk_rows_in_both_modes(tmp_path):
    _, patch = cart_only_repo(tmp_path)
    for split in (True, False):
        layout = Layout(patch, split=split)
        assert layout.refs == patch.hunk_refs()
        for ref, y in layout.hunk_rows.items():
            block, offset = layout.locate(y)
            assert block.kind is Kind.HUNK and (block.file, block.hunk) == ref and offset == 0
        assert layout.locate(0)[0].kind is Kind.FILE
    split_rows = Layout(patch, split=True).height
    unified_rows = Layout(patch, split=False).height
    assert split_rows < unified_rows  # removed/added pairs share a row side by side


def test_split_shifts_refs_and_undo_restores_them():
    from pairtui.diff.model import DiffLine, FileDiff, FileStatus, Hunk, Patch

    def lines(*spec: str) -> tuple[DiffLine, ...]:
        return tuple(DiffLine(s[0], s[1:].encode()) for s in spec)  # type: ignore[arg-type]

    h1 = Hunk(1, 5, 1, 5, "", lines(" a", "-b", "+B", " c", "-d", "+D", " e"))
    h2 = Hunk(20, 1, 20, 1, "", lines("-x", "+X"))
    patch = Patch((FileDiff("f", "f", FileStatus.MODIFIED, (h1, h2)),))
    book = ReviewBook(patch)
    book.reject((0, 1))
    from pairtui.diff.select import split_hunk

    book.split((0, 0), tuple(split_hunk(h1)))
    assert book.refs == [(0, 0), (0, 1), (0, 2)]
    assert book.state((0, 2)) is HunkState.REJECTED  # h2 moved from (0, 1) to (0, 2)
    book.accept((0, 0))
    book.undo()
    book.undo()
    assert book.refs == [(0, 0), (0, 1)] and book.state((0, 1)) is HunkState.REJECTED


def test_accepted_patch_keeps_partial_hunks_without_rejected_lines(tmp_path):
    _, patch = cart_only_repo(tmp_path)
    book = ReviewBook(patch)
    book.reject_lines((0, 0), frozenset({0, 1}))  # the docstring change
    accepted = book.accepted_patch()
    hunk = accepted.files[0].hunks[0]
    assert [line.raw for line in hunk.lines if line.kind != " "] == [
        b"TAX_RATE = 0.2", b"TAX_RATE = 0.25"]


def _long_context_patch(tmp_path):
    repo = tmp_path / "fold"
    repo.mkdir()
    run = lambda *a: subprocess.run(["git", *a], cwd=repo, check=True, capture_output=True)  # noqa: E731
    run("init", "-q")
    (repo / "a.txt").write_text("".join(f"line {i}\n" for i in range(1, 61)))
    run("add", "-A")
    run("commit", "-qm", "base")
    text = (repo / "a.txt").read_text().replace("line 5\n", "line five\n")
    (repo / "a.txt").write_text(text.replace("line 50\n", "line fifty\n"))
    return read_patch(run("diff", "-U30").stdout)  # one hunk, 44 unchanged lines inside


async def test_long_unchanged_runs_are_folded_and_e_expands_them(tmp_path):
    patch = _long_context_patch(tmp_path)
    assert len(patch.files[0].hunks) == 1
    app = DiffHost(patch)
    async with app.run_test(size=(160, 40)) as pilot:
        view = app.query_one(DiffView)
        folds = [b for b in view.layout.blocks if b.kind is Kind.FOLD]
        assert len(folds) == 1 and folds[0].count == 44 - 2 * FOLD_KEEP
        folded_height = view.layout.height
        await pilot.press("e")
        await settle(pilot)
        assert not [b for b in view.layout.blocks if b.kind is Kind.FOLD]
        assert view.layout.height == folded_height + folds[0].count - 1


async def test_clicking_a_fold_expands_it(tmp_path):
    patch = _long_context_patch(tmp_path)
    app = DiffHost(patch)
    async with app.run_test(size=(160, 40)) as pilot:
        view = app.query_one(DiffView)
        fold = next(b for b in view.layout.blocks if b.kind is Kind.FOLD)
        await pilot.click(DiffView, offset=(10, fold.start))
        await settle(pilot)
        assert not [b for b in view.layout.blocks if b.kind is Kind.FOLD]


async def test_origin_label_is_shown_on_hunk_headers(tmp_path):
    _, patch = cart_only_repo(tmp_path)
    app = DiffHost(patch, origin=lambda path: f"chunk 2 · edit_file #3 ({path})")
    async with app.run_test(size=(160, 20)) as pilot:
        await settle(pilot)
        view = app.query_one(DiffView)
        row = view.layout.hunk_rows[(0, 0)]
        text = "".join(seg.text for seg in view.render_line(row - int(view.scroll_offset.y)))
        assert "chunk 2 · edit_file #3 (src/cart.py)" in text and "pending" in text
