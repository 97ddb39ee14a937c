"""Applying chosen hunks: all-or-nothing, refusals that name file and hunk, unsafe paths,
binary files, splitting hunks and choosing single lines."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pairtui.diff.apply import apply_patch, parse_spec, select_hunks, select_lines, split_hunk
from pairtui.diff.compute import diff_between
from pairtui.diff.model import Patch
from pairtui.diff.parse import read_patch
from pairtui.diff.select import replace_hunk
from pairtui.errors import PatchError, UnsafePathError
from tests.conftest import git

NUMBERED = "".join(f"line {i}\n" for i in range(1, 41))


def _two_commits(repo: Path, before: dict[str, bytes], after: dict[str, bytes]) -> Patch:
    for name, data in before.items():
        (repo / name).write_bytes(data)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "before")
    for name, data in after.items():
        (repo / name).write_bytes(data)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "after")
    patch = diff_between(repo, "HEAD~1", "HEAD")
    git(repo, "checkout", "-q", "HEAD~1")
    return patch


def _edit(text: str, *pairs: tuple[str, str]) -> bytes:
    for old, new in pairs:
        text = text.replace(old, new)
    return text.encode()


def test_context_mismatch_names_file_and_hunk_and_changes_nothing(git_repo: Path) -> None:
    patch = _two_commits(git_repo, {"a.txt": NUMBERED.encode(), "b.txt": NUMBERED.encode()},
                         {"a.txt": _edit(NUMBERED, ("line 5\n", "five\n")),
                          "b.txt": _edit(NUMBERED, ("line 5\n", "5\n"), ("line 30\n", "30\n"))})
    (git_repo / "b.txt").write_bytes(_edit(NUMBERED, ("line 31\n", "someone else\n")))
    before = {p: (git_repo / p).read_bytes() for p in ("a.txt", "b.txt")}
    with pytest.raises(PatchError, match=r"^b\.txt: hunk 3 does not apply"):
        apply_patch(git_repo, patch)
    assert {p: (git_repo / p).read_bytes() for p in before} == before


def test_hunk_found_at_an_offset_like_git(git_repo: Path) -> None:
    patch = _two_commits(git_repo, {"a.txt": NUMBERED.encode()},
                         {"a.txt": _edit(NUMBERED, ("line 20\n", "twenty\n"))})
    (git_repo / "a.txt").write_bytes(b"new top\n" * 3 + NUMBERED.encode())
    apply_patch(git_repo, patch)
    assert (git_repo / "a.txt").read_bytes() == b"new top\n" * 3 + _edit(
        NUMBERED, ("line 20\n", "twenty\n"))


def test_reverse_un_applies_only_the_chosen_hunks(git_repo: Path) -> None:
    after = _edit(NUMBERED, ("line 2\n", "two\n"), ("line 30\n", "thirty\n"))
    patch = _two_commits(git_repo, {"a.txt": NUMBERED.encode()}, {"a.txt": after})
    git(git_repo, "checkout", "-q", "main")
    apply_patch(git_repo, select_hunks(patch, [2], for_reverse=True), reverse=True)
    assert (git_repo / "a.txt").read_bytes() == _edit(NUMBERED, ("line 2\n", "two\n"))


@pytest.mark.parametrize("bad", ["../outside.txt", "/tmp/abs.txt", ".git/hooks/pre-commit",
                                 "sub/.GIT/config", "a/./b.txt"])
def test_unsafe_paths_are_refused_before_anything_is_written(git_repo: Path, bad: str) -> None:
    raw = (f"diff --git a/ok.txt b/ok.txt\nnew file mode 100644\n--- /dev/null\n+++ b/ok.txt\n"
           f"@@ -0,0 +1 @@\n+fine\n"
           f"diff --git a/{bad} b/{bad}\nnew file mode 100644\n--- /dev/null\n+++ b/{bad}\n"
           f"@@ -0,0 +1 @@\n+evil\n").encode()
    with pytest.raises(UnsafePathError, match="unsafe path"):
        apply_patch(git_repo, read_patch(raw))
    assert not (git_repo / "ok.txt").exists()


def test_paths_through_a_symlink_out_of_the_repo_are_refused(git_repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, git_repo / "escape")
    raw = (b"diff --git a/escape/x.txt b/escape/x.txt\nnew file mode 100644\n--- /dev/null\n"
           b"+++ b/escape/x.txt\n@@ -0,0 +1 @@\n+evil\n")
    with pytest.raises(UnsafePathError, match="symlink"):
        apply_patch(git_repo, read_patch(raw))
    assert list(outside.iterdir()) == []


def test_failure_while_writing_leaves_every_file_as_it_was(git_repo: Path) -> None:
    (git_repo / "blocker").write_text("I am a file, not a directory\n")
    raw = (b"diff --git a/README.md b/README.md\n--- a/README.md\n+++ b/README.md\n"
           b"@@ -1 +1 @@\n-# demo\n+# changed\n"
           b"diff --git a/blocker/new.txt b/blocker/new.txt\nnew file mode 100644\n"
           b"--- /dev/null\n+++ b/blocker/new.txt\n@@ -0,0 +1 @@\n+x\n")
    with pytest.raises(PatchError):
        apply_patch(git_repo, read_patch(raw))
    assert (git_repo / "README.md").read_text() == "# demo\n"
    assert [p.name for p in git_repo.iterdir() if "pairtui" in p.name] == []


def test_new_file_that_already_exists_and_lossy_deletion_are_refused(git_repo: Path) -> None:
    add = (b"diff --git a/README.md b/README.md\nnew file mode 100644\n--- /dev/null\n"
           b"+++ b/README.md\n@@ -0,0 +1 @@\n+again\n")
    with pytest.raises(PatchError, match="README.md: hunk 1: already exists"):
        apply_patch(git_repo, read_patch(add))
    (git_repo / "README.md").write_text("# demo\nlocal line\n")
    delete = (b"diff --git a/README.md b/README.md\ndeleted file mode 100644\n--- a/README.md\n"
              b"+++ /dev/null\n@@ -1 +0,0 @@\n-# demo\n")
    with pytest.raises(PatchError, match="README.md"):
        apply_patch(git_repo, read_patch(delete))
    assert (git_repo / "README.md").exists()


def test_binary_change_applies_and_reverses_whole(git_repo: Path) -> None:
    old, new = bytes(range(256)) * 4, bytes(range(256)) * 3 + b"\0changed" + bytes(range(248))
    patch = _two_commits(git_repo, {"pic.bin": old}, {"pic.bin": new})
    assert patch.files[0].is_binary
    apply_patch(git_repo, patch)
    assert (git_repo / "pic.bin").read_bytes() == new
    apply_patch(git_repo, patch, reverse=True)
    assert (git_repo / "pic.bin").read_bytes() == old
    (git_repo / "pic.bin").write_bytes(b"something else")
    with pytest.raises(PatchError, match="pic.bin: hunk 1: binary file does not match"):
        apply_patch(git_repo, patch)


def test_mode_change_sets_the_executable_bit(git_repo: Path) -> None:
    (git_repo / "run.sh").write_text("echo hi\n")
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "script")
    (git_repo / "run.sh").chmod(0o755)
    patch = diff_between(git_repo, "HEAD", "WORKTREE")
    (git_repo / "run.sh").chmod(0o644)
    apply_patch(git_repo, patch)
    assert os.stat(git_repo / "run.sh").st_mode & 0o111


def test_parse_spec() -> None:
    assert parse_spec("1,3-5", 6) == [1, 3, 4, 5]
    assert parse_spec("all", 3) == [1, 2, 3]
    assert parse_spec("none", 3) == []
    assert parse_spec(" 2 , 2,1 ", 3) == [1, 2]
    with pytest.raises(PatchError, match="hunk 7 is out of range: the patch has 6"):
        parse_spec("1,7", 6)
    with pytest.raises(PatchError, match="bad hunk spec '3-x'"):
        parse_spec("3-x", 6)
    with pytest.raises(PatchError, match="hunk 0 is out of range"):
        parse_spec("0", 6)
    with pytest.raises(PatchError, match="5 is after 2"):
        parse_spec("5-2", 6)


def _one_hunk_patch() -> Patch:
    raw = (b"diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1,7 +1,7 @@\n"
           b" a\n-b\n+B\n c\n d\n-e\n+E\n f\n g\n")
    return read_patch(raw)


def test_split_hunk_divides_at_context_and_parts_share_it() -> None:
    (hunk,) = _one_hunk_patch().files[0].hunks
    first, second = split_hunk(hunk)
    assert [ln.raw for ln in first.lines] == [b"a", b"b", b"B", b"c", b"d"]
    assert [ln.raw for ln in second.lines] == [b"c", b"d", b"e", b"E", b"f", b"g"]
    assert (first.old_start, first.old_len, second.old_start, second.old_len) == (1, 4, 3, 5)
    assert split_hunk(first) == [first]


def test_selecting_both_split_parts_gives_back_the_whole_change(tmp_path: Path) -> None:
    patch = _one_hunk_patch()
    parts = split_hunk(patch.files[0].hunks[0])
    split = replace_hunk(patch, 1, parts)
    assert split.hunk_count == 2
    (tmp_path / "f").write_bytes(b"a\nb\nc\nd\ne\nf\ng\n")
    apply_patch(tmp_path, select_hunks(split, [1, 2]))
    assert (tmp_path / "f").read_bytes() == b"a\nB\nc\nd\nE\nf\ng\n"


def test_select_lines_keeps_unchosen_removals_as_context_and_drops_unchosen_additions(
        tmp_path: Path) -> None:
    patch = _one_hunk_patch()
    hunk = patch.files[0].hunks[0]
    chosen = select_lines(hunk, [5])  # only "-e"
    assert [(ln.kind, ln.raw) for ln in chosen.lines if ln.kind != " "] == [("-", b"e")]
    assert (chosen.old_len, chosen.new_len) == (7, 6)
    (tmp_path / "f").write_bytes(b"a\nb\nc\nd\ne\nf\ng\n")
    apply_patch(tmp_path, replace_hunk(patch, 1, [chosen]))
    assert (tmp_path / "f").read_bytes() == b"a\nb\nc\nd\nf\ng\n"


def test_swapped_files_from_break_rewrites_apply_like_git(tmp_path: Path) -> None:
    from tests.support_diff import commit_files, new_repo, referee, run_git

    repo = new_repo(tmp_path / "swap")
    one = b"".join(b"first file line %d\n" % i for i in range(30))
    two = b"".join(b"second file line %d\n" % i for i in range(30))
    a = commit_files(repo, {"a.txt": (one, "100644"), "b.txt": (two, "100644")}, "a")
    b = commit_files(repo, {"a.txt": (two, "100644"), "b.txt": (one + b"more\n", "100644")}, "b")
    raw = run_git(repo, "diff", "-B", "-M", "--full-index", a, b).stdout
    patch = read_patch(raw)
    assert {f.status.value for f in patch.files} == {"renamed"}
    start = {"a.txt": (one, "100644"), "b.txt": (two, "100644")}
    result = referee(tmp_path, start, patch)
    assert result.ok and result.files["b.txt"][0] == one + b"more\n"


def test_repos_with_eol_conversion_apply_through_git(git_repo: Path) -> None:
    (git_repo / ".gitattributes").write_text("*.txt text eol=crlf\n")
    (git_repo / "notes.txt").write_bytes(NUMBERED.replace("\n", "\r\n").encode())
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "crlf on checkout")
    changed = NUMBERED.replace("line 3\n", "three\n").replace("line 30\n", "thirty\n")
    (git_repo / "notes.txt").write_bytes(changed.replace("\n", "\r\n").encode())
    patch = diff_between(git_repo, "HEAD", "WORKTREE")
    assert b"\r" not in patch.files[0].hunks[0].lines[0].raw  # the patch holds clean text
    apply_patch(git_repo, select_hunks(patch, [2], for_reverse=True), reverse=True)
    expected = NUMBERED.replace("line 3\n", "three\n").replace("\n", "\r\n").encode()
    assert (git_repo / "notes.txt").read_bytes() == expected
    with pytest.raises(PatchError, match="notes.txt: hunk 2 does not apply"):
        apply_patch(git_repo, select_hunks(patch, [2], for_reverse=True), reverse=True)
    assert (git_repo / "notes.txt").read_bytes() == expected


def test_un_applying_some_hunks_of_a_renamed_file_keeps_the_new_name(git_repo: Path) -> None:
    (git_repo / "old.txt").write_text(NUMBERED)
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "old")
    (git_repo / "old.txt").rename(git_repo / "new.txt")
    edited = _edit(NUMBERED, ("line 2\n", "two\n"), ("line 30\n", "thirty\n"))
    (git_repo / "new.txt").write_bytes(edited)
    patch = diff_between(git_repo, "HEAD", "WORKTREE")
    assert patch.files[0].status.value == "renamed" and patch.hunk_count == 2
    apply_patch(git_repo, select_hunks(patch, [1], for_reverse=True), reverse=True)
    assert not (git_repo / "old.txt").exists()
    assert (git_repo / "new.txt").read_bytes() == _edit(NUMBERED, ("line 30\n", "thirty\n"))
    apply_patch(git_repo, select_hunks(patch, [2], for_reverse=True), reverse=True)
    assert (git_repo / "new.txt").read_text() == NUMBERED
