"""Reading patches into the model and writing them back, byte for byte."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pairtui.diff.compute import git_diff_bytes
from pairtui.diff.model import FileStatus
from pairtui.diff.parse import read_patch, render_patch
from pairtui.errors import PatchError
from tests.conftest import git
from tests.support_diff import base_files, commit_files, edited_files, new_repo, run_git


def _commit_change(repo: Path, change) -> bytes:  # noqa: ANN001
    change(repo)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "change")
    return git_diff_bytes(repo, "HEAD~1", "HEAD")


def test_crlf_latin1_and_no_newline_lines_keep_their_exact_bytes(git_repo: Path) -> None:
    (git_repo / "w.txt").write_bytes(b"one\r\ncaf\xe9\r\nlast")
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "w")
    raw = _commit_change(git_repo, lambda r: (r / "w.txt").write_bytes(b"one\r\nna\xefve\r\nLAST"))
    (f,) = read_patch(raw).files
    lines = f.hunks[0].lines
    assert [(ln.kind, ln.raw, ln.no_newline) for ln in lines] == [
        (" ", b"one\r", False), ("-", b"caf\xe9\r", False), ("-", b"last", True),
        ("+", b"na\xefve\r", False), ("+", b"LAST", True)]
    assert [(ln.old_no, ln.new_no) for ln in lines] == [(1, 1), (2, None), (3, None),
                                                         (None, 2), (None, 3)]
    assert render_patch(read_patch(raw)) == raw


def test_statuses_of_new_deleted_empty_renamed_mode_and_binary_files(git_repo: Path) -> None:
    (git_repo / "gone.txt").write_text("bye\n")
    (git_repo / "ren.txt").write_text("".join(f"line {i}\n" for i in range(20)))
    (git_repo / "pure.txt").write_text("same\n" * 5)
    (git_repo / "img.bin").write_bytes(b"\0\1\2" * 50)
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "more")

    def change(r: Path) -> None:
        (r / "gone.txt").unlink()
        (r / "empty.txt").write_bytes(b"")
        (r / "ren.txt").rename(r / "renamed.txt")
        text = (r / "renamed.txt").read_text().replace("line 3\n", "line three\n")
        (r / "renamed.txt").write_text(text)
        (r / "pure.txt").rename(r / "moved.txt")
        (r / "src" / "app.py").chmod(0o755)
        (r / "img.bin").write_bytes(b"\0\1\3" * 50)

    raw = _commit_change(git_repo, change)
    files = {f.path: f for f in read_patch(raw).files}
    assert files["gone.txt"].status is FileStatus.DELETED and files["gone.txt"].new_path is None
    assert files["empty.txt"].status is FileStatus.ADDED and files["empty.txt"].hunks == ()
    assert files["renamed.txt"].status is FileStatus.RENAMED
    assert files["renamed.txt"].old_path == "ren.txt" and len(files["renamed.txt"].hunks) == 1
    assert files["moved.txt"].similarity == 100 and files["moved.txt"].hunks == ()
    assert files["src/app.py"].status is FileStatus.MODE_CHANGED
    assert (files["src/app.py"].old_mode, files["src/app.py"].new_mode) == ("100644", "100755")
    assert files["img.bin"].is_binary and files["img.bin"].binary is not None
    assert files["img.bin"].binary.reverse is not None
    assert render_patch(read_patch(raw)) == raw


def test_copies_are_read_as_copies(git_repo: Path) -> None:
    body = "".join(f"print({i})\n" for i in range(30))
    (git_repo / "orig.py").write_text(body)
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "orig")
    (git_repo / "copy.py").write_text(body + "print('more')\n")
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "copy")
    raw = run_git(git_repo, "diff", "-C", "-C", "--full-index", "HEAD~1", "HEAD").stdout
    (f,) = read_patch(raw).files
    assert f.status is FileStatus.COPIED and (f.old_path, f.new_path) == ("orig.py", "copy.py")
    assert render_patch(read_patch(raw)) == raw


def test_quoted_and_spaced_paths_round_trip(git_repo: Path) -> None:
    raw = _commit_change(git_repo, lambda r: ((r / "a b.txt").write_text("x\n"),
                                              (r / "t\u00e9st\t.txt").write_text("y\n")))
    paths = sorted(f.path for f in read_patch(raw).files)
    assert paths == ["a b.txt", "t\u00e9st\t.txt"]
    assert render_patch(read_patch(raw)) == raw


@pytest.mark.parametrize("seed", range(6))
def test_generated_diffs_render_back_to_the_same_bytes(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    repo = new_repo(tmp_path / "r")
    base = base_files(rng)
    a = commit_files(repo, base, "a")
    b = commit_files(repo, edited_files(rng, base), "b")
    for old, new in ((a, b), (b, a)):
        raw = git_diff_bytes(repo, old, new)
        assert render_patch(read_patch(raw)) == raw


def test_binary_files_differ_without_data_is_one_binary_file() -> None:
    raw = (b"diff --git a/x.png b/x.png\nindex 1111111..2222222 100644\n"
           b"Binary files a/x.png and b/x.png differ\n")
    (f,) = read_patch(raw).files
    assert f.is_binary and f.binary is None and read_patch(raw).hunk_refs() == [(0, 0)]


def test_plain_unified_diff_and_preamble_are_understood() -> None:
    raw = (b"From: someone\nSubject: fix\n\n---\n stats | 1 +\n\n"
           b"--- a/f.txt\t2024-01-01 10:00:00\n+++ b/f.txt\t2024-01-01 10:00:01\n"
           b"@@ -1,2 +1,2 @@\n keep\n-old\n+new\n")
    (f,) = read_patch(raw).files
    assert f.path == "f.txt" and f.status is FileStatus.MODIFIED
    assert [ln.kind for ln in f.hunks[0].lines] == [" ", "-", "+"]


def test_truncated_patch_names_file_and_hunk() -> None:
    raw = (b"diff --git a/f.txt b/f.txt\n--- a/f.txt\n+++ b/f.txt\n"
           b"@@ -1,2 +1,2 @@\n a\n-b\n+c\n"
           b"@@ -10,3 +10,3 @@\n x\n-y\n")
    with pytest.raises(PatchError, match=r"f\.txt: hunk 2: truncated"):
        read_patch(raw)


def test_garbage_inside_a_hunk_names_file_and_hunk() -> None:
    raw = (b"diff --git a/g.py b/g.py\n--- a/g.py\n+++ b/g.py\n"
           b"@@ -1,3 +1,3 @@\n a\n?? what\n c\n")
    with pytest.raises(PatchError, match=r"g\.py: hunk 1: malformed"):
        read_patch(raw)


def test_hunk_numbers_are_global_across_files() -> None:
    raw = (b"diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1 +1 @@\n-x\n+y\n@@ -5 +5 @@\n-x\n+y\n"
           b"diff --git a/b b/b\n--- a/b\n+++ b/b\n@@ -1 +1 @@\n-x\n+y\n")
    patch = read_patch(raw)
    assert [h.number for f in patch.files for h in f.hunks] == [1, 2, 3]


def test_patch_file_and_rev_range_give_the_same_hunks(git_repo: Path) -> None:
    from pairtui.diff.compute import diff_rev_range

    git(git_repo, "checkout", "-q", "-b", "agent")
    (git_repo / "src" / "app.py").write_text("def hello():\n    return 'hello'\n")
    (git_repo / "NEW.md").write_text("new\n")
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "agent")
    from_file = read_patch(run_git(git_repo, "diff", "main", "agent").stdout)  # user's defaults
    from_range = diff_rev_range(git_repo, "main..agent")
    assert [f.path for f in from_file.files] == [f.path for f in from_range.files]
    assert [f.hunks for f in from_file.files] == [f.hunks for f in from_range.files]
    assert from_file.hunk_refs() == from_range.hunk_refs()
