"""The inbox's landing under pressure (real git in temp repos): the person's branch moved,
their dirty work in the chunk's files, odd files, partial acceptance, re-checks, crashes.

The promise checked everywhere: a landed commit holds exactly HEAD + the accepted hunks (the
tree `git apply` of the same selection onto the person's HEAD gives), the person's own work
is unchanged, and a refusal changes nothing (files, index, HEAD)."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from pairtui.agent.runs.inbox import Inbox
from pairtui.agent.runs.inbox_land import CheckFailedError, land_reviewed
from pairtui.agent.runs.records import RunRecord, RunStore
from pairtui.config import Config
from pairtui.diff.render import render_patch
from pairtui.diff.select import replace_hunk, select_hunks, select_lines, split_hunk
from pairtui.errors import GitError, StateError
from pairtui.git.trailers import pairtui_trailers
from tests.conftest import git
from tests.support_git import worktree

Step = Callable[[Path], None]


def make_run_with(repo: Path, steps: list[tuple[str, Step, str]], run_id: str = "abc123") -> None:
    """Branch pairtui/<run_id> from HEAD, one chunk commit per (title, edit, verify)."""
    branch = f"pairtui/{run_id}"
    wt = repo.parent / f"wt-{run_id}"
    git(repo, "worktree", "add", "-q", "-b", branch, str(wt), "HEAD")
    for n, (title, edit, verify) in enumerate(steps, 1):
        edit(wt)
        git(wt, "add", "-A")
        git(wt, "commit", "-q", "-m", f"{title}\n\nPairtui-Session: 20261130-000000-aaaa\n"
            f"Pairtui-Chunk: {n}/{len(steps)} {title}\nPairtui-Verify: {verify} passed\n")
    git(repo, "worktree", "remove", "--force", str(wt))
    RunStore(repo / ".git").save(RunRecord(
        id=run_id, goal="adversarial", branch=branch, worktree=str(wt),
        git_dir=str(repo / ".git" / "worktrees" / run_id), created=time.time() - 90,
        state="done", exit_code=0, finished=time.time()))


def write(path: str, data: bytes | str) -> Step:
    def edit(wt: Path) -> None:
        (wt / path).parent.mkdir(parents=True, exist_ok=True)
        (wt / path).write_bytes(data.encode() if isinstance(data, str) else data)
    return edit


def commit_file(repo: Path, path: str, data: bytes | str, message: str = "add") -> None:
    write(path, data)(repo)
    git(repo, "add", "--", path)
    git(repo, "commit", "-q", "-m", message)


def expected_tree(repo: Path, patch: bytes) -> str:
    """HEAD's tree + `patch` by plain `git apply --cached` in a temp index: the reference."""
    index = repo / ".git" / "expected-index"
    env = {**os.environ, "GIT_INDEX_FILE": str(index)}
    subprocess.run(["git", "read-tree", "HEAD"], cwd=repo, env=env, check=True)
    subprocess.run(["git", "apply", "--cached", "-"], cwd=repo, env=env, input=patch, check=True)
    out = subprocess.run(["git", "write-tree"], cwd=repo, env=env, check=True, capture_output=True)
    index.unlink()
    return out.stdout.decode().strip()


def state(repo: Path) -> tuple:
    """Files, index and HEAD: what a refusal must leave as it was."""
    status = git(repo, "status", "--porcelain")  # first: it may refresh the index's stat data
    return (worktree(repo), (repo / ".git" / "index").read_bytes(), git(repo, "rev-parse", "HEAD"),
            status)


def land_and_compare(repo: Path, chunk, accepted) -> str:
    """Land `accepted`; the commit's tree must be HEAD-before + accepted hunks exactly."""
    want = expected_tree(repo, render_patch(accepted))
    landing = land_reviewed(Inbox(repo), Config(), "abc123", chunk, accepted)
    assert landing.result.commit, landing.result.message
    assert git(repo, "rev-parse", f"{landing.result.commit}^{{tree}}").strip() == want
    return landing.result.commit


LINES = "".join(f"line {i}\n" for i in range(1, 41))


# -- odd files ---------------------------------------------------------------------------------


def test_binary_exec_bit_crlf_no_newline_and_odd_paths_land_exactly(git_repo):
    commit_file(git_repo, "crlf.txt", b"one\r\ntwo\r\nthree\r\n")
    commit_file(git_repo, "tail.txt", b"a\nb\nno newline")
    commit_file(git_repo, "blob.bin", bytes(range(256)) * 4)
    commit_file(git_repo, "run.sh", "#!/bin/sh\necho hi\n")

    def chmod(wt: Path) -> None:
        (wt / "run.sh").chmod(0o755)

    make_run_with(git_repo, [("Odd files", lambda wt: [
        write("crlf.txt", b"one\r\nTWO\r\nthree\r\n")(wt),
        write("tail.txt", b"a\nb\nno newline, changed")(wt),
        write("blob.bin", bytes(range(255, -1, -1)) * 4)(wt),
        write("new.bin", b"\0\1\2binary\0")(wt),
        write("dir with space/ünïcode file.txt", "hello\n")(wt),
        chmod(wt)], "true")])
    inbox = Inbox(git_repo)
    [chunk] = inbox.chunks("abc123")
    land_and_compare(git_repo, chunk, chunk.patch)
    run_tree = git(git_repo, "rev-parse", "pairtui/abc123^{tree}")
    assert git(git_repo, "rev-parse", "HEAD^{tree}") == run_tree
    assert git(git_repo, "status", "--porcelain") == ""
    assert os.access(git_repo / "run.sh", os.X_OK)
    assert (git_repo / "blob.bin").read_bytes() == bytes(range(255, -1, -1)) * 4


# -- the person's dirty work -------------------------------------------------------------------


def test_staged_and_unstaged_edits_in_the_chunks_file_stay_the_persons(git_repo):
    commit_file(git_repo, "lib.txt", LINES)
    make_run_with(git_repo, [("Mid", write("lib.txt", LINES.replace("line 20\n", "line 20 RUN\n")),
                              "true")])
    staged = LINES.replace("line 2\n", "line 2 STAGED\n")
    (git_repo / "lib.txt").write_text(staged)
    git(git_repo, "add", "lib.txt")
    (git_repo / "lib.txt").write_text(staged.replace("line 38\n", "line 38 UNSTAGED\n"))
    [chunk] = Inbox(git_repo).chunks("abc123")
    land_and_compare(git_repo, chunk, chunk.patch)
    assert git(git_repo, "show", "HEAD:lib.txt") == LINES.replace("line 20\n", "line 20 RUN\n")
    both = staged.replace("line 38\n", "line 38 UNSTAGED\n").replace("line 20\n", "line 20 RUN\n")
    assert (git_repo / "lib.txt").read_text() == both
    assert git(git_repo, "show", ":lib.txt") == staged.replace("line 20\n", "line 20 RUN\n")


@pytest.mark.parametrize("mine", ["overlap", "deleted", "untracked-other", "staged-overlap"])
def test_dirty_work_the_chunk_cannot_go_with_is_refused_and_nothing_changes(git_repo, mine):
    commit_file(git_repo, "lib.txt", LINES)
    make_run_with(git_repo, [("Two files", lambda wt: [
        write("lib.txt", LINES.replace("line 20\n", "line 20 RUN\n"))(wt),
        write("new.txt", "from the run\n")(wt)], "true")])
    if mine == "overlap":
        (git_repo / "lib.txt").write_text(LINES.replace("line 20\n", "line 20 MINE\n"))
    elif mine == "deleted":
        (git_repo / "lib.txt").unlink()
    elif mine == "untracked-other":
        (git_repo / "new.txt").write_text("mine, untracked\n")
    else:
        (git_repo / "lib.txt").write_text(LINES.replace("line 21\n", "line 21 MINE\n"))
        git(git_repo, "add", "lib.txt")
    before = state(git_repo)
    [chunk] = Inbox(git_repo).chunks("abc123")
    with pytest.raises(GitError):
        land_reviewed(Inbox(git_repo), Config(), "abc123", chunk, chunk.patch)
    assert state(git_repo) == before
    assert Inbox(git_repo).landed("abc123") == {}


# -- the person's branch moved -----------------------------------------------------------------


def test_a_moved_branch_with_nearby_edits_gets_exactly_the_accepted_hunks(git_repo):
    commit_file(git_repo, "lib.txt", LINES)
    make_run_with(git_repo, [("Mid", write("lib.txt", LINES.replace("line 20\n", "line 20 RUN\n")
                                           .replace("line 30\n", "line 30 RUN\n")), "true")])
    moved = "top\n" * 5 + LINES.replace("line 25\n", "line 25 MAIN\n")
    commit_file(git_repo, "lib.txt", moved, "main moves")
    [chunk] = Inbox(git_repo).chunks("abc123")
    assert chunk.patch.hunk_count == 2
    land_and_compare(git_repo, chunk, select_hunks(chunk.patch, [2]))
    assert git(git_repo, "show", "HEAD:lib.txt") == moved.replace("line 30\n", "line 30 RUN\n")


@pytest.mark.parametrize("move", ["renamed", "deleted", "same-line"])
def test_a_branch_that_renamed_deleted_or_rewrote_the_file_refuses_cleanly(git_repo, move):
    commit_file(git_repo, "lib.txt", LINES)
    make_run_with(git_repo, [("Mid", write("lib.txt", LINES.replace("line 20\n", "line 20 RUN\n")),
                              "true")])
    if move == "renamed":
        git(git_repo, "mv", "lib.txt", "moved.txt")
        git(git_repo, "commit", "-qm", "rename")
    elif move == "deleted":
        git(git_repo, "rm", "-q", "lib.txt")
        git(git_repo, "commit", "-qm", "delete")
    else:
        commit_file(git_repo, "lib.txt", LINES.replace("line 20\n", "line 20 MAIN\n"), "rewrite")
    (git_repo / "README.md").write_text("dirty\n")
    before = state(git_repo)
    [chunk] = Inbox(git_repo).chunks("abc123")
    with pytest.raises(GitError, match="nothing was landed"):
        land_reviewed(Inbox(git_repo), Config(), "abc123", chunk, chunk.patch)
    assert state(git_repo) == before


# -- partial acceptance --------------------------------------------------------------------------


def test_a_split_hunk_and_single_lines_land_exactly_what_was_chosen(git_repo):
    commit_file(git_repo, "lib.txt", LINES)
    changed = LINES.replace("line 10\n", "line 10 A\n").replace("line 12\n", "line 12 B\n")
    make_run_with(git_repo, [("Two near", write("lib.txt", changed.replace(
        "line 30\n", "line 30 C\nline 30 D\n")), "true")])
    [chunk] = Inbox(git_repo).chunks("abc123")
    first, second = split_hunk(chunk.patch.files[0].hunks[0])
    accepted = replace_hunk(chunk.patch, 1, [second])  # hunk 1: only its "line 12" part
    [_, last] = accepted.files[0].hunks
    plus = [i for i, ln in enumerate(last.lines) if ln.kind == "+"]
    accepted = replace_hunk(accepted, 2, [select_lines(last, plus[1:])])  # only "line 30 D"
    land_and_compare(git_repo, chunk, accepted)
    text = git(git_repo, "show", "HEAD:lib.txt")
    assert "line 12 B" in text and "line 10 A" not in text
    assert "line 30\nline 30 D\n" in text and "line 30 C" not in text  # its "-" kept as context


@pytest.mark.parametrize("near", [True, False])
def test_a_chunk_built_on_a_rejected_hunk_refuses_or_lands_at_the_right_place(git_repo, near):
    commit_file(git_repo, "lib.txt", LINES)
    one = LINES.replace("line 10\n", "line 10 ONE\n")
    two = one.replace("line 11\n" if near else "line 35\n", "TWO\n")
    make_run_with(git_repo, [("One", write("lib.txt", one), "true"),
                             ("Two", write("lib.txt", two), "true")])
    inbox = Inbox(git_repo)
    first, second = inbox.chunks("abc123")
    inbox.mark_dropped("abc123", first.commit)
    before = state(git_repo)
    if near:  # chunk 2's context holds chunk 1's rejected line: it must not land at an offset
        with pytest.raises(GitError, match="nothing was landed"):
            land_reviewed(inbox, Config(), "abc123", second, second.patch)
        assert state(git_repo) == before
    else:
        land_reviewed(inbox, Config(), "abc123", second, second.patch)
        assert git(git_repo, "show", "HEAD:lib.txt") == LINES.replace("line 35\n", "TWO\n")


# -- re-checks ---------------------------------------------------------------------------------


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


# -- bookkeeping ---------------------------------------------------------------------------------


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


# -- more files ----------------------------------------------------------------------------------


def test_an_ignored_local_file_the_chunk_creates_is_not_overwritten(git_repo):
    make_run_with(git_repo, [("Add settings", write("settings.local", "from the run\n"), "true")])
    commit_file(git_repo, ".gitignore", "settings.local\n", "ignore local settings")
    (git_repo / "settings.local").write_text("my secrets\n")
    [chunk] = Inbox(git_repo).chunks("abc123")
    try:
        land_reviewed(Inbox(git_repo), Config(), "abc123", chunk, chunk.patch)
    except GitError:
        pass
    assert (git_repo / "settings.local").read_text() == "my secrets\n"


def test_a_symlink_swap_lands_exactly(git_repo):
    commit_file(git_repo, "target.txt", "t\n")

    def swap(wt: Path) -> None:
        (wt / "README.md").unlink()
        (wt / "README.md").symlink_to("target.txt")
        (wt / "link").symlink_to("src/app.py")

    make_run_with(git_repo, [("Links", swap, "true")])
    [chunk] = Inbox(git_repo).chunks("abc123")
    land_and_compare(git_repo, chunk, chunk.patch)
    assert os.readlink(git_repo / "README.md") == "target.txt"
    assert git(git_repo, "status", "--porcelain") == ""


def test_a_renamed_file_with_the_persons_edit_keeps_their_edit(git_repo):
    commit_file(git_repo, "lib.txt", LINES)

    def rename(wt: Path) -> None:
        git(wt, "mv", "lib.txt", "moved.txt")
        (wt / "moved.txt").write_text(LINES.replace("line 5\n", "line 5 RUN\n"))

    make_run_with(git_repo, [("Move", rename, "true")])
    (git_repo / "lib.txt").write_text(LINES.replace("line 35\n", "line 35 MINE\n"))
    before = state(git_repo)
    [chunk] = Inbox(git_repo).chunks("abc123")
    try:
        land_and_compare(git_repo, chunk, chunk.patch)
    except GitError:
        assert state(git_repo) == before
        return
    on_disk = {p.name: p.read_text() for p in git_repo.glob("*.txt")}
    assert any("line 35 MINE" in text for text in on_disk.values()), on_disk


def test_a_chunk_deleting_a_file_the_person_edited_is_refused(git_repo):
    commit_file(git_repo, "lib.txt", LINES)
    make_run_with(git_repo, [("Drop lib", lambda wt: (wt / "lib.txt").unlink(), "true")])
    (git_repo / "lib.txt").write_text(LINES + "mine\n")
    before = state(git_repo)
    [chunk] = Inbox(git_repo).chunks("abc123")
    with pytest.raises(GitError):
        land_reviewed(Inbox(git_repo), Config(), "abc123", chunk, chunk.patch)
    assert state(git_repo) == before


def test_a_crlf_checkout_keeps_its_line_ends_after_landing(git_repo):
    commit_file(git_repo, ".gitattributes", "*.txt text eol=crlf\n")
    commit_file(git_repo, "lib.txt", LINES)
    git(git_repo, "rm", "-q", "--cached", "lib.txt")
    (git_repo / "lib.txt").unlink()
    git(git_repo, "checkout", "--", ".")
    git(git_repo, "reset", "-q", "--hard")
    assert b"\r\n" in (git_repo / "lib.txt").read_bytes()
    make_run_with(git_repo, [("Mid", write("lib.txt", LINES.replace("line 20\n", "line 20 RUN\n")),
                              "true")])
    (git_repo / "lib.txt").write_bytes(LINES.replace("line 3\n", "line 3 MINE\n")
                                       .replace("\n", "\r\n").encode())
    [chunk] = Inbox(git_repo).chunks("abc123")
    land_and_compare(git_repo, chunk, chunk.patch)
    want = LINES.replace("line 3\n", "line 3 MINE\n").replace("line 20\n", "line 20 RUN\n")
    assert (git_repo / "lib.txt").read_bytes() == want.replace("\n", "\r\n").encode()
    assert git(git_repo, "show", "HEAD:lib.txt") == LINES.replace("line 20\n", "line 20 RUN\n")


def test_the_persons_mode_change_stays_theirs_and_the_runs_lands(git_repo):
    commit_file(git_repo, "a.sh", LINES)
    commit_file(git_repo, "b.sh", LINES)

    def edit(wt: Path) -> None:
        write("a.sh", LINES.replace("line 20\n", "line 20 RUN\n"))(wt)
        (wt / "b.sh").chmod(0o755)

    make_run_with(git_repo, [("Modes", edit, "true")])
    (git_repo / "a.sh").chmod(0o755)
    (git_repo / "b.sh").write_text(LINES.replace("line 3\n", "line 3 MINE\n"))
    [chunk] = Inbox(git_repo).chunks("abc123")
    land_and_compare(git_repo, chunk, chunk.patch)
    assert git(git_repo, "ls-tree", "HEAD", "a.sh").startswith("100644")
    assert git(git_repo, "ls-tree", "HEAD", "b.sh").startswith("100755")
    assert os.access(git_repo / "a.sh", os.X_OK) and os.access(git_repo / "b.sh", os.X_OK)
    assert "line 3 MINE" in (git_repo / "b.sh").read_text()
    assert "line 20 RUN" in (git_repo / "a.sh").read_text()
    assert sorted(git(git_repo, "status", "--porcelain").splitlines()) == [" M a.sh", " M b.sh"]


def test_a_binary_the_person_changed_too_is_refused(git_repo):
    commit_file(git_repo, "blob.bin", bytes(range(256)))
    make_run_with(git_repo, [("Blob", write("blob.bin", bytes(range(255, -1, -1))), "true")])
    (git_repo / "blob.bin").write_bytes(b"\0mine" * 10)
    before = state(git_repo)
    [chunk] = Inbox(git_repo).chunks("abc123")
    with pytest.raises(GitError):
        land_reviewed(Inbox(git_repo), Config(), "abc123", chunk, chunk.patch)
    assert state(git_repo) == before


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


def test_a_change_the_person_also_made_uncommitted_still_lands_in_the_commit(git_repo):
    """The run deletes line 1 and changes line 8; the person deleted line 1 too (not
    committed) and edits lines 4-5. The commit must hold both of the run's changes: HEAD +
    the chunk, not HEAD + (what the chunk adds to the person's files)."""
    base = "".join(f"l{i}\n" for i in range(12))
    commit_file(git_repo, "f.txt", base)
    run = base.replace("l0\n", "").replace("l7\n", "l7R\n")
    make_run_with(git_repo, [("Trim", write("f.txt", run), "true")])
    mine = base.replace("l0\n", "").replace("l3\n", "l3M\n").replace("l4\n", "l4M\n")
    (git_repo / "f.txt").write_text(mine)
    [chunk] = Inbox(git_repo).chunks("abc123")
    land_and_compare(git_repo, chunk, chunk.patch)
    assert git(git_repo, "show", "HEAD:f.txt") == run
    assert (git_repo / "f.txt").read_text() == mine.replace("l7\n", "l7R\n")
    assert git(git_repo, "diff", "HEAD", "--", "f.txt").count("\n+l") == 2  # only l3M, l4M left


def _block(k: int, c: str = "3") -> str:
    return f"def f{k}():\n" + "".join(f"    {v} = {c if v == 'e' else 1}\n" for v in "abcdefgh") \
        + "    return a\n"


def test_a_partly_accepted_chunk_on_a_moved_branch_never_lands_at_a_wrong_place(git_repo):
    """The run changes f2 (hunk 1) and the end (hunk 2); only hunk 1 is accepted. The
    person's branch deleted f1 since: f2 moved up, and f3 now sits where f2 was, with the same
    lines around the change. The change must land in f2 (three-way), never in f3."""
    text = "".join(_block(k) for k in range(1, 5)) + "end\n"
    commit_file(git_repo, "lib.py", text)
    run = text.replace(_block(2), _block(2, "30")).replace("end\n", "the end\n")
    make_run_with(git_repo, [("Two places", write("lib.py", run), "true")])
    moved = text.replace(_block(1), "")
    commit_file(git_repo, "lib.py", moved, "drop f1")
    [chunk] = Inbox(git_repo).chunks("abc123")
    assert chunk.patch.hunk_count == 2
    land_reviewed(Inbox(git_repo), Config(), "abc123", chunk, select_hunks(chunk.patch, [1]))
    assert git(git_repo, "show", "HEAD:lib.py") == moved.replace(_block(2), _block(2, "30"))


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


def test_a_chunk_the_persons_files_already_hold_lands_as_the_chunk(git_repo):
    """Their uncommitted file is the chunk's version already: the commit is the chunk, their
    file is left as it is, and nothing of theirs is left uncommitted there."""
    commit_file(git_repo, "lib.txt", LINES)
    run = LINES.replace("line 20\n", "line 20 RUN\n")
    make_run_with(git_repo, [("Mid", write("lib.txt", run), "true")])
    (git_repo / "lib.txt").write_text(run)
    [chunk] = Inbox(git_repo).chunks("abc123")
    landing = land_and_compare(git_repo, chunk, chunk.patch)
    assert git(git_repo, "show", f"{landing}:lib.txt") == run
    assert (git_repo / "lib.txt").read_text() == run
    assert git(git_repo, "status", "--porcelain") == ""
    assert Inbox(git_repo).landed("abc123") == {chunk.commit: landing}


def test_line_picks_at_a_missing_final_newline_in_an_odd_path_land_exactly(git_repo):
    path = "dir with space/ünï côde.txt"
    commit_file(git_repo, path, "a\nb\nlast")
    make_run_with(git_repo, [("Append", write(path, "a\nB\nlast\nmore 1\nmore 2\n"), "true")])
    (git_repo / "README.md").write_text("dirty\n")
    [chunk] = Inbox(git_repo).chunks("abc123")
    [hunk] = chunk.patch.files[0].hunks
    plus = [i for i, ln in enumerate(hunk.lines) if ln.kind == "+" and ln.raw.startswith(b"more")]
    accepted = select_hunks(replace_hunk(chunk.patch, 1, [select_lines(hunk, plus[:1])]), [1])
    land_and_compare(git_repo, chunk, accepted)
    assert git(git_repo, "show", f"HEAD:{path}") == "a\nb\nlast\nmore 1\n"
    assert (git_repo / path).read_text() == "a\nb\nlast\nmore 1\n"


def test_part_of_a_renamed_file_lands_exactly(git_repo):
    commit_file(git_repo, "lib.txt", LINES)

    def rename(wt: Path) -> None:
        git(wt, "mv", "lib.txt", "moved.txt")
        (wt / "moved.txt").write_text(LINES.replace("line 5\n", "line 5 A\n")
                                      .replace("line 35\n", "line 35 B\n"))

    make_run_with(git_repo, [("Move", rename, "true")])
    [chunk] = Inbox(git_repo).chunks("abc123")
    assert chunk.patch.hunk_count == 2
    land_and_compare(git_repo, chunk, select_hunks(chunk.patch, [2]))
    assert git(git_repo, "show", "HEAD:moved.txt") == LINES.replace("line 35\n", "line 35 B\n")
    assert not (git_repo / "lib.txt").exists()
    assert git(git_repo, "status", "--porcelain") == ""


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
