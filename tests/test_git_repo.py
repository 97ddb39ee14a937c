"""Repo discovery and guards, and the checkpoint / checkpoints / restore commands."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pairtui.errors import RepoStateError
from pairtui.git.plumbing import Git
from pairtui.git.repo import RepoInfo, ensure_ready, find_repo, read_head
from tests.support_git import ROOT, commit_all, git, worktree


def pairtui(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pairtui", *args], capture_output=True,
                          text=True, cwd=cwd or ROOT)


def test_find_repo_from_a_subdirectory_gives_the_top_level(git_repo: Path):
    info = find_repo(git_repo / "src")
    assert info.root == git_repo.resolve()
    assert info.git_dir == (git_repo / ".git").resolve()


def test_outside_a_repo_is_refused_with_exit_4(tmp_path: Path):
    with pytest.raises(RepoStateError, match="not a git repository") as caught:
        find_repo(tmp_path)
    assert caught.value.exit_code == 4


def test_bare_repo_is_refused(tmp_path: Path):
    git(tmp_path, "init", "-q", "--bare", "bare.git")
    with pytest.raises(RepoStateError, match="bare"):
        find_repo(tmp_path / "bare.git")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="making a repo owned by someone else needs root")
def test_a_repo_owned_by_someone_else_is_refused_with_gits_remedy_in_one_line(git_repo: Path):
    subprocess.run(["chown", "-R", "65534:65534", str(git_repo)], check=True)
    try:
        out = pairtui("checkpoints", cwd=git_repo)
    finally:
        subprocess.run(["chown", "-R", f"{os.getuid()}:{os.getgid()}", str(git_repo)], check=True)
    assert out.returncode == 4 and len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert "dubious ownership" in out.stderr
    assert f"git config --global --add safe.directory {git_repo.resolve()}" in out.stderr


def test_linked_worktree_has_its_own_git_dir(git_repo: Path, tmp_path: Path):
    linked = tmp_path / "linked"
    git(git_repo, "worktree", "add", "-q", str(linked))
    info = find_repo(linked)
    assert info.root == linked.resolve()
    assert info.git_dir == (git_repo / ".git" / "worktrees" / "linked").resolve()
    ensure_ready(info)


@pytest.mark.parametrize(
    ("marker", "named"),
    [
        ("MERGE_HEAD", "merge"),
        ("rebase-merge", "rebase"),
        ("rebase-apply", "rebase"),
        ("CHERRY_PICK_HEAD", "cherry-pick"),
        ("REVERT_HEAD", "revert"),
        ("BISECT_LOG", "bisect"),
    ],
)
def test_operations_in_progress_are_refused_by_name(git_repo: Path, marker: str, named: str):
    path = git_repo / ".git" / marker
    path.mkdir() if "rebase" in marker else path.write_text("x\n")
    with pytest.raises(RepoStateError, match=named) as caught:
        ensure_ready(RepoInfo(git_repo, git_repo / ".git"))
    assert caught.value.exit_code == 4


def test_a_real_merge_conflict_is_refused(git_repo: Path):
    git(git_repo, "checkout", "-q", "-b", "other")
    (git_repo / "README.md").write_text("other\n")
    commit_all(git_repo)
    git(git_repo, "checkout", "-q", "main")
    (git_repo / "README.md").write_text("main\n")
    commit_all(git_repo)
    git(git_repo, "merge", "-q", "other", check=False)
    with pytest.raises(RepoStateError, match="a merge is in progress"):
        ensure_ready(find_repo(git_repo))


def test_read_head_on_branch_detached_and_unborn(git_repo: Path, empty_repo: Path):
    head = read_head(Git(git_repo))
    assert head.branch == "refs/heads/main" and head.commit and not head.detached
    git(git_repo, "checkout", "-q", "--detach")
    assert read_head(Git(git_repo)).detached
    unborn = read_head(Git(empty_repo))
    assert unborn.unborn and unborn.branch == "refs/heads/main"


def test_checkpoint_command_lists_and_restores(git_repo: Path):
    (git_repo / "README.md").write_text("# saved\n")
    out = pairtui("-C", str(git_repo), "checkpoint", "-m", "before lunch")
    assert out.returncode == 0, out.stderr
    assert "manual/1-manual" in out.stdout

    (git_repo / "README.md").write_text("# later mess\n")
    (git_repo / "junk.txt").write_text("junk\n")
    listing = pairtui("-C", str(git_repo), "checkpoints")
    assert listing.returncode == 0
    header, row = listing.stdout.splitlines()[:2]
    assert header.split() == ["ID", "STEP", "CHUNK", "TIME", "FILES", "MESSAGE"]
    assert row.split()[:3] == ["manual/1-manual", "manual", "-"] and "before lunch" in row

    restored = pairtui("-C", str(git_repo), "restore", "manual/1")
    assert restored.returncode == 0, restored.stderr
    assert "manual/2-pre-restore" in restored.stdout
    assert worktree(git_repo)[b"README.md"] == ("file", b"# saved\n")
    assert b"junk.txt" not in worktree(git_repo)


def test_restore_command_refuses_mid_merge_with_exit_4(git_repo: Path):
    pairtui("-C", str(git_repo), "checkpoint")
    (git_repo / ".git" / "MERGE_HEAD").write_text(git(git_repo, "rev-parse", "HEAD"))
    out = pairtui("-C", str(git_repo), "restore", "manual/1-manual")
    assert out.returncode == 4
    assert out.stderr.strip().startswith("pairtui: a merge is in progress")
    assert len(out.stderr.strip().splitlines()) == 1


def test_commands_outside_a_repo_exit_4(tmp_path: Path):
    for command in (["checkpoint"], ["checkpoints"], ["restore", "x"]):
        out = pairtui("-C", str(tmp_path), *command)
        assert out.returncode == 4, command
        assert "not a git repository" in out.stderr


def test_unknown_checkpoint_id_is_a_usage_error(git_repo: Path):
    out = pairtui("-C", str(git_repo), "restore", "nope/1")
    assert out.returncode == 2
    assert "no checkpoint 'nope/1'" in out.stderr


def test_checkpoints_prune_keeps_the_newest_sessions(git_repo: Path):
    from pairtui.git.checkpoints import Checkpoints

    for name in ("old1", "old2", "recent"):
        Checkpoints(git_repo, name).snapshot("start")
    out = pairtui("-C", str(git_repo), "checkpoints", "--prune", "--keep", "1")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("pruned 2 sessions: old2, old1")
    assert "recent/1-start" in out.stdout and "old1/" not in out.stdout


def test_checkpoints_warns_about_an_interrupted_restore(git_repo: Path):
    from pairtui.git.checkpoints import Checkpoints, PendingRestore

    cps = Checkpoints(git_repo, "manual")
    cps.snapshot("manual")
    cps._mark_pending(PendingRestore("manual/1-manual", "manual/2-pre-restore"))
    out = pairtui("-C", str(git_repo), "checkpoints")
    assert "restoring manual/1-manual was interrupted" in out.stdout
    assert "'pairtui restore manual/2-pre-restore' undoes it" in out.stdout
