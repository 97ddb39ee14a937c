"""`pairtui review` headless: list hunks, apply or un-apply a chosen subset, refuse bad input
with one line (exit 2) and an untouched working tree."""

from __future__ import annotations

from pathlib import Path

import pytest

from pairtui.cli import main
from tests.conftest import git

NUMBERED = "".join(f"line {i}\n" for i in range(1, 41))


def _tree(repo: Path) -> dict[str, bytes]:
    return {p.relative_to(repo).as_posix(): p.read_bytes()
            for p in sorted(repo.rglob("*")) if p.is_file() and ".git" not in p.parts}


@pytest.fixture
def agent_branch(git_repo: Path) -> Path:
    """main has numbers.txt; branch agent changes it in three places and adds notes.txt."""
    (git_repo / "numbers.txt").write_text(NUMBERED)
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "numbers")
    git(git_repo, "checkout", "-q", "-b", "agent")
    text = NUMBERED.replace("line 2\n", "two\n").replace("line 20\n", "twenty\n")
    (git_repo / "numbers.txt").write_text(text.replace("line 38\n", "thirty-eight\n"))
    (git_repo / "notes.txt").write_text("agent notes\n")
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "agent")
    git(git_repo, "checkout", "-q", "main")
    return git_repo


def test_dry_run_lists_hunks_with_numbers_files_and_counts(agent_branch: Path, capsys) -> None:  # noqa: ANN001
    assert main(["-C", str(agent_branch), "review", "main..agent", "--dry-run"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "1  notes.txt  @@ -0,0 +1 @@  +1 -0",
        "2  numbers.txt  @@ -1,5 +1,5 @@  +1 -1",
        "3  numbers.txt  @@ -17,7 +17,7 @@  +1 -1",
        "4  numbers.txt  @@ -35,6 +35,6 @@  +1 -1",
    ]


def test_accept_applies_only_the_chosen_hunks_of_a_rev_range(agent_branch: Path, capsys) -> None:  # noqa: ANN001
    assert main(["-C", str(agent_branch), "review", "main..agent", "--accept", "1,3-4",
                 "--yes"]) == 0
    assert "applied 3 hunks in 2 files" in capsys.readouterr().out
    text = (agent_branch / "numbers.txt").read_text()
    assert "line 2\n" in text and "twenty\n" in text and "thirty-eight\n" in text
    assert (agent_branch / "notes.txt").read_text() == "agent notes\n"


def test_patch_file_accept_then_reverse_restores_the_tree(agent_branch: Path, tmp_path: Path) -> None:
    patch_file = tmp_path / "agent.patch"
    patch_file.write_bytes(git(agent_branch, "diff", "--binary", "main", "agent").encode())
    before = _tree(agent_branch)
    repo = ["-C", str(agent_branch), "review", str(patch_file)]
    assert main([*repo, "--accept", "2-3", "--yes"]) == 0
    assert _tree(agent_branch) != before
    assert main([*repo, "--accept", "2-3", "--yes", "--reverse"]) == 0
    assert _tree(agent_branch) == before


def test_working_tree_accept_keeps_chosen_hunks_and_rejects_the_rest(agent_branch: Path) -> None:
    git(agent_branch, "checkout", "-q", "agent", "--", "numbers.txt")  # uncommitted agent edits
    git(agent_branch, "reset", "-q")
    (agent_branch / "untracked.txt").write_text("new and untracked\n")
    assert main(["-C", str(agent_branch), "review", "--accept", "2", "--yes"]) == 0
    text = (agent_branch / "numbers.txt").read_text()
    assert "twenty\n" in text and "two\n" not in text and "thirty-eight" not in text
    assert not (agent_branch / "untracked.txt").exists()  # hunk 4: the untracked file, rejected
    assert "pre-review" in git(agent_branch, "for-each-ref", "refs/pairtui/")


@pytest.mark.parametrize(("args", "message"), [
    (["--accept", "9", "--yes"], "hunk 9 is out of range: the patch has 4 hunk(s)"),
    (["--accept", "1,x", "--yes"], "bad hunk spec 'x'"),
    (["--yes"], "--yes needs --accept"),
])
def test_bad_spec_exits_2_with_one_line_and_changes_nothing(agent_branch: Path, capsys,  # noqa: ANN001
                                                            args: list[str], message: str) -> None:
    before = _tree(agent_branch)
    assert main(["-C", str(agent_branch), "review", "main..agent", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert _tree(agent_branch) == before


def test_context_that_no_longer_matches_exits_2_naming_file_and_hunk(agent_branch: Path,
                                                                       capsys) -> None:  # noqa: ANN001
    (agent_branch / "numbers.txt").write_text(NUMBERED.replace("line 19\n", "changed here\n"))
    before = _tree(agent_branch)
    assert main(["-C", str(agent_branch), "review", "main..agent", "--accept", "all",
                 "--yes"]) == 2
    err = capsys.readouterr().err
    assert err == "pairtui: numbers.txt: hunk 3 does not apply: its context no longer matches\n"
    assert _tree(agent_branch) == before


def test_malformed_or_truncated_patch_file_exits_2(git_repo: Path, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    bad = tmp_path / "bad.patch"
    bad.write_bytes(b"diff --git a/README.md b/README.md\n--- a/README.md\n+++ b/README.md\n"
                    b"@@ -1,3 +1,3 @@\n-# demo\n")
    assert main(["-C", str(git_repo), "review", str(bad), "--accept", "all", "--yes"]) == 2
    assert "README.md: hunk 1: truncated" in capsys.readouterr().err
    (tmp_path / "empty.patch").write_bytes(b"hello, not a diff\n")
    assert main(["-C", str(git_repo), "review", str(tmp_path / "empty.patch"), "--dry-run"]) == 2
    assert "no diff found" in capsys.readouterr().err


def test_unsafe_path_in_a_patch_exits_2(git_repo: Path, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    evil = tmp_path / "evil.patch"
    evil.write_bytes(b"diff --git a/../x b/../x\nnew file mode 100644\n--- /dev/null\n"
                     b"+++ b/../x\n@@ -0,0 +1 @@\n+evil\n")
    assert main(["-C", str(git_repo), "review", str(evil), "--accept", "all", "--yes"]) == 2
    assert "../x: hunk 1: unsafe path" in capsys.readouterr().err
    assert not (git_repo.parent / "x").exists()


def test_unknown_source_is_a_one_line_error(git_repo: Path, capsys) -> None:  # noqa: ANN001
    assert main(["-C", str(git_repo), "review", "nope..main", "--dry-run"]) == 2
    assert "not a patch file or a revision range" in capsys.readouterr().err
