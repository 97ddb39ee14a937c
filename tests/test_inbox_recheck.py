"""The inbox's re-checks and bookkeeping under pressure (real git in temp repos): a check is
never said to pass on a tree it did not run on, the scratch worktree always goes, a crash or
a moving branch never lands a chunk twice or half, and the checkpoint brings the files back."""

from __future__ import annotations

import pytest

from pairtui.agent.runs.inbox import Inbox
from pairtui.agent.runs.inbox_land import CheckFailedError, land_reviewed
from pairtui.config import Config
from pairtui.diff.select import select_hunks
from pairtui.errors import StateError
from pairtui.git.trailers import pairtui_trailers
from tests.conftest import git
from tests.support_git import worktree
from tests.support_inbox_landing import (
    LINES,
    commit_file,
    land_and_compare,
    make_run_with,
    state,
    write,
)


def test_a_check_is_not_said_to_pass_on_a_tree_it_never_ran_on(git_repo):
    """Chunk 2's check needs chunk 1's change; with chunk 1 rejected the landed tree fails it,
    so chunk 2 must be refused, not landed with the run's "passed"."""
    check = "grep -q helper lib.txt && test -f use.txt"
    commit_file(git_repo, "lib.txt", LINES)
    make_run_with(git_repo, [("Helper", write("lib.txt", LINES + "helper\n"), "true"),
                             ("Use it", write("use.txt", "uses helper\n"), check)])
    inbox = Inbox(git_repo)
    first, second = inbox.chunks("abc123")
    inbox.mark_dropped("abc123", first.commit)
    head = git(git_repo, "rev-parse", "HEAD")
    with pytest.raises(CheckFailedError, match="nothing landed"):
        land_reviewed(inbox, Config(), "abc123", second, second.patch)
    assert git(git_repo, "rev-parse", "HEAD") == head and not (git_repo / "use.txt").exists()


def test_a_recheck_runs_on_the_persons_branch_not_the_runs(git_repo):
    """The person's branch moved (a commit the check fails on) and a hunk was rejected: the
    re-check must run on what lands (their HEAD + the accepted hunks), and refuse."""
    commit_file(git_repo, "lib.txt", LINES)
    make_run_with(git_repo, [("Ends", write("lib.txt", LINES.replace("line 2\n", "line 2 TOP\n")
                                            .replace("line 39\n", "line 39 END\n")),
                              "! grep -q BROKEN README.md")])
    commit_file(git_repo, "README.md", "BROKEN\n", "main breaks the check")
    [chunk] = Inbox(git_repo).chunks("abc123")
    head = git(git_repo, "rev-parse", "HEAD")
    with pytest.raises(CheckFailedError):
        land_reviewed(Inbox(git_repo), Config(), "abc123", chunk, select_hunks(chunk.patch, [1]))
    assert git(git_repo, "rev-parse", "HEAD") == head


def test_the_rechecked_tree_is_the_landed_tree(git_repo, tmp_path):
    """Branch moved, a hunk rejected, the person's dirty edit in the same file: the tree the
    check ran on is the tree of the commit that lands."""
    commit_file(git_repo, "lib.txt", LINES)
    record = tmp_path / "checked"
    check = f"git add -A && git write-tree > '{record}'"
    make_run_with(git_repo, [("Ends", write("lib.txt", LINES.replace("line 2\n", "line 2 TOP\n")
                                            .replace("line 39\n", "line 39 END\n")), check)])
    commit_file(git_repo, "lib.txt", LINES.replace("line 20\n", "line 20 MAIN\n"), "main moves")
    (git_repo / "lib.txt").write_text(LINES.replace("line 20\n", "line 20 MAIN\n")
                                      .replace("line 30\n", "line 30 MINE\n"))
    [chunk] = Inbox(git_repo).chunks("abc123")
    landed = land_and_compare(git_repo, chunk, select_hunks(chunk.patch, [2]))
    assert record.read_text().strip() == git(git_repo, "rev-parse", f"{landed}^{{tree}}").strip()
    verify = pairtui_trailers(git(git_repo, "log", "-1", "--format=%B"))["Verify"]
    assert verify == f"{check} passed (re-checked on your branch in a scratch worktree)"
    assert "line 30 MINE" in (git_repo / "lib.txt").read_text()


def test_a_fully_accepted_chunk_on_an_unmoved_branch_keeps_the_runs_check(git_repo, tmp_path):
    """HEAD's tree is the chunk's parent's: the run's check ran on exactly what lands."""
    commit_file(git_repo, "lib.txt", LINES)
    make_run_with(git_repo, [("One", write("lib.txt", LINES + "one\n"), "true"),
                             ("Two", write("two.txt", "two\n"), "test -f two.txt")])
    inbox = Inbox(git_repo)
    for chunk in inbox.chunks("abc123"):
        assert land_reviewed(inbox, Config(), "abc123", chunk, chunk.patch).checked is None
    verify = pairtui_trailers(git(git_repo, "log", "-1", "--format=%B"))["Verify"]
    assert verify == "test -f two.txt passed"


def test_the_scratch_worktree_goes_even_when_the_check_is_interrupted(git_repo, monkeypatch):
    import pairtui.agent.runs.inbox_land as inbox_land

    commit_file(git_repo, "lib.txt", LINES)
    make_run_with(git_repo, [("Ends", write("lib.txt", LINES.replace("line 2\n", "line 2 TOP\n")
                                            .replace("line 39\n", "line 39 END\n")), "true")])
    [chunk] = Inbox(git_repo).chunks("abc123")

    async def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(inbox_land, "run_check", interrupted)
    before = state(git_repo)
    with pytest.raises(KeyboardInterrupt):
        land_reviewed(Inbox(git_repo), Config(), "abc123", chunk, select_hunks(chunk.patch, [1]))
    assert state(git_repo) == before
    assert len(git(git_repo, "worktree", "list").splitlines()) == 1
    assert not list((git_repo / ".git" / "pairtui" / "scratch").iterdir())


def test_a_chunk_landed_before_a_crash_in_the_bookkeeping_does_not_land_twice(git_repo, monkeypatch):
    """Killed between the commit and inbox.json: a second L must not commit the chunk again
    (here its context repeats further down, where a re-apply would fit)."""
    block = "".join(f"row {i}\n" for i in range(1, 9))
    commit_file(git_repo, "lib.txt", "head\n" + block * 3)
    make_run_with(git_repo, [("Insert", write("lib.txt", "head\n" + block.replace(
        "row 4\n", "row 4\nNEW\n") + block * 2), "true")])
    inbox = Inbox(git_repo)
    [chunk] = inbox.chunks("abc123")

    def killed(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(Inbox, "mark_landed", killed)
    with pytest.raises(KeyboardInterrupt):
        land_reviewed(inbox, Config(), "abc123", chunk, chunk.patch)
    monkeypatch.undo()
    head = git(git_repo, "rev-parse", "HEAD")
    [again] = Inbox(git_repo).chunks("abc123")
    with pytest.raises(StateError, match="landed already"):
        land_reviewed(Inbox(git_repo), Config(), "abc123", again, again.patch)
    assert git(git_repo, "rev-parse", "HEAD") == head
    assert git(git_repo, "show", "HEAD:lib.txt").count("NEW") == 1
    assert Inbox(git_repo).landed("abc123") == {chunk.commit: head.strip()}


def test_the_checkpoint_before_landing_brings_the_files_back(git_repo, capsys):
    from tests.support_engine import run_cli

    commit_file(git_repo, "lib.txt", LINES)
    make_run_with(git_repo, [("Mid", write("lib.txt", LINES.replace("line 20\n", "line 20 RUN\n")),
                              "true")])
    (git_repo / "lib.txt").write_text(LINES.replace("line 3\n", "line 3 MINE\n"))
    (git_repo / "scratch note.txt").write_text("untracked\n")
    before = worktree(git_repo)
    [chunk] = Inbox(git_repo).chunks("abc123")
    landing = land_reviewed(Inbox(git_repo), Config(), "abc123", chunk, chunk.patch)
    assert pairtui_trailers(git(git_repo, "log", "-1", "--format=%B"))["Landed-From"]
    assert worktree(git_repo) != before
    code, out, err = run_cli(capsys, "-C", str(git_repo), "restore", landing.checkpoint)
    assert code == 0, err
    assert f"restored {landing.checkpoint}" in out
    assert worktree(git_repo) == before


def test_a_branch_moving_while_the_check_runs_lands_nothing(git_repo, monkeypatch):
    import pairtui.agent.runs.inbox_land as inbox_land
    from pairtui.agent.verify import run_check

    commit_file(git_repo, "lib.txt", LINES)
    make_run_with(git_repo, [("Ends", write("lib.txt", LINES.replace("line 2\n", "line 2 TOP\n")
                                            .replace("line 39\n", "line 39 END\n")), "true")])
    [chunk] = Inbox(git_repo).chunks("abc123")

    async def meanwhile(*args, **kwargs):
        commit_file(git_repo, "other.txt", "committed during the check\n", "elsewhere")
        return await run_check(*args, **kwargs)

    monkeypatch.setattr(inbox_land, "run_check", meanwhile)
    with pytest.raises(StateError, match="moved while its check ran"):
        land_reviewed(Inbox(git_repo), Config(), "abc123", chunk, select_hunks(chunk.patch, [1]))
    assert git(git_repo, "log", "-1", "--format=%s") == "elsewhere\n"
    assert (git_repo / "lib.txt").read_text() == LINES


@pytest.mark.parametrize("operation", ["merge", "bisect"])
def test_nothing_lands_in_the_middle_of_a_merge_or_bisect(git_repo, operation):
    """A chunk landed on a bisect's detached HEAD would be marked landed, then dropped by
    `git bisect reset`; one in a conflicted merge would mix with its resolution."""
    from pairtui.errors import RepoStateError

    commit_file(git_repo, "lib.txt", LINES)
    make_run_with(git_repo, [("Mid", write("lib.txt", LINES.replace("line 20\n", "line 20 RUN\n")),
                              "true")])
    if operation == "merge":
        git(git_repo, "checkout", "-q", "-b", "side")
        commit_file(git_repo, "README.md", "side\n", "side")
        git(git_repo, "checkout", "-q", "main")
        commit_file(git_repo, "README.md", "main\n", "main")
        git(git_repo, "merge", "-q", "side", check=False)
        assert (git_repo / ".git" / "MERGE_HEAD").exists()
    else:
        git(git_repo, "bisect", "start", "HEAD", "HEAD~2")
    before = state(git_repo)
    [chunk] = Inbox(git_repo).chunks("abc123")
    with pytest.raises(RepoStateError, match=f"a {operation} is in progress"):
        land_reviewed(Inbox(git_repo), Config(), "abc123", chunk, chunk.patch)
    assert state(git_repo) == before and Inbox(git_repo).landed("abc123") == {}


def test_the_scratch_worktree_goes_when_interrupted_right_after_it_is_made(git_repo, monkeypatch):
    from pairtui.git.plumbing import Git

    commit_file(git_repo, "lib.txt", LINES)
    make_run_with(git_repo, [("Ends", write("lib.txt", LINES.replace("line 2\n", "line 2 TOP\n")
                                            .replace("line 39\n", "line 39 END\n")), "true")])
    [chunk] = Inbox(git_repo).chunks("abc123")
    real = Git.try_run

    def then_ctrl_c(self, *args, **kwargs):
        out = real(self, *args, **kwargs)
        if args[:2] == ("worktree", "add"):
            raise KeyboardInterrupt
        return out

    monkeypatch.setattr(Git, "try_run", then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        land_reviewed(Inbox(git_repo), Config(), "abc123", chunk, select_hunks(chunk.patch, [1]))
    monkeypatch.undo()
    assert len(git(git_repo, "worktree", "list").splitlines()) == 1
    assert not list((git_repo / ".git" / "pairtui" / "scratch").iterdir())


def test_a_landing_whose_bookkeeping_fails_still_says_it_landed(git_repo, monkeypatch):
    """The commit is made; inbox.json cannot be written (disk full): the person is told it
    landed (not "not landed"), and the next L mends the record instead of landing again."""
    import pairtui.agent.runs.inbox as inbox_module

    commit_file(git_repo, "lib.txt", LINES)
    make_run_with(git_repo, [("Mid", write("lib.txt", LINES.replace("line 20\n", "line 20 RUN\n")),
                              "true")])
    [chunk] = Inbox(git_repo).chunks("abc123")

    def full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(inbox_module, "write_atomic", full)
    landing = land_reviewed(Inbox(git_repo), Config(), "abc123", chunk, chunk.patch)
    assert landing.result.commit == git(git_repo, "rev-parse", "HEAD").strip()
    assert landing.result.message.startswith("landed") and "No space left" in landing.result.message
    monkeypatch.undo()
    with pytest.raises(StateError, match="landed already"):
        land_reviewed(Inbox(git_repo), Config(), "abc123", chunk, chunk.patch)
    assert Inbox(git_repo).landed("abc123") == {chunk.commit: landing.result.commit}
