"""What the DiffView paints: only the rows on screen, and every byte of a line made visible."""

from __future__ import annotations

from rich.cells import cell_len

from pairtui.diff.model import DiffLine, FileDiff, FileStatus, Hunk, Patch
from pairtui.ui.widgets.diff_paint import CR_MARK, CUT_MARK, TAB_MARK
from pairtui.ui.widgets.diff_review import HunkState
from pairtui.ui.widgets.diff_view import DiffView
from tests.support_ui_diff import DiffHost, settle


def one_file(*lines: tuple[str, bytes], path: str = "a.py") -> Patch:
    old = new = 1
    out = []
    for kind, raw in lines:
        out.append(DiffLine(kind, raw, old if kind != "+" else None,  # type: ignore[arg-type]
                            new if kind != "-" else None))
        old += kind != "+"
        new += kind != "-"
    hunk = Hunk(1, old - 1, 1, new - 1, "", tuple(out))
    return Patch((FileDiff(path, path, FileStatus.MODIFIED, (hunk,)),))


def big_patch(files: int = 40, hunks: int = 25) -> Patch:
    made = []
    for f in range(files):
        hs = []
        for h in range(hunks):
            start = h * 20 + 1
            lines = (DiffLine(" ", b"x = 1", start, start),
                     DiffLine("-", f"value = {h}".encode(), start + 1, None),
                     DiffLine("+", f"value = {h + 1}".encode(), None, start + 1),
                     DiffLine(" ", b"y = 2", start + 2, start + 2))
            hs.append(Hunk(start, 3, start, 3, "def f():", lines))
        made.append(FileDiff(f"m{f}.py", f"m{f}.py", FileStatus.MODIFIED, tuple(hs)))
    return Patch(tuple(made))


def row_text(view: DiffView, y: int) -> str:
    return "".join(seg.text for seg in view.render_line(y))


async def test_only_rows_on_screen_are_painted_and_lexed():
    patch = big_patch()
    painted: list[int] = []

    class Counting(DiffView):
        def render_line(self, y: int):
            painted.append(y)
            return super().render_line(y)

    app = DiffHost(patch)
    app.compose = lambda: iter([Counting(patch)])  # type: ignore[method-assign]
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        view = app.query_one(DiffView)
        assert view.layout.height > 4000
        assert max(painted) < 30
        lexed = len(view._syntax._done)
        assert 0 < lexed <= 10  # the hunks on the first screen, not the 1,000 in the patch


async def test_hunk_jumps_scroll_straight_to_the_hunk():
    app = DiffHost(big_patch())
    async with app.run_test(size=(160, 30)) as pilot:
        view = app.query_one(DiffView)
        for _ in range(300):
            view.action_next_hunk()
        await pilot.pause()
        ref = view.cursor.ref
        assert ref == view.book.refs[300]
        assert view.scroll_offset.y == view.layout.hunk_rows[ref] - 1
        assert "@@ -" in row_text(view, 1)


async def test_long_lines_are_cut_with_a_marker_and_wide_characters_fit():
    patch = one_file(("-", b"short"), ("+", "漢字".encode() * 200))
    app = DiffHost(patch)
    async with app.run_test(size=(100, 10)) as pilot:
        await settle(pilot)
        view = app.query_one(DiffView)
        width = view.scrollable_content_region.width
        for y in range(4):
            strip = view.render_line(y)
            assert strip.cell_length == width
        text = row_text(view, 3)
        assert CUT_MARK in text and cell_len(text) == width


async def test_tabs_carriage_returns_and_control_bytes_are_visible():
    patch = one_file(("-", b"\tindented\r"), ("+", b"\tindent\x1bed\r"), path="notes.txt")
    app = DiffHost(patch, )
    async with app.run_test(size=(160, 10)) as pilot:
        await settle(pilot)
        view = app.query_one(DiffView)
        text = row_text(view, 2)
        assert f"{TAB_MARK}   indented{CR_MARK}" in text
        assert f"{TAB_MARK}   indent^[ed{CR_MARK}" in text


async def test_an_empty_patch_paints_blank_rows_and_keys_do_nothing():
    app = DiffHost(Patch(()))
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.press("n", "a", "x", "S", "l", "space", "c", "A", "z", "]", "w", "s")
        await settle(pilot)
        assert app.query_one(DiffView).layout.height == 0


async def test_load_shows_a_new_patch_with_fresh_review_state():
    first = one_file(("-", b"a"), ("+", b"b"))
    app = DiffHost(first)
    async with app.run_test(size=(120, 10)) as pilot:
        view = app.query_one(DiffView)
        await pilot.press("a")
        assert view.state_of((0, 0)) is HunkState.ACCEPTED
        view.load(one_file(("-", b"a"), ("+", b"c"), path="revised.py"))
        await settle(pilot)
        assert view.state_of((0, 0)) is HunkState.PENDING
        assert "revised.py" in row_text(view, 0)


async def test_a_long_hunk_header_is_cut_before_the_origin_never_run_into_it():
    line = b"from __future__ import annotations  # and a very long trailing comment here"
    patch = one_file((" ", b"x = 1"), ("-", b"y = 2"), ("+", b"y = 3"))
    f = patch.files[0]
    hunk = Hunk(1, 2, 1, 2, line.decode(), f.hunks[0].lines)
    patch = Patch((FileDiff("a.py", "a.py", FileStatus.MODIFIED, (hunk,)),))
    app = DiffHost(patch, origin=lambda path: "chunk 2 · edit_file #3, edit_file #4")
    async with app.run_test(size=(90, 10)) as pilot:
        await settle(pilot)
        view = app.query_one(DiffView)
        header = row_text(view, view.layout.hunk_rows[(0, 0)])
        assert "…  chunk 2 · edit_file #3" in header, header
        assert "herechunk" not in header.replace(" ", "")


async def test_a_narrow_header_keeps_the_hunk_and_drops_the_origin_first():
    patch = one_file((" ", b"x = 1"), ("-", b"y = 2"), ("+", b"y = 3"))
    app = DiffHost(patch, origin=lambda path: "chunk 2 · edit_file #3, edit_file #4, write_file #9")
    async with app.run_test(size=(50, 10)) as pilot:
        await settle(pilot)
        view = app.query_one(DiffView)
        header = row_text(view, view.layout.hunk_rows[(0, 0)])
        assert "@@ -1,2 +1,2 @@" in header and "○ pending" in header
        assert "edit_file" not in header


def test_wrapping_breaks_between_words_when_it_can():
    from pairtui.ui.widgets.diff_paint import wrap_starts

    text = "total = price * quantity + shipping_cost_for(region)"
    starts = wrap_starts(text, 20)
    rows = [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
    assert rows == ["total = price * ", "quantity + ", "shipping_cost_for(re", "gion)"]
    assert wrap_starts("short", 20) == [0]


async def test_wrapped_rows_are_whole_words_on_screen():
    long = b"value = compute(alpha, beta, gamma, delta, epsilon, zeta, eta, theta, iota)"
    patch = one_file(("-", b"value = 0"), ("+", long))
    app = DiffHost(patch)
    async with app.run_test(size=(60, 12)) as pilot:
        await settle(pilot)
        view = app.query_one(DiffView)
        view.wrap = True
        await settle(pilot)
        rows = [row_text(view, y) for y in range(view.layout.height)]
        body = [r for r in rows if "alpha" in r or "theta" in r or "iota" in r]
        assert len(body) >= 2
        for row in body:
            assert not row.rstrip().endswith(("alph", "thet", "iot")), rows


async def test_an_added_file_uses_the_full_width_side_by_side():
    lines = tuple(DiffLine("+", f"line {i} of the new file".encode(), None, i) for i in range(1, 4))
    added = FileDiff(None, "new.py", FileStatus.ADDED, (Hunk(0, 0, 1, 3, "", lines),))
    patch = Patch((added,))
    app = DiffHost(patch)
    async with app.run_test(size=(160, 10)) as pilot:
        await settle(pilot)
        view = app.query_one(DiffView)
        assert view.is_split
        row = row_text(view, view.layout.hunk_rows[(0, 0)] + 1)
        assert "│" not in row, "no empty left half"
        assert row.index("line 1") < 20
