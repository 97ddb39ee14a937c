"""Snapshots: the whole working state on a private ref, the user's git state untouched."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pairtui.errors import UsageError
from pairtui.git.checkpoints import Checkpoints
from tests.support_git import commit_all, git, user_state

LATIN1_NAME = "caf\xe9.txt".encode("latin-1")  # not valid UTF-8


def files_in(repo: Path, commit: str) -> dict[str, str]:
    """path -> "mode blob" for every entry of a snapshot commit."""
    out = git(repo, "ls-tree", "-r", commit)
    return {line.split("\t", 1)[1]: " ".join(line.split()[:3:2]) for line in out.splitlines()}


def blob(repo: Path, commit: str, path: str) -> bytes:
    import subprocess

    return subprocess.run(["git", "cat-file", "blob", f"{commit}:{path}"], cwd=repo,
                          capture_output=True, check=True).stdout


def test_snapshot_captures_modified_new_and_deleted_files_but_not_ignored(git_repo: Path):
    (git_repo / ".gitignore").write_text("*.log\nbuild/\n")
    commit_all(git_repo)
    (git_repo / "README.md").write_text("# changed\n")
    (git_repo / "src" / "new.py").write_text("x = 1\n")
    (git_repo / "src" / "app.py").unlink()
    (git_repo / "debug.log").write_text("secret noise\n")
    (git_repo / "build").mkdir()
    (git_repo / "build" / "out.bin").write_bytes(b"\0" * 10)

    cp = Checkpoints(git_repo, "s1").snapshot("start", chunk=1)

    names = set(files_in(git_repo, cp.commit))
    assert names == {".gitignore", "README.md", "src/new.py"}
    assert blob(git_repo, cp.commit, "README.md") == b"# changed\n"
    assert cp.files_changed == 3
    assert git(git_repo, "rev-parse", f"{cp.commit}^").strip() == git(git_repo, "rev-parse", "HEAD").strip()


def test_files_changed_is_what_git_diffs_between_head_and_the_snapshot(git_repo: Path):
    """The count is taken from the temp index, not the written tree: it must still be git's
    own list, through staged-then-reverted, intent-to-add, deleted and untracked files."""
    (git_repo / "README.md").write_text("# staged\n")
    git(git_repo, "add", "README.md")
    (git_repo / "README.md").write_text("# demo\n")  # staged, then put back as HEAD has it
    (git_repo / "later.txt").write_text("intent\n")
    git(git_repo, "add", "-N", "later.txt")
    (git_repo / "src" / "app.py").unlink()
    (git_repo / "new.txt").write_text("n\n")
    (git_repo / "staged.txt").write_text("s\n")
    git(git_repo, "add", "staged.txt")

    cp = Checkpoints(git_repo, "s1").snapshot("start")

    changed = git(git_repo, "diff-tree", "-r", "--name-only", "HEAD", cp.commit).split()
    assert sorted(changed) == ["later.txt", "new.txt", "src/app.py", "staged.txt"]
    assert cp.files_changed == len(changed)


def test_snapshot_leaves_index_head_branches_stash_and_reflog_byte_identical(git_repo: Path):
    (git_repo / "README.md").write_text("# staged\n")
    git(git_repo, "add", "README.md")
    (git_repo / "README.md").write_text("# staged, then edited again\n")
    (git_repo / "src" / "app.py").write_text("changed\n")
    git(git_repo, "stash", "push", "-q", "src/app.py")
    (git_repo / "untracked.txt").write_text("u\n")
    git(git_repo, "branch", "feature")
    before = user_state(git_repo)
    status = git(git_repo, "status", "--porcelain")

    cps = Checkpoints(git_repo, "s1")
    cps.snapshot("start", 1)
    cps.snapshot("executed", 1)

    assert user_state(git_repo) == before
    assert git(git_repo, "status", "--porcelain") == status


def test_snapshot_keeps_crlf_bytes_exec_bits_symlinks_and_binary(git_repo: Path):
    (git_repo / "win.txt").write_bytes(b"one\r\ntwo\r\n")
    (git_repo / "run.sh").write_text("#!/bin/sh\necho hi\n")
    os.chmod(git_repo / "run.sh", 0o755)
    os.symlink("src/app.py", git_repo / "link")
    (git_repo / "blob.bin").write_bytes(bytes(range(256)) * 100)

    cp = Checkpoints(git_repo, "s1").snapshot("start")

    entries = files_in(git_repo, cp.commit)
    assert entries["run.sh"].startswith("100755")
    assert entries["link"].startswith("120000")
    assert blob(git_repo, cp.commit, "win.txt") == b"one\r\ntwo\r\n"
    assert blob(git_repo, cp.commit, "link") == b"src/app.py"
    assert blob(git_repo, cp.commit, "blob.bin") == bytes(range(256)) * 100


def test_snapshot_keeps_non_utf8_file_names(git_repo: Path):
    with open(os.path.join(os.fsencode(git_repo), LATIN1_NAME), "wb") as f:
        f.write(b"latin\n")
    cp = Checkpoints(git_repo, "s1").snapshot("start")
    import subprocess

    out = subprocess.run(["git", "ls-tree", "-z", "--name-only", cp.commit], cwd=git_repo,
                         capture_output=True, check=True).stdout
    assert LATIN1_NAME in out.split(b"\0")


def test_snapshot_on_unborn_head_has_no_parent(empty_repo: Path):
    (empty_repo / "first.txt").write_text("hello\n")
    before = user_state(empty_repo)
    cp = Checkpoints(empty_repo, "s1").snapshot("start")
    assert git(empty_repo, "rev-list", "--parents", "-n1", cp.commit).split() == [cp.commit]
    assert cp.files_changed == 1
    assert user_state(empty_repo) == before
    assert git(empty_repo, "rev-parse", "-q", "--verify", "HEAD", check=False) == ""


def test_metadata_round_trips_through_list(git_repo: Path):
    cps = Checkpoints(git_repo, "s1")
    (git_repo / "a.txt").write_text("a\n")
    first = cps.snapshot("start", 2, "before chunk 2\nsecond line")
    second = cps.snapshot("executed", 2)
    listed = cps.list()
    assert listed == [first, second]
    assert listed[0].id == "s1/1-start" and listed[1].id == "s1/2-executed"
    assert listed[0].message == "before chunk 2\nsecond line"
    assert listed[0].chunk == 2 and listed[0].files_changed == 1
    assert listed[0].ref == "refs/pairtui/s1/1-start"
    assert listed[0].time <= listed[1].time


def test_numbers_continue_across_instances_and_sessions_are_separate(git_repo: Path):
    Checkpoints(git_repo, "s1").snapshot("start")
    Checkpoints(git_repo, "s2").snapshot("start")
    again = Checkpoints(git_repo, "s1").snapshot("executed")
    assert again.id == "s1/2-executed"
    assert [c.id for c in Checkpoints(git_repo, "s2").list()] == ["s2/1-start"]
    assert len(Checkpoints(git_repo, "s2").list(all_sessions=True)) == 3


def test_numbers_continue_on_an_unborn_head_and_past_a_session_sharing_the_prefix(
        empty_repo: Path, git_repo: Path):
    # HEAD and the session's refs are read by one process; an unborn HEAD makes it fail, and
    # the numbers must still continue (never reuse a number: the ref is create-only).
    (empty_repo / "first.txt").write_text("hello\n")
    Checkpoints(empty_repo, "s1").snapshot("start")
    assert Checkpoints(empty_repo, "s1").snapshot("executed").id == "s1/2-executed"
    for _ in range(3):
        Checkpoints(git_repo, "s10").snapshot("start")
    Checkpoints(git_repo, "s1").snapshot("start")
    assert Checkpoints(git_repo, "s1").snapshot("executed").id == "s1/2-executed"
    assert Checkpoints(git_repo, "s10").snapshot("executed").id == "s10/4-executed"


def test_a_snapshot_without_its_count_is_the_same_snapshot(git_repo: Path):
    (git_repo / "a.txt").write_text("a\n")
    counted = Checkpoints(git_repo, "s1").snapshot("start")
    quick = Checkpoints(git_repo, "s1").snapshot("again", count=False)
    assert counted.files_changed == 1 and quick.files_changed == 0
    assert quick.tree == counted.tree and quick.id == "s1/2-again"
    assert Checkpoints(git_repo, "s1").list()[1].files_changed == 1  # counted when listed


def test_snapshot_needs_no_user_identity(git_repo: Path, monkeypatch):
    for var in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(var, raising=False)
    git(git_repo, "config", "user.useConfigOnly", "true")
    assert Checkpoints(git_repo, "s1").snapshot("start").commit


def test_bad_session_or_step_names_are_refused(git_repo: Path):
    with pytest.raises(UsageError):
        Checkpoints(git_repo, "a/b")
    with pytest.raises(UsageError):
        Checkpoints(git_repo, "s1").snapshot("no spaces")


def test_snapshot_in_linked_worktree_uses_that_worktrees_files(git_repo: Path, tmp_path: Path):
    linked = tmp_path / "linked"
    git(git_repo, "worktree", "add", "-q", "-b", "side", str(linked))
    assert (linked / ".git").is_file()
    (linked / "only-here.txt").write_text("linked\n")
    before_main, before_linked = user_state(git_repo), user_state(linked)

    cp = Checkpoints(linked, "wt").snapshot("start")

    assert "only-here.txt" in files_in(linked, cp.commit)
    assert user_state(git_repo) == before_main and user_state(linked) == before_linked
    assert (linked / ".git").is_file()


def test_snapshot_does_not_descend_into_submodules(git_repo: Path, tmp_path: Path):
    sub = tmp_path / "subsrc"
    sub.mkdir()
    git(sub, "init", "-q", "-b", "main")
    (sub / "inner.txt").write_text("inner\n")
    commit_all(sub)
    git(git_repo, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sub), "vendored")
    commit_all(git_repo, "add submodule")
    (git_repo / "vendored" / "inner.txt").write_text("edited inside the submodule\n")

    cp = Checkpoints(git_repo, "s1").snapshot("start")

    entries = files_in(git_repo, cp.commit)
    assert entries["vendored"].startswith("160000")
    assert "vendored/inner.txt" not in entries
    assert (git_repo / "vendored" / "inner.txt").read_text() == "edited inside the submodule\n"


def test_snapshot_mid_merge_records_the_conflicted_files_without_touching_the_index(git_repo: Path):
    git(git_repo, "checkout", "-q", "-b", "other")
    (git_repo / "README.md").write_text("other\n")
    commit_all(git_repo, "other")
    git(git_repo, "checkout", "-q", "main")
    (git_repo / "README.md").write_text("main\n")
    commit_all(git_repo, "main")
    git(git_repo, "merge", "-q", "other", check=False)
    before = user_state(git_repo)

    cp = Checkpoints(git_repo, "s1").snapshot("manual")

    assert b"<<<<<<<" in blob(git_repo, cp.commit, "README.md")
    assert user_state(git_repo) == before
    assert "UU README.md" in git(git_repo, "status", "--porcelain")


def test_nested_repo_without_commits_is_left_out_not_fatal(git_repo: Path):
    inner = git_repo / "scratch"
    inner.mkdir()
    git(inner, "init", "-q")
    (inner / "x.txt").write_text("inner\n")
    (git_repo / "mine.txt").write_text("mine\n")
    cps = Checkpoints(git_repo, "s1")

    cp = cps.snapshot("start")
    (git_repo / "mine.txt").write_text("changed\n")
    cps.restore(cp)

    assert "mine.txt" in files_in(git_repo, cp.commit)
    assert not any(name.startswith("scratch") for name in files_in(git_repo, cp.commit))
    assert (git_repo / "mine.txt").read_text() == "mine\n"
    assert (inner / "x.txt").read_text() == "inner\n" and (inner / ".git").is_dir()
