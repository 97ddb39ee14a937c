"""The inbox's landing under pressure (real git in temp repos): the person's branch moved,
their dirty work in the chunk's files, odd files, partial acceptance (re-checks and
bookkeeping: test_inbox_recheck.py).

The promise checked everywhere: a landed commit holds exactly HEAD + the accepted hunks (the
tree `git apply` of the same selection onto the person's HEAD gives), the person's own work
is unchanged, and a refusal changes nothing (files, index, HEAD)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pairtui.agent.runs.inbox import Inbox
from pairtui.agent.runs.inbox_land import land_reviewed
from pairtui.config import Config
from pairtui.diff.select import replace_hunk, select_hunks, select_lines, split_hunk
from pairtui.errors import GitError
from tests.conftest import git
from tests.support_inbox_landing import (
    LINES,
    commit_file,
    land_and_compare,
    make_run_with,
    state,
    write,
)

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
