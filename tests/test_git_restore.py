"""Restores: exactly the checkpoint's files, ignored files and .git left alone, always undoable."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pairtui.errors import GitError
from pairtui.git.checkpoints import Checkpoints, UnknownCheckpointError
from tests.support_git import commit_all, git, user_state, worktree

LATIN1_NAME = "na\xefve.txt".encode("latin-1")


def agent_makes_a_mess(repo: Path) -> None:
    """What an agent step might do: edit, create (in a new directory), delete, chmod, relink."""
    (repo / "README.md").write_text("# rewritten by the agent\n")
    (repo / "pkg" / "deep").mkdir(parents=True)
    (repo / "pkg" / "deep" / "new.py").write_text("new = True\n")
    (repo / "win.txt").write_bytes(b"agent\nline endings\n")
    (repo / "src" / "app.py").unlink()
    os.chmod(repo / "run.sh", 0o644)
    (repo / "link").unlink()
    os.symlink("README.md", repo / "link")
    os.remove(os.path.join(os.fsencode(repo), LATIN1_NAME))


@pytest.fixture
def rich_repo(git_repo: Path) -> Path:
    """Committed CRLF file, executable, symlink, non-UTF-8 name and an ignore rule; plus the
    person's own uncommitted edits, an untracked file, an ignored file and an empty dir."""
    (git_repo / ".gitignore").write_text("*.log\n")
    (git_repo / "win.txt").write_bytes(b"one\r\ntwo\r\n")
    (git_repo / "run.sh").write_text("#!/bin/sh\n")
    os.chmod(git_repo / "run.sh", 0o755)
    os.symlink("src/app.py", git_repo / "link")
    with open(os.path.join(os.fsencode(git_repo), LATIN1_NAME), "wb") as f:
        f.write(b"caf\xe9\n")
    commit_all(git_repo, "rich")
    (git_repo / "src" / "app.py").write_text("def hello():\n    return 'my own edit'\n")
    (git_repo / "notes.txt").write_text("my untracked notes\n")
    (git_repo / "trace.log").write_text("ignored\n")
    (git_repo / "empty-dir").mkdir()
    return git_repo


def test_restore_brings_back_exact_files_modes_links_and_names(rich_repo: Path):
    cps = Checkpoints(rich_repo, "s1")
    start = cps.snapshot("start", 1)
    before = worktree(rich_repo)

    agent_makes_a_mess(rich_repo)
    (rich_repo / "trace.log").write_text("ignored, changed meanwhile\n")
    cps.restore(start)

    after = worktree(rich_repo)
    expected = dict(before)
    expected[b"trace.log"] = ("file", b"ignored, changed meanwhile\n")  # ignored: left alone
    assert after == expected
    assert not (rich_repo / "pkg").exists()  # created directories go with their files
    assert (rich_repo / "empty-dir").is_dir()


def test_restore_leaves_user_index_and_status_as_they_were(rich_repo: Path):
    (rich_repo / "README.md").write_text("# staged by me\n")
    git(rich_repo, "add", "README.md")
    cps = Checkpoints(rich_repo, "s1")
    start = cps.snapshot("start", 1)
    status = git(rich_repo, "status", "--porcelain")
    state = user_state(rich_repo)

    agent_makes_a_mess(rich_repo)
    cps.restore(start)

    assert user_state(rich_repo) == state
    assert git(rich_repo, "status", "--porcelain") == status


def test_restore_is_undoable_through_its_pre_restore_checkpoint(rich_repo: Path):
    cps = Checkpoints(rich_repo, "s1")
    start = cps.snapshot("start", 1)
    agent_makes_a_mess(rich_repo)
    messy = worktree(rich_repo)

    pre = cps.restore(start.id)
    assert pre.step == "pre-restore" and pre.id == "s1/2-pre-restore"
    cps.restore(pre)

    # git does not track directories: src/ (emptied by the agent) held app.py again after the
    # first restore, and git removes a directory that its own deletion leaves empty.
    del messy[b"src"]
    assert worktree(rich_repo) == messy


def test_restore_removes_a_staged_new_file_but_keeps_it_staged_and_recoverable(git_repo: Path):
    cps = Checkpoints(git_repo, "s1")
    start = cps.snapshot("start")
    (git_repo / "staged.txt").write_text("staged content\n")
    git(git_repo, "add", "staged.txt")

    pre = cps.restore(start)

    assert not (git_repo / "staged.txt").exists()
    # The index is the person's: the staged entry stays, so status shows it staged and deleted.
    assert "AD staged.txt" in git(git_repo, "status", "--porcelain")
    assert git(git_repo, "show", ":staged.txt") == "staged content\n"
    cps.restore(pre)
    assert (git_repo / "staged.txt").read_text() == "staged content\n"
    assert "A  staged.txt" in git(git_repo, "status", "--porcelain")


def test_restore_refuses_to_overwrite_an_ignored_file_in_the_way(git_repo: Path):
    cps = Checkpoints(git_repo, "s1")
    (git_repo / "out.dat").write_text("tracked in the checkpoint\n")
    target = cps.snapshot("start")
    (git_repo / "out.dat").unlink()
    (git_repo / ".gitignore").write_text("out.dat\n")
    (git_repo / "out.dat").write_text("precious ignored file\n")
    before = worktree(git_repo)

    with pytest.raises(GitError, match="out.dat"):
        cps.restore(target)

    assert worktree(git_repo) == before


def test_restore_refuses_when_ignored_files_block_a_directory_or_a_file(git_repo: Path):
    cps = Checkpoints(git_repo, "s1")
    (git_repo / "cache").mkdir()
    (git_repo / "cache" / "data.txt").write_text("in the checkpoint\n")
    (git_repo / "build").write_text("a file in the checkpoint\n")
    target = cps.snapshot("start")
    (git_repo / "cache" / "data.txt").unlink()
    (git_repo / "cache").rmdir()
    (git_repo / "build").unlink()
    (git_repo / ".gitignore").write_text("cache\nbuild/\n")
    (git_repo / "cache").write_text("ignored file where a directory must go\n")
    (git_repo / "build").mkdir()
    (git_repo / "build" / "artifact.o").write_bytes(b"\x7fELF")
    before = worktree(git_repo)

    with pytest.raises(GitError, match="build.*cache|cache.*build") as caught:
        cps.restore(target)

    assert "Nothing was changed" in str(caught.value)
    assert worktree(git_repo) == before


def test_restore_after_files_were_only_touched_works(git_repo: Path):
    cps = Checkpoints(git_repo, "s1")
    start = cps.snapshot("start")
    (git_repo / "README.md").write_text("# changed\n")
    for path in (git_repo / "README.md", git_repo / "src" / "app.py"):
        os.utime(path, (1, 1))
    cps.restore(start)
    assert (git_repo / "README.md").read_text() == "# demo\n"


def test_restore_on_unborn_head(empty_repo: Path):
    cps = Checkpoints(empty_repo, "s1")
    (empty_repo / "mine.txt").write_text("mine\n")
    start = cps.snapshot("start")
    (empty_repo / "agent.txt").write_text("agent\n")
    (empty_repo / "mine.txt").write_text("agent rewrote it\n")
    cps.restore(start)
    assert worktree(empty_repo) == {b"mine.txt": ("file", b"mine\n")}
    assert not (empty_repo / ".git" / "index").exists()


def test_restore_across_sessions_and_after_a_commit(git_repo: Path):
    old = Checkpoints(git_repo, "old").snapshot("start")
    (git_repo / "README.md").write_text("# committed later\n")
    commit_all(git_repo, "later")
    pre = Checkpoints(git_repo, "new").restore("old/1-start")
    assert pre.session == "new"
    assert (git_repo / "README.md").read_text() == "# demo\n"
    assert git(git_repo, "rev-parse", "HEAD^{tree}").strip() != old.tree
    assert " M README.md" in git(git_repo, "status", "--porcelain")


def test_get_accepts_short_ids_numbers_prefixes_refs_and_shas(git_repo: Path):
    cps = Checkpoints(git_repo, "s1")
    first = cps.snapshot("start", 1)
    second = cps.snapshot("executed", 1)
    other = Checkpoints(git_repo, "s2").snapshot("start")
    assert cps.get("s1/1-start") == first
    assert cps.get("s1/2") == second
    assert cps.get("2") == second
    assert cps.get("s2/1-st") == other
    assert cps.get("refs/pairtui/s1/2-executed") == second
    assert cps.get(second.commit[:10]) == second
    with pytest.raises(UnknownCheckpointError, match="ambiguous"):
        cps.get("s")
    with pytest.raises(UnknownCheckpointError, match="no checkpoint"):
        cps.get("s9/1-start")


def test_prune_keeps_the_newest_sessions_and_never_the_open_one(git_repo: Path):
    for name in ("a", "b", "c", "d"):
        Checkpoints(git_repo, name).snapshot("start")
    cps = Checkpoints(git_repo, "d")
    pruned = cps.prune(keep=2, open_session="a")
    assert sorted(pruned) == ["b"]
    assert sorted({c.session for c in cps.list(all_sessions=True)}) == ["a", "c", "d"]
    assert cps.prune(keep=0, open_session="d") == ["c", "a"]
    assert {c.session for c in cps.list(all_sessions=True)} == {"d"}


def test_restore_refuses_when_a_file_changes_after_its_pre_restore_snapshot(git_repo: Path, monkeypatch):
    import pairtui.git.checkpoints as checkpoints_module

    cps = Checkpoints(git_repo, "s1")
    start = cps.snapshot("start")
    (git_repo / "README.md").write_text("# agent\n")
    real_check = checkpoints_module.switch_problems

    def editor_saves_meanwhile(*args, **kwargs):
        (git_repo / "README.md").write_text("# saved by my editor just now\n")
        return real_check(*args, **kwargs)

    monkeypatch.setattr(checkpoints_module, "switch_problems", editor_saves_meanwhile)
    with pytest.raises(GitError, match="README.md changed while restoring"):
        cps.restore(start)
    assert (git_repo / "README.md").read_text() == "# saved by my editor just now\n"
