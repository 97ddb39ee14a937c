"""Landing a chunk: one commit with exactly the chunk's changes; the person's edits stay theirs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pairtui.errors import GitError
from pairtui.git.checkpoints import Checkpoints
from pairtui.git.land import HookFailedError, OverlapError, land_chunk, sync_index_after_land
from tests.support_git import commit_all, git, user_state, worktree

LINES = "".join(f"line {i}\n" for i in range(1, 21))


@pytest.fixture
def repo(git_repo: Path) -> Path:
    (git_repo / "long.txt").write_text(LINES)
    (git_repo / "other.txt").write_text("other\n")
    commit_all(git_repo, "base")
    return git_repo


def replace_line(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text().replace(old, new, 1))


def chunk(repo: Path, work) -> tuple[str, str]:
    """(start tree, reviewed tree) around what `work` does to the working tree."""
    cps = Checkpoints(repo, "s1")
    start = cps.snapshot("start", 1)
    work(repo)
    return start.tree, cps.snapshot("reviewed", 1).tree


def committed(repo: Path, rev: str = "HEAD") -> dict[str, str]:
    return {p: git(repo, "show", f"{rev}:{p}") for p in git(repo, "ls-tree", "-r", "--name-only", rev).split()}


def test_land_commits_only_the_chunk_and_keeps_user_edits_uncommitted(repo: Path):
    replace_line(repo / "long.txt", "line 2\n", "line 2 (mine)\n")  # the person's own edit
    (repo / "scratch.txt").write_text("my untracked notes\n")

    def work(r: Path) -> None:
        replace_line(r / "long.txt", "line 18\n", "line 18 (agent)\n")
        (r / "other.txt").write_text("other, by agent\n")
        (r / "added.py").write_text("print('agent')\n")
        (r / "README.md").unlink()

    start, reviewed = chunk(repo, work)
    files = worktree(repo)
    result = land_chunk(repo, start, reviewed, "Teach the agent", "Why it matters.")

    assert result.commit == git(repo, "rev-parse", "HEAD").strip()
    assert git(repo, "log", "-1", "--format=%B").strip() == "Teach the agent\n\nWhy it matters."
    tree = committed(repo)
    assert "line 18 (agent)" in tree["long.txt"] and "(mine)" not in tree["long.txt"]
    assert tree["added.py"] == "print('agent')\n" and "README.md" not in tree
    assert "scratch.txt" not in tree
    assert worktree(repo) == files  # landing never writes the working tree
    assert git(repo, "status", "--porcelain").splitlines() == [" M long.txt", "?? scratch.txt"]
    assert "(mine)" in git(repo, "diff")


def test_land_records_reflog_like_git_commit(repo: Path):
    start, reviewed = chunk(repo, lambda r: (r / "new.txt").write_text("n\n"))
    land_chunk(repo, start, reviewed, "Add new.txt")
    assert "commit (pairtui): Add new.txt" in git(repo, "reflog", "-1", "HEAD")
    assert "commit (pairtui): Add new.txt" in git(repo, "reflog", "-1", "main")


def test_overlapping_edits_stop_the_landing_and_change_nothing(repo: Path):
    replace_line(repo / "long.txt", "line 10\n", "line 10 (mine)\n")
    start, reviewed = chunk(repo, lambda r: replace_line(r / "long.txt", "line 10 (mine)\n", "line 10 (agent)\n"))
    state, files = user_state(repo), worktree(repo)

    with pytest.raises(OverlapError) as caught:
        land_chunk(repo, start, reviewed, "Clash")

    assert caught.value.paths == ("long.txt",)
    assert "leave the chunk uncommitted" in str(caught.value)
    assert user_state(repo) == state and worktree(repo) == files


def test_overlap_can_be_landed_including_the_users_edits(repo: Path):
    replace_line(repo / "long.txt", "line 10\n", "line 10 (mine)\n")
    start, reviewed = chunk(repo, lambda r: replace_line(r / "long.txt", "line 11\n", "line 11 (agent)\n"))
    # adjacent lines cannot be separated by a 3-way merge
    with pytest.raises(OverlapError):
        land_chunk(repo, start, reviewed, "Clash")

    result = land_chunk(repo, start, reviewed, "Clash", include_overlapping_user_edits=True)

    assert "including your own edits in long.txt" in result.message
    assert "(mine)" in committed(repo)["long.txt"] and "(agent)" in committed(repo)["long.txt"]
    assert git(repo, "status", "--porcelain") == ""


def test_user_edits_near_the_chunk_in_the_same_file_are_separated(repo: Path):
    replace_line(repo / "long.txt", "line 5\n", "line 5 (mine)\n")
    start, reviewed = chunk(repo, lambda r: replace_line(r / "long.txt", "line 8\n", "line 8 (agent)\n"))
    land_chunk(repo, start, reviewed, "Nearby")
    assert "line 8 (agent)" in committed(repo)["long.txt"]
    assert "(mine)" not in committed(repo)["long.txt"]
    assert git(repo, "status", "--porcelain") == " M long.txt\n"


def test_chunk_editing_a_users_untracked_file_is_an_overlap(repo: Path):
    (repo / "mine.txt").write_text("mine\n")
    start, reviewed = chunk(repo, lambda r: (r / "mine.txt").write_text("mine\nagent\n"))
    with pytest.raises(OverlapError, match="mine.txt"):
        land_chunk(repo, start, reviewed, "Touch mine")


def test_land_on_unborn_head_creates_the_first_commit(empty_repo: Path):
    (empty_repo / "notes.txt").write_text("mine, uncommitted\n")
    start, reviewed = chunk(empty_repo, lambda r: (r / "app.py").write_text("print(1)\n"))
    result = land_chunk(empty_repo, start, reviewed, "Start the app")
    assert result.commit and git(empty_repo, "rev-list", "--count", "HEAD").strip() == "1"
    assert set(committed(empty_repo)) == {"app.py"}
    assert git(empty_repo, "status", "--porcelain") == "?? notes.txt\n"
    assert "commit (initial): Start the app" in git(empty_repo, "reflog", "-1")


def test_land_on_detached_head_moves_only_head(repo: Path):
    main = git(repo, "rev-parse", "main").strip()
    git(repo, "checkout", "-q", "--detach")
    start, reviewed = chunk(repo, lambda r: (r / "new.txt").write_text("n\n"))
    result = land_chunk(repo, start, reviewed, "Detached work")
    assert "detached HEAD" in result.message
    assert git(repo, "rev-parse", "HEAD").strip() == result.commit
    assert git(repo, "rev-parse", "main").strip() == main
    assert git(repo, "status", "--porcelain") == ""


def test_failing_pre_commit_hook_shows_its_output_and_loses_nothing(repo: Path):
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'lint: trailing whitespace in new.txt'\nexit 1\n")
    os.chmod(hook, 0o755)
    start, reviewed = chunk(repo, lambda r: (r / "new.txt").write_text("n \n"))
    state, files = user_state(repo), worktree(repo)

    with pytest.raises(HookFailedError) as caught:
        land_chunk(repo, start, reviewed, "Hooked")

    assert "lint: trailing whitespace in new.txt" in str(caught.value)
    assert str(caught.value).startswith("pre-commit hook failed; nothing was committed")
    assert user_state(repo) == state and worktree(repo) == files


def test_pre_commit_hook_sees_exactly_the_commit_being_made(repo: Path):
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\ngit diff --cached --name-only > \"$(git rev-parse --git-dir)/seen\"\n")
    os.chmod(hook, 0o755)
    (repo / "other.txt").write_text("my own edit\n")
    start, reviewed = chunk(repo, lambda r: (r / "new.txt").write_text("n\n"))
    land_chunk(repo, start, reviewed, "Hooked")
    assert (repo / ".git" / "seen").read_text() == "new.txt\n"


def test_missing_identity_is_a_one_line_error_saying_how_to_set_it(repo: Path, monkeypatch):
    start, reviewed = chunk(repo, lambda r: (r / "new.txt").write_text("n\n"))
    for var in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(var, raising=False)
    git(repo, "config", "user.useConfigOnly", "true")
    with pytest.raises(GitError) as caught:
        land_chunk(repo, start, reviewed, "Who am I")
    assert "git config --global user.name" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_nothing_to_land_makes_no_commit(repo: Path):
    head = git(repo, "rev-parse", "HEAD")
    cps = Checkpoints(repo, "s1")
    same = cps.snapshot("start").tree
    assert land_chunk(repo, same, same, "Empty").commit is None
    assert git(repo, "rev-parse", "HEAD") == head


def test_users_staged_changes_to_other_files_stay_staged(repo: Path):
    (repo / "other.txt").write_text("staged by me\n")
    git(repo, "add", "other.txt")
    start, reviewed = chunk(repo, lambda r: (r / "new.txt").write_text("n\n"))
    land_chunk(repo, start, reviewed, "Keep staging")
    assert git(repo, "status", "--porcelain") == "M  other.txt\n"
    assert "other.txt" not in git(repo, "show", "--name-only", "--format=", "HEAD")


def test_users_staged_change_in_a_landed_file_stays_staged_on_top_of_the_chunk(repo: Path):
    replace_line(repo / "long.txt", "line 2\n", "line 2 (staged)\n")
    git(repo, "add", "long.txt")
    start, reviewed = chunk(repo, lambda r: replace_line(r / "long.txt", "line 18\n", "line 18 (agent)\n"))
    result = land_chunk(repo, start, reviewed, "Around staging")
    assert "left as staged" not in result.message
    assert git(repo, "status", "--porcelain") == "M  long.txt\n"
    staged = git(repo, "diff", "--cached")
    assert "+line 2 (staged)" in staged and "agent" not in staged


def test_land_keeps_crlf_binary_exec_bits_and_symlinks(repo: Path):
    def work(r: Path) -> None:
        (r / "win.txt").write_bytes(b"a\r\nb\r\n")
        (r / "data.bin").write_bytes(bytes(range(256)))
        (r / "tool.sh").write_text("#!/bin/sh\n")
        os.chmod(r / "tool.sh", 0o755)
        os.symlink("other.txt", r / "alias")

    start, reviewed = chunk(repo, work)
    land_chunk(repo, start, reviewed, "Bytes")
    tree = git(repo, "ls-tree", "HEAD")
    assert "100755 blob" in next(line for line in tree.splitlines() if line.endswith("tool.sh"))
    assert "120000 blob" in next(line for line in tree.splitlines() if line.endswith("alias"))
    import subprocess

    raw = subprocess.run(["git", "show", "HEAD:win.txt"], cwd=repo, capture_output=True).stdout
    assert raw == b"a\r\nb\r\n"
    assert git(repo, "status", "--porcelain") == ""


def test_index_sync_is_idempotent_and_repairs_a_half_finished_landing(repo: Path):
    start, reviewed = chunk(repo, lambda r: (r / "other.txt").write_text("agent\n"))
    result = land_chunk(repo, start, reviewed, "Sync")
    assert result.commit
    git(repo, "reset", "-q", "HEAD~1", "--", "other.txt")  # index as if killed before syncing
    assert git(repo, "status", "--porcelain") == "MM other.txt\n"
    assert sync_index_after_land(repo, result.commit) == []
    assert sync_index_after_land(repo, result.commit) == []
    assert git(repo, "status", "--porcelain") == ""


def test_branch_moved_meanwhile_is_not_overwritten(repo: Path, monkeypatch):
    import pairtui.git.land as land

    start, reviewed = chunk(repo, lambda r: (r / "new.txt").write_text("n\n"))
    real_read_head = land.read_head

    def read_head_then_someone_commits(git_runner):
        head = real_read_head(git_runner)
        git(repo, "commit", "-q", "--allow-empty", "-m", "someone else")
        return head

    monkeypatch.setattr(land, "read_head", read_head_then_someone_commits)
    with pytest.raises(GitError, match="HEAD moved"):
        land_chunk(repo, start, reviewed, "Racing")
    theirs = git(repo, "log", "-1", "--format=%s")
    assert theirs.strip() == "someone else"
    assert git(repo, "status", "--porcelain") == "?? new.txt\n"


def test_large_binary_file_lands_like_any_other(repo: Path):
    blob = os.urandom(3 * 1024 * 1024)
    start, reviewed = chunk(repo, lambda r: (r / "model.bin").write_bytes(blob))
    land_chunk(repo, start, reviewed, "Add weights")
    import subprocess

    assert subprocess.run(["git", "show", "HEAD:model.bin"], cwd=repo, capture_output=True).stdout == blob


def test_chunk_lands_on_a_head_that_moved_since_the_chunk_started(repo: Path):
    cps = Checkpoints(repo, "s1")
    start = cps.snapshot("start", 1)
    replace_line(repo / "long.txt", "line 18\n", "line 18 (agent)\n")
    reviewed = cps.snapshot("reviewed", 1)
    replace_line(repo / "long.txt", "line 18 (agent)\n", "line 18\n")
    replace_line(repo / "long.txt", "line 2\n", "line 2 (committed meanwhile)\n")
    commit_all(repo, "meanwhile")
    replace_line(repo / "long.txt", "line 18\n", "line 18 (agent)\n")

    land_chunk(repo, start.tree, reviewed.tree, "After a commit")

    text = committed(repo)["long.txt"]
    assert "line 2 (committed meanwhile)" in text and "line 18 (agent)" in text
    assert git(repo, "status", "--porcelain") == ""


def test_non_utf8_file_names_land_and_leave_a_clean_status(repo: Path):
    name = "r\xe9sum\xe9.txt".encode("latin-1")

    def work(r: Path) -> None:
        with open(os.path.join(os.fsencode(r), name), "wb") as f:
            f.write(b"caf\xe9\n")

    start, reviewed = chunk(repo, work)
    land_chunk(repo, start, reviewed, "Latin-1 name")
    import subprocess

    listed = subprocess.run(["git", "ls-tree", "-z", "--name-only", "HEAD"], cwd=repo,
                            capture_output=True, check=True).stdout.split(b"\0")
    assert name in listed
    assert git(repo, "status", "--porcelain") == ""


def test_hook_sees_fresh_stat_data_for_untouched_files(repo: Path):
    """The temp index starts from the person's index, so `git diff` in a hook is cheap and
    shows exactly the person's own uncommitted edits."""
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\ngit diff --name-only > \"$(git rev-parse --git-dir)/unstaged\"\n")
    os.chmod(hook, 0o755)
    (repo / "other.txt").write_text("my own edit\n")
    (repo / "README.md").write_text("# staged by me\n")
    git(repo, "add", "README.md")
    start, reviewed = chunk(repo, lambda r: (r / "new.txt").write_text("n\n"))
    land_chunk(repo, start, reviewed, "Hooked")
    assert (repo / ".git" / "unstaged").read_text().split() == ["README.md", "other.txt"]
    assert git(repo, "status", "--porcelain") == "M  README.md\n M other.txt\n"
