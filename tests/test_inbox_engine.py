"""The inbox's engine: finished runs listed, their chunk commits read, reviewed chunks landed
on the person's branch as one commit each (real git in temp repos)."""

from __future__ import annotations

import pytest

from pairtui.agent.runs.inbox import Inbox
from pairtui.agent.runs.inbox_land import CheckFailedError, land_reviewed
from pairtui.config import Config
from pairtui.diff.select import select_hunks
from pairtui.errors import StateError, UsageError
from pairtui.git.land_patch import PatchDoesNotFitError
from pairtui.git.trailers import pairtui_trailers
from tests.conftest import git
from tests.support_git import worktree
from tests.support_inbox import LIB, base_repo, make_run, three_chunks


def _log(repo):
    return git(repo, "log", "--format=%s", "main").splitlines()


def test_inbox_lists_a_finished_run_with_goal_checks_and_size(git_repo):
    make_run(git_repo, three_chunks())
    make_run(git_repo, three_chunks()[:1], run_id="live01", state="running")  # no pid: not dead
    runs = Inbox(git_repo).runs()
    assert [r.id for r in runs] == ["abc123"]
    run = runs[0]
    assert (run.goal, run.state, run.chunks, run.files, run.checks) == (
        "tidy the demo", "done", 3, 3, "3 passed")
    assert run.added == 4 and run.removed == 2
    assert "3 chunks, 3 files +4 −2" in run.line() and "tidy the demo" in run.line()


def test_inbox_is_empty_without_finished_runs(git_repo):
    assert Inbox(git_repo).runs() == []


def test_inbox_names_a_run_whose_branch_is_gone_and_will_not_open_it(git_repo):
    record = make_run(git_repo, three_chunks())
    git(git_repo, "branch", "-D", record.branch)
    [run] = Inbox(git_repo).runs()
    assert run.branch_gone and "is gone" in run.line()
    with pytest.raises(UsageError, match="no longer exists"):
        Inbox(git_repo).chunks(record.id)


def test_chunks_come_in_branch_order_with_their_patches(git_repo):
    make_run(git_repo, three_chunks())
    chunks = Inbox(git_repo).chunks("abc123")
    assert [c.label for c in chunks] == ["1/3 Add the notes module", "2/3 Greet by name",
                                         "3/3 Add a changelog"]
    assert [f.path for f in chunks[1].patch.files] == ["src/app.py"]


def test_accepted_chunks_land_one_commit_each_and_dirty_work_stays(git_repo):
    make_run(git_repo, three_chunks())
    (git_repo / "README.md").write_text("# demo\n\nmy own notes\n")  # the person's dirty work
    inbox = Inbox(git_repo)
    chunks = inbox.chunks("abc123")
    for chunk in chunks[:2]:
        landing = land_reviewed(inbox, Config(), "abc123", chunk, chunk.patch)
        assert landing.result.commit and landing.checkpoint and landing.checked is None
    assert _log(git_repo) == ["Greet by name", "Add the notes module", "initial"]
    message = git(git_repo, "log", "-1", "--format=%B", "main")
    trailers = pairtui_trailers(message)
    assert trailers["Chunk"] == "2/3 Greet by name"
    assert trailers["Verify"] == "grep -q name src/app.py passed"
    assert trailers["Landed-From"].startswith("run abc123 pairtui/abc123 ")
    assert "Do greet by name." in message
    assert (git_repo / "notes.py").read_text() == "NOTES = []\n"
    assert "name" in (git_repo / "src" / "app.py").read_text()
    assert not (git_repo / "CHANGES.md").exists()
    assert (git_repo / "README.md").read_text() == "# demo\n\nmy own notes\n"
    assert git(git_repo, "status", "--porcelain") == " M README.md\n"
    assert git(git_repo, "show", "--stat", "--format=", "HEAD~1").strip().startswith("notes.py")
    assert [bool(c.landed_as) for c in inbox.chunks("abc123")] == [True, True, False]
    [run] = inbox.runs()
    assert run.landed == 2


def test_a_chunk_does_not_land_twice(git_repo):
    make_run(git_repo, three_chunks())
    inbox = Inbox(git_repo)
    chunk = inbox.chunks("abc123")[0]
    land_reviewed(inbox, Config(), "abc123", chunk, chunk.patch)
    head = git(git_repo, "rev-parse", "HEAD")
    with pytest.raises(StateError, match="landed already"):
        land_reviewed(inbox, Config(), "abc123", chunk, chunk.patch)
    assert git(git_repo, "rev-parse", "HEAD") == head


def test_an_overlap_with_dirty_work_is_refused_and_nothing_changes(git_repo):
    make_run(git_repo, three_chunks())
    (git_repo / "src" / "app.py").write_text("def hello():\n    return 'hello there'\n")
    before, head = worktree(git_repo), git(git_repo, "rev-parse", "HEAD")
    index = (git_repo / ".git" / "index").read_bytes()
    inbox = Inbox(git_repo)
    chunk = inbox.chunks("abc123")[1]
    with pytest.raises(PatchDoesNotFitError, match="you have also changed .*src/app.py"):
        land_reviewed(inbox, Config(), "abc123", chunk, chunk.patch)
    assert worktree(git_repo) == before and git(git_repo, "rev-parse", "HEAD") == head
    assert (git_repo / ".git" / "index").read_bytes() == index
    assert inbox.landed("abc123") == {}


def test_a_chunk_the_branch_has_moved_past_is_refused(git_repo):
    make_run(git_repo, three_chunks())
    (git_repo / "src" / "app.py").write_text("def hello():\n    return 'changed on main'\n")
    git(git_repo, "commit", "-qam", "main moves on")
    head = git(git_repo, "rev-parse", "HEAD")
    inbox = Inbox(git_repo)
    chunk = inbox.chunks("abc123")[1]
    with pytest.raises(PatchDoesNotFitError, match="no longer applies to src/app.py"):
        land_reviewed(inbox, Config(), "abc123", chunk, chunk.patch)
    assert git(git_repo, "rev-parse", "HEAD") == head
    assert git(git_repo, "status", "--porcelain") == ""


def _two_hunk_run(repo, verify: str):
    base_repo(repo)
    lines = LIB.replace("line 2\n", "line 2 TOP\n").replace("line 19\n", "line 19 BOTTOM\n")
    make_run(repo, [("Mark both ends", {"lib.txt": lines}, verify)])
    inbox = Inbox(repo)
    [chunk] = inbox.chunks("abc123")
    assert chunk.patch.hunk_count == 2
    return inbox, chunk


def test_a_rejected_hunk_that_fails_the_check_lands_nothing(git_repo):
    inbox, chunk = _two_hunk_run(git_repo, "grep -q BOTTOM lib.txt")
    head = git(git_repo, "rev-parse", "HEAD")
    with pytest.raises(CheckFailedError, match="check `grep -q BOTTOM lib.txt` failed .*nothing landed"):
        land_reviewed(inbox, Config(), "abc123", chunk, select_hunks(chunk.patch, [1]))
    assert git(git_repo, "rev-parse", "HEAD") == head
    assert (git_repo / "lib.txt").read_text() == LIB
    assert len(git(git_repo, "worktree", "list").splitlines()) == 1  # the scratch one is gone
    assert not list((git_repo / ".git" / "pairtui" / "scratch").iterdir())


def test_a_rejected_hunk_that_passes_the_check_lands_the_rest(git_repo):
    inbox, chunk = _two_hunk_run(git_repo, "grep -q TOP lib.txt")
    landing = land_reviewed(inbox, Config(), "abc123", chunk, select_hunks(chunk.patch, [1]))
    assert landing.checked == "grep -q TOP lib.txt"
    text = (git_repo / "lib.txt").read_text()
    assert "TOP" in text and "BOTTOM" not in text
    assert git(git_repo, "show", "HEAD:lib.txt") == text
    verify = pairtui_trailers(git(git_repo, "log", "-1", "--format=%B"))["Verify"]
    assert verify.startswith("grep -q TOP lib.txt passed (re-checked")
    assert len(git(git_repo, "worktree", "list").splitlines()) == 1


def test_nothing_accepted_lands_nothing(git_repo):
    make_run(git_repo, three_chunks())
    inbox = Inbox(git_repo)
    chunk = inbox.chunks("abc123")[2]
    head = git(git_repo, "rev-parse", "HEAD")
    landing = land_reviewed(inbox, Config(), "abc123", chunk, select_hunks(chunk.patch, []))
    assert landing.result.commit is None and "nothing accepted" in landing.result.message
    assert git(git_repo, "rev-parse", "HEAD") == head


def test_a_run_leaves_the_inbox_when_every_chunk_is_landed_or_dropped(git_repo):
    make_run(git_repo, three_chunks())
    inbox = Inbox(git_repo)
    chunks = inbox.chunks("abc123")
    for chunk in chunks[:2]:
        land_reviewed(inbox, Config(), "abc123", chunk, chunk.patch)
    assert [r.landed for r in inbox.runs()] == [2]
    inbox.mark_dropped("abc123", chunks[2].commit)
    assert inbox.runs() == []


def test_a_real_worktree_run_comes_to_the_inbox_and_lands_chunk_by_chunk(git_repo, tmp_path, capsys):
    from tests.support_engine import run_cli, write_chunk, write_transcript

    files = ["a.txt", "b.txt", "c.txt"]
    plan = tmp_path / "plan.md"
    plan.write_text("# Goal: three files\n\n" + "\n".join(
        f"## Chunk {i}: Add {f}\nFiles: {f}\nVerify: test -f {f}\n\nWrite {f}.\n"
        for i, f in enumerate(files, 1)))
    executor = write_transcript(tmp_path / "exec.jsonl",
                                [t for f in files for t in write_chunk(f, f"{f} body\n")])
    code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan), "--worktree",
                           "--executor", f"replay:{executor}")
    assert code == 0, err
    inbox = Inbox(git_repo)
    [run] = inbox.runs()
    assert (run.state, run.chunks, run.checks) == ("done", 3, "3 passed")
    chunks = inbox.chunks(run.id)
    assert [c.label for c in chunks] == [f"{i}/3 Add {f}" for i, f in enumerate(files, 1)]
    record = inbox.record(run.id)
    from pairtui.agent.runs.inbox_land import check_command

    assert check_command(record, chunks[1], Config()) == "test -f b.txt"  # from the run's plan
    for chunk in chunks[:2]:
        land_reviewed(inbox, Config(), run.id, chunk, chunk.patch)
    assert _log(git_repo) == ["Add b.txt", "Add a.txt", "initial"]
    assert not (git_repo / "c.txt").exists()
    assert pairtui_trailers(git(git_repo, "log", "-1", "--format=%B"))["Chunk"] == "2/3 Add b.txt"


def test_landing_waits_for_a_chunk_in_flight_in_the_persons_own_session(git_repo, tmp_path, capsys):
    from tests.support_engine import run_cli, write_chunk, write_transcript

    make_run(git_repo, three_chunks())
    plan = tmp_path / "mine.md"
    plan.write_text("# Goal: mine\n\n## Chunk 1: Add mine.txt\nFiles: mine.txt\n"
                    "Verify: test -f mine.txt\n\nWrite it.\n")
    executor = write_transcript(tmp_path / "mine.jsonl", write_chunk("mine.txt", "mine\n"))
    run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan),
            "--executor", f"replay:{executor}")  # no --yes: the chunk waits for review
    head, files = git(git_repo, "rev-parse", "HEAD"), worktree(git_repo)
    inbox = Inbox(git_repo)
    chunk = inbox.chunks("abc123")[0]
    with pytest.raises(StateError, match="chunk 1 of your session .* land it or roll it back first"):
        land_reviewed(inbox, Config(), "abc123", chunk, chunk.patch)
    assert git(git_repo, "rev-parse", "HEAD") == head and worktree(git_repo) == files


def test_the_persons_staged_change_stays_staged_and_out_of_the_landed_commit(git_repo):
    make_run(git_repo, three_chunks())
    (git_repo / "README.md").write_text("# demo\n\nstaged by me\n")
    git(git_repo, "add", "README.md")
    inbox = Inbox(git_repo)
    chunk = inbox.chunks("abc123")[0]
    land_reviewed(inbox, Config(), "abc123", chunk, chunk.patch)
    assert git(git_repo, "show", "--format=", "--name-only", "HEAD").split() == ["notes.py"]
    assert git(git_repo, "status", "--porcelain") == "M  README.md\n"
    assert git(git_repo, "show", ":README.md") == "# demo\n\nstaged by me\n"


def test_a_refused_commit_puts_the_persons_files_back(git_repo):
    from pairtui.git.land import HookFailedError

    make_run(git_repo, three_chunks())
    hook = git_repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'no commits today' >&2\nexit 1\n")
    hook.chmod(0o755)
    (git_repo / "README.md").write_text("# demo\n\nmy own notes\n")
    before, head = worktree(git_repo), git(git_repo, "rev-parse", "HEAD")
    inbox = Inbox(git_repo)
    chunk = inbox.chunks("abc123")[1]
    with pytest.raises(HookFailedError, match="no commits today"):
        land_reviewed(inbox, Config(), "abc123", chunk, chunk.patch)
    assert worktree(git_repo) == before and git(git_repo, "rev-parse", "HEAD") == head
    assert git(git_repo, "status", "--porcelain") == " M README.md\n"
    assert inbox.landed("abc123") == {}


def test_runs_clean_removes_a_run_once_the_inbox_decided_every_chunk(git_repo, tmp_path, capsys):
    """Chunks landed through the inbox are new commits, not the branch's own: `runs --clean`
    reads the inbox's decisions instead, and keeps a run with a chunk still undecided."""
    from tests.support_engine import run_cli, write_chunk, write_transcript

    plan = tmp_path / "plan.md"
    plan.write_text("# Goal: two files\n\n" + "\n".join(
        f"## Chunk {i}: Add {f}\nFiles: {f}\nVerify: test -f {f}\n\nWrite {f}.\n"
        for i, f in enumerate(["a.txt", "b.txt"], 1)))
    executor = write_transcript(tmp_path / "exec.jsonl",
                                [t for f in ["a.txt", "b.txt"] for t in write_chunk(f, "x\n")])
    code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan), "--worktree",
                           "--executor", f"replay:{executor}")
    assert code == 0, err
    inbox = Inbox(git_repo)
    [run] = inbox.runs()
    first, second = inbox.chunks(run.id)
    land_reviewed(inbox, Config(), run.id, first, first.patch)
    code, out, _ = run_cli(capsys, "-C", str(git_repo), "runs", "--clean")
    assert code == 0 and "kept 1 run not landed" in out and run.id in out
    assert run.id in git(git_repo, "worktree", "list")
    inbox.mark_dropped(run.id, second.commit)
    code, out, _ = run_cli(capsys, "-C", str(git_repo), "runs", "--clean")
    assert code == 0 and f"removed run {run.id}" in out
    assert run.id not in git(git_repo, "worktree", "list")
    refs = git(git_repo, "for-each-ref", "--format=%(refname)")
    assert "refs/heads/pairtui/" not in refs and f"wt-{run.id}" not in refs
    assert (git_repo / "a.txt").exists() and not (git_repo / "b.txt").exists()


def test_runs_clean_keeps_a_run_whose_inbox_landing_is_no_longer_in_head(git_repo, tmp_path, capsys):
    """A landed chunk reset away (or landed on another branch) lives only on the run's branch
    now: --clean must not delete it."""
    from tests.support_engine import run_cli

    make_run(git_repo, three_chunks()[:1])
    inbox = Inbox(git_repo)
    [chunk] = inbox.chunks("abc123")
    land_reviewed(inbox, Config(), "abc123", chunk, chunk.patch)
    git(git_repo, "reset", "-q", "--hard", "HEAD~1")
    code, out, _ = run_cli(capsys, "-C", str(git_repo), "runs", "--clean")
    assert code == 0 and "kept 1 run not landed" in out
    assert "pairtui/abc123" in git(git_repo, "branch", "--list", "pairtui/abc123")


def test_an_old_git_refuses_inbox_landing_before_writing(git_repo, tmp_path, monkeypatch):
    """Before git 2.32 `apply --3way` matched context before merging, so a hunk could land in
    another function with the same lines: refuse rather than guess."""
    import os
    import shutil

    from pairtui.errors import GitError

    make_run(git_repo, three_chunks()[:1])
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    real = shutil.which("git")
    (bin_dir / "git").write_text(
        f'#!/bin/sh\nsub="$1"; [ "$1" = -C ] && sub="$3"\n'  # pairtui runs `git -C DIR ...`
        f'if [ "$sub" = version ]; then echo "git version 2.31.8"; exit 0; fi\nexec {real} "$@"\n')
    (bin_dir / "git").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    head = git(git_repo, "rev-parse", "HEAD")
    inbox = Inbox(git_repo)
    [chunk] = inbox.chunks("abc123")
    with pytest.raises(GitError, match="needs git 2.32 or later"):
        land_reviewed(inbox, Config(), "abc123", chunk, chunk.patch)
    assert git(git_repo, "rev-parse", "HEAD") == head
    assert git(git_repo, "status", "--porcelain") == ""
    assert not (git_repo / "notes.py").exists()


def test_review_marks_are_kept_per_chunk_beside_landings_and_none_is_lost_to_another(git_repo):
    import threading

    record = make_run(git_repo, three_chunks())
    inbox = Inbox(git_repo)
    other = Inbox(git_repo)  # another screen's engine, or another pairtui on the repo
    chunks = inbox.chunks(record.id)
    for round_no in range(20):  # writers race in every round; none may lose another's update
        state = ("accepted", "rejected")[round_no % 2]
        saves = [threading.Thread(target=(inbox if c.index % 2 else other).save_marks,
                                  args=(record.id, c.commit, {f"k{c.index}": state, "x": "bogus"}))
                 for c in chunks]
        saves.append(threading.Thread(target=other.mark_landed,
                                      args=(record.id, chunks[0].commit, f"landed{round_no}")))
        for t in saves:
            t.start()
        for t in saves:
            t.join()
        again = Inbox(git_repo).chunks(record.id)
        assert [c.marks for c in again] == [{f"k{i}": state} for i in (1, 2, 3)], round_no
        assert inbox.landed(record.id) == {chunks[0].commit: f"landed{round_no}"}
    inbox.save_marks(record.id, chunks[1].commit, {})  # every mark undone: nothing kept for it
    assert [c.marks for c in Inbox(git_repo).chunks(record.id)][1] == {}
