"""Every line of a patch is understood or refused with an error naming its line: a hunk
header that under- or over-counts its body must never silently drop the file's later hunks.
Where git itself accepts extra text (a commit message before the first file, format-patch's
"-- " signature after the last one, several emails in a row) pairtui accepts it too."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pairtui.cli import main
from pairtui.diff.parse import read_patch
from pairtui.errors import PatchError
from tests.support_diff import commit_files, new_repo, run_git, snapshot

LINES = [f"line {i}" for i in range(1, 61)]


def _text(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def four_hunks(tmp_path: Path) -> tuple[Path, bytes]:
    """A repo at the base commit and a real 4-hunk patch of numbers.txt (plus notes.txt)."""
    repo = new_repo(tmp_path / "repo")
    run_git(repo, "config", "user.email", "t@example.com")
    run_git(repo, "config", "user.name", "T")
    base = commit_files(repo, {"numbers.txt": (_text(LINES), "100644")}, "base")
    edited = list(LINES)
    for at in (3, 18, 33, 50):
        edited[at] = f"changed {at}"
    commit_files(repo, {"numbers.txt": (_text(edited), "100644"),
                        "notes.txt": (b"notes\n", "100644")}, "edit")
    raw = run_git(repo, "format-patch", "-1", "--stdout", "HEAD").stdout
    run_git(repo, "checkout", "-q", base)
    return repo, raw


def _recount(raw: bytes, which: int, delta: int) -> bytes:
    """The patch with the `which`-th "@@ -a,b +c,d @@" hunk counting `delta` more lines."""
    seen = 0

    def fix(m: re.Match[bytes]) -> bytes:
        nonlocal seen
        seen += 1
        if seen != which:
            return m[0]
        a, b, c, d = (int(m[i]) for i in (1, 2, 3, 4))
        return b"@@ -%d,%d +%d,%d @@" % (a, b + delta, c, d + delta)

    return re.sub(rb"^@@ -(\d+),(\d+) \+(\d+),(\d+) @@", fix, raw, flags=re.M)


def _both_refuse(repo: Path, data: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
                 ) -> str:
    git = run_git(repo, "apply", "--check", stdin=data, check=False)
    assert git.returncode != 0, "git accepted the damaged patch"
    with pytest.raises(PatchError) as err:
        read_patch(data)
    (tmp_path / "bad.patch").write_bytes(data)
    before = snapshot(repo)
    assert main(["-C", str(repo), "review", str(tmp_path / "bad.patch"), "--accept", "all",
                 "--yes"]) == 2
    assert snapshot(repo) == before
    assert main(["-C", str(repo), "review", str(tmp_path / "bad.patch"), "--dry-run"]) == 2
    capsys.readouterr()
    return str(err.value)


@pytest.mark.parametrize(("which", "delta"), [(1, -1), (2, -1), (1, 1), (3, 1), (4, 1)])
def test_a_miscounted_hunk_header_is_an_error_naming_its_line(
        four_hunks: tuple[Path, bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        which: int, delta: int) -> None:
    repo, raw = four_hunks
    message = _both_refuse(repo, _recount(raw, which, delta), tmp_path, capsys)
    assert re.search(r"line \d+", message), message


def test_an_undercounted_last_hunk_is_an_error_not_a_dropped_line(
        four_hunks: tuple[Path, bytes]) -> None:
    _repo, raw = four_hunks
    with pytest.raises(PatchError, match=r"line \d+"):
        read_patch(_recount(raw, 4, -1))


def test_text_between_hunks_that_is_not_a_hunk_is_an_error(
        four_hunks: tuple[Path, bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
        ) -> None:
    repo, raw = four_hunks
    cut = raw.index(b"\n@@ -", raw.index(b"@@ -") + 1) + 1
    damaged = raw[:cut] + b"some words that are no hunk\n" + raw[cut:]
    message = _both_refuse(repo, damaged, tmp_path, capsys)
    assert "line" in message


def test_format_patch_mail_with_signature_is_read_whole_like_git(
        four_hunks: tuple[Path, bytes], tmp_path: Path) -> None:
    repo, raw = four_hunks
    assert raw.rstrip().endswith(b"-- \n2.39.5") or b"\n-- \n" in raw
    patch = read_patch(raw)
    assert patch.hunk_count == 5
    (tmp_path / "mail.patch").write_bytes(raw)
    assert main(["-C", str(repo), "review", str(tmp_path / "mail.patch"), "--accept", "all",
                 "--yes"]) == 0
    twin = tmp_path / "twin"
    run_git(repo, "worktree", "add", "-q", "--detach", str(twin), "HEAD")
    assert run_git(twin, "apply", stdin=raw).returncode == 0
    assert (repo / "numbers.txt").read_bytes() == (twin / "numbers.txt").read_bytes()


def test_several_mails_in_a_row_are_read_like_git(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    run_git(repo, "config", "user.email", "t@example.com")
    run_git(repo, "config", "user.name", "T")
    base = commit_files(repo, {"a.txt": (_text(LINES), "100644")}, "base")
    one = list(LINES)
    one[10] = "ten"
    commit_files(repo, {"a.txt": (_text(one), "100644")}, "first\n\n- a bullet\n  indented")
    two = list(one)
    two[40] = "forty"
    commit_files(repo, {"a.txt": (_text(two), "100644"), "b.txt": (b"b\n", "100644")}, "second")
    raw = run_git(repo, "format-patch", "--stdout", f"{base}..HEAD").stdout
    patch = read_patch(raw)
    assert [f.path for f in patch.files] == ["a.txt", "a.txt", "b.txt"]
    run_git(repo, "checkout", "-q", base)
    assert run_git(repo, "apply", "--check", stdin=raw, check=False).returncode == 0


def test_a_stray_hunk_header_before_any_file_is_an_error_like_git(tmp_path: Path) -> None:
    data = b"some text\n@@ -1,2 +1,2 @@\n-a\n+b\n c\n"
    with pytest.raises(PatchError, match="line 2"):
        read_patch(data)
