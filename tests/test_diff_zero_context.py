"""Hunks without context (`git diff -U0`) apply exactly as `git apply --unidiff-zero` applies
them: at their stated position, never glued to the end of the file. Compared byte for byte
with git on a hand-made case from a bug report and on random subsets of generated -U0 diffs."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pairtui.cli import main
from pairtui.diff.model import Patch
from pairtui.diff.parse import read_patch
from pairtui.diff.select import select_hunks
from tests.support_diff import (
    Files,
    base_files,
    commit_files,
    edited_files,
    new_repo,
    referee,
    run_git,
)

UNIDIFF_ZERO = ("--unidiff-zero",)


def _u0(repo: Path, a: str, b: str) -> Patch:
    raw = run_git(repo, "diff", "-U0", "--binary", "--full-index", "-M", a, b).stdout
    return read_patch(raw)


def test_zero_context_insertion_before_an_unterminated_last_line_lands_after_its_line(
        tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    base: Files = {"cart.txt": (b"apple\nbanana\ncart\ndelta price\necho", "100644")}
    target: Files = {"cart.txt": (b"apple\nbanana\ncart\nnew one\nnew two\ndelta price\necho",
                                  "100644")}
    a, b = commit_files(repo, base, "a"), commit_files(repo, target, "b")
    patch = _u0(repo, a, b)
    assert patch.files[0].hunks[0].header == "@@ -3,0 +4,2 @@"
    out = referee(tmp_path, base, patch, git_args=UNIDIFF_ZERO)
    assert out.ok and out.files["cart.txt"] == target["cart.txt"]
    back = referee(tmp_path, target, patch, reverse=True, tag="r", git_args=UNIDIFF_ZERO)
    assert back.ok and back.files["cart.txt"] == base["cart.txt"]


@pytest.mark.parametrize("seed", range(8))
def test_zero_context_subsets_match_git_apply_unidiff_zero(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    repo = new_repo(tmp_path / "repo")
    base = base_files(rng)
    target = edited_files(rng, base)
    a, b = commit_files(repo, base, "base"), commit_files(repo, target, "target")
    patch = _u0(repo, a, b)
    whole = referee(tmp_path, base, patch, git_args=UNIDIFF_ZERO)
    assert whole.ok, whole.error
    for case in range(10):
        chosen = sorted(rng.sample(range(1, patch.hunk_count + 1),
                                   rng.randint(1, patch.hunk_count)))
        referee(tmp_path, base, select_hunks(patch, chosen), tag=f"f{case}",
                git_args=UNIDIFF_ZERO)
        referee(tmp_path, target, select_hunks(patch, chosen, for_reverse=True), reverse=True,
                tag=f"r{case}", git_args=UNIDIFF_ZERO)


def test_review_applies_a_u0_patch_and_dry_run_says_it_has_no_context(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = new_repo(tmp_path / "repo")
    lines = [f"line {i}" for i in range(1, 21)]
    base: Files = {"n.txt": (("\n".join(lines) + "\n").encode(), "100644")}
    edited = list(lines)
    edited[4] = "five"
    edited[15:15] = ["inserted"]
    target: Files = {"n.txt": (("\n".join(edited) + "\n").encode(), "100644")}
    a, b = commit_files(repo, base, "a"), commit_files(repo, target, "b")
    raw = run_git(repo, "diff", "-U0", a, b).stdout
    run_git(repo, "checkout", "-q", a)
    (tmp_path / "u0.patch").write_bytes(raw)
    assert main(["-C", str(repo), "review", str(tmp_path / "u0.patch"), "--dry-run"]) == 0
    listing = capsys.readouterr().out
    assert listing.count("no context: applied as git apply --unidiff-zero") == 2, listing
    assert main(["-C", str(repo), "review", str(tmp_path / "u0.patch"), "--accept", "2",
                 "--yes"]) == 0
    expected = list(lines)
    expected[15:15] = ["inserted"]
    assert (repo / "n.txt").read_bytes() == ("\n".join(expected) + "\n").encode()


def test_a_zero_context_hunk_that_does_not_fit_names_the_real_cause(tmp_path: Path) -> None:
    from pairtui.diff.apply import apply_patch
    from pairtui.errors import PatchError

    repo = new_repo(tmp_path / "repo")
    (repo / "n.txt").write_bytes(b"a\nb\nc\nd\n")
    raw = b"diff --git a/n.txt b/n.txt\n--- a/n.txt\n+++ b/n.txt\n@@ -2 +2 @@\n-x\n+y\n"
    with pytest.raises(PatchError, match="hunk 1 does not apply: the lines it removes are not "
                                          "at line 2") as err:
        apply_patch(repo, read_patch(raw))
    assert "end of the file" not in str(err.value)
    assert (repo / "n.txt").read_bytes() == b"a\nb\nc\nd\n"
