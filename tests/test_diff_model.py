"""The diff model: display text, hunk numbering, side-by-side rows, intraline spans."""

from __future__ import annotations

from pairtui.diff.model import (
    DiffLine,
    FileDiff,
    FileStatus,
    Hunk,
    Patch,
    Row,
    align_rows,
    intraline_spans,
)


def _hunk(*spec: str) -> Hunk:
    lines = tuple(DiffLine(s[0], s[1:].encode()) for s in spec)  # type: ignore[arg-type]
    old = sum(1 for ln in lines if ln.kind != "+")
    new = sum(1 for ln in lines if ln.kind != "-")
    return Hunk(1, old, 1, new, "", lines)


def test_text_marks_each_undecodable_byte_visibly_and_keeps_raw() -> None:
    line = DiffLine("+", b"caf\xe9 \xff ok \xc3\xa9")
    assert line.text == "caf\\xe9 \\xff ok é"
    assert line.raw == b"caf\xe9 \xff ok \xc3\xa9"


def test_crlf_line_text_drops_the_carriage_return_but_raw_keeps_it() -> None:
    line = DiffLine(" ", b"hello\r")
    assert line.text == "hello" and line.crlf and line.raw.endswith(b"\r")
    assert line.content == b"hello\r\n"
    assert DiffLine("-", b"end", no_newline=True).content == b"end"


def test_hunk_numbers_count_whole_file_changes_as_one_hunk() -> None:
    text = FileDiff("a.py", "a.py", FileStatus.MODIFIED, (_hunk("-x", "+y"), _hunk("+z")))
    binary = FileDiff("b.bin", "b.bin", FileStatus.BINARY, is_binary=True)
    mode = FileDiff("run.sh", "run.sh", FileStatus.MODE_CHANGED, old_mode="100644",
                    new_mode="100755")
    rename = FileDiff("old", "new", FileStatus.RENAMED, similarity=100)
    patch = Patch((text, binary, mode, rename, text))
    assert patch.hunk_refs() == [(0, 0), (0, 1), (1, 0), (2, 0), (3, 0), (4, 0), (4, 1)]
    assert patch.hunk_count == 7
    assert Patch().hunk_refs() == []


def test_align_pairs_removed_run_with_following_added_run_and_pads_fillers() -> None:
    h = _hunk(" a", "-b", "-c", "-d", "+B", " e", "+f", "-g")
    rows = align_rows(h)
    shown = [(r.old.text if r.old else None, r.new.text if r.new else None) for r in rows]
    assert shown == [("a", "a"), ("b", "B"), ("c", None), ("d", None), ("e", "e"),
                     (None, "f"), ("g", None)]


def test_align_added_run_longer_than_removed_run() -> None:
    rows = align_rows(_hunk("-x", "+1", "+2", "+3"))
    assert [(r.old is not None, r.new is not None) for r in rows] == [
        (True, True), (False, True), (False, True)]
    assert all(isinstance(r, Row) for r in rows)


def test_align_empty_hunk_gives_no_rows() -> None:
    assert align_rows(Hunk(0, 0, 0, 0)) == []


def test_intraline_marks_changed_words_only() -> None:
    old, new = "total = count + 1", "total = amount + 1"
    old_spans, new_spans = intraline_spans(old, new)
    assert [old[a:b] for a, b in old_spans] == ["count"]
    assert [new[a:b] for a, b in new_spans] == ["amount"]


def test_intraline_pure_insertion_and_identical_lines() -> None:
    old_spans, new_spans = intraline_spans("f(a)", "f(a, b)")
    assert old_spans == []
    assert ["f(a, b)"[a:b] for a, b in new_spans] == [", b"]
    assert intraline_spans("same", "same") == ([], [])


def test_intraline_result_is_safe_to_mutate_between_calls() -> None:
    first = intraline_spans("alpha beta", "alpha gamma")
    first[0].clear()
    assert intraline_spans("alpha beta", "alpha gamma")[0] == [(6, 10)]


def test_intraline_on_very_long_lines_stays_cheap_and_marks_the_changed_middle() -> None:
    import time

    old = "x = [" + ", ".join(str(i) for i in range(3000)) + "]"
    new = old.replace("1500", "fifteen hundred").replace("2999", "last")
    start = time.perf_counter()
    old_spans, new_spans = intraline_spans(old, new)
    assert time.perf_counter() - start < 0.5
    assert old_spans and new_spans
    assert old_spans[0][0] <= old.index("1500") and new_spans[-1][1] >= new.index("last") + 4
