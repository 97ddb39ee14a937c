"""`pairtui run --worktree` and `pairtui runs`: real git, replay models, real processes.

Background runs are real detached processes: each test polls the run record with a bounded
timeout and kills what it started by pid (process group), never by name.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import git
from tests.support_engine import run_cli, write_chunk, write_transcript
from tests.support_git import worktree

ROOT = Path(__file__).resolve().parent.parent


def _plan(tmp_path: Path, name: str, files: list[str], verify: list[str] | None = None) -> Path:
    chunks = []
    for i, f in enumerate(files, 1):
        check = (verify or [])[i - 1] if verify else f"test -f {f}"
        chunks.append(f"## Chunk {i}: Add {f}\nFiles: {f}\nVerify: {check}\n\nWrite {f}.\n")
    path = tmp_path / f"{name}.md"
    path.write_text(f"# Goal: {name}\n\n" + "\n".join(chunks))
    return path


def _executor(tmp_path: Path, name: str, files: list[str]) -> Path:
    turns = [t for f in files for t in write_chunk(f, f"{f} from {name}\n")]
    return write_transcript(tmp_path / f"{name}.jsonl", turns)


def _person_state(repo: Path) -> dict:
    """What a run must never touch: index and HEAD bytes, main, the stash, every file."""
    gd = repo / ".git"

    def read(path: Path) -> bytes:
        return path.read_bytes() if path.exists() else b"<absent>"

    return {"index": read(gd / "index"), "HEAD": read(gd / "HEAD"),
            "logs/HEAD": read(gd / "logs" / "HEAD"),
            "main": git(repo, "rev-parse", "refs/heads/main"),
            "stash": git(repo, "rev-parse", "--verify", "-q", "refs/stash", check=False),
            "stash-log": read(gd / "logs" / "refs" / "stash"),
            "files": worktree(repo)}


def _dirty_person(repo: Path) -> None:
    """A stash, a staged change and a dirty, untracked file: the person's own work."""
    (repo / "README.md").write_text("# demo\n\nstashed\n")
    git(repo, "stash", "-q")
    (repo / "src" / "app.py").write_text("def hello():\n    return 'staged'\n")
    git(repo, "add", "src/app.py")
    (repo / "README.md").write_text("# demo\n\nmy own notes\n")
    (repo / "scratch.txt").write_text("untracked\n")


def _cli(repo: Path, *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pairtui", "-C", str(repo), *argv],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)


def _runs(repo: Path) -> list[dict]:
    out = _cli(repo, "runs", "--json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def _wait(repo: Path, run_id: str, states: tuple[str, ...], timeout: float = 40.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = {r["id"]: r for r in _runs(repo)}
        if run_id in found and found[run_id]["state"] in states:
            return found[run_id]
        time.sleep(0.1)
    raise AssertionError(f"run {run_id} never got to {states}: {_runs(repo)}")


def _started_id(stdout: str) -> str:
    return stdout.split("pairtui: run ", 1)[1].split()[0]




def _background(repo: Path, plan: Path, executor: Path, process_groups: list[int], *extra: str) -> str:
    out = _cli(repo, "run", "--plan", str(plan), "--executor", f"replay:{executor}",
               "--worktree", "--background", *extra)
    assert out.returncode == 0, out.stderr
    run_id = _started_id(out.stdout)
    record = json.loads((repo / ".git" / "pairtui" / "runs" / f"{run_id}.json").read_text())
    if record.get("pid"):
        process_groups.append(record["pid"])
    assert f"pairtui runs --follow {run_id}" in out.stdout
    return run_id


def test_worktree_run_lands_on_its_branch_and_leaves_the_person_byte_identical(
        git_repo, tmp_path, capsys):
    _dirty_person(git_repo)
    before = _person_state(git_repo)
    files = ["a.txt", "b.txt"]
    plan, executor = _plan(tmp_path, "two", files), _executor(tmp_path, "two", files)
    code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan), "--worktree",
                           "--branch", "feature/two", "--executor", f"replay:{executor}")
    assert code == 0, err
    assert _person_state(git_repo) == before
    log = git(git_repo, "log", "--format=%s", "main..feature/two").splitlines()
    assert log == ["Add b.txt", "Add a.txt"]
    assert git(git_repo, "show", "feature/two:a.txt") == "a.txt from two\n"
    (row,) = _runs(git_repo)
    assert (row["state"], row["chunks_landed"], row["chunks_total"]) == ("done", 2, 2)
    assert row["branch"] == "feature/two" and row["exit_code"] == 0
    wt = Path(row["worktree"])
    assert wt.parent == git_repo / ".git" / "pairtui" / "worktrees"
    # its checkpoints live under its own namespace; the main worktree lists none of them
    refs = git(git_repo, "for-each-ref", "--format=%(refname)", "refs/pairtui").split()
    assert refs and all(r.startswith(f"refs/pairtui/wt-{wt.name}/") for r in refs)
    code, out, err = run_cli(capsys, "-C", str(git_repo), "checkpoints")
    assert code == 0 and wt.name not in out, out + err
    # the run's own worktree lists its checkpoints
    code, out, _ = run_cli(capsys, "-C", str(wt), "checkpoints")
    assert code == 0 and "executed" in out


def test_main_worktree_checkpoints_restore_and_prune_ignore_a_runs_refs(
        git_repo, tmp_path, capsys):
    files = ["a.txt"]
    plan, executor = _plan(tmp_path, "one", files), _executor(tmp_path, "one", files)
    assert run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan), "--worktree",
                   "--executor", f"replay:{executor}")[0] == 0
    run_refs = git(git_repo, "for-each-ref", "--format=%(refname)", "refs/pairtui").split()
    (git_repo / "mine.txt").write_text("one\n")
    code, out, err = run_cli(capsys, "-C", str(git_repo), "checkpoint", "-m", "mine")
    assert code == 0, err
    cp_id = out.split()[-1] if out.strip() else ""
    mine = [r for r in git(git_repo, "for-each-ref", "--format=%(refname)",
                           "refs/pairtui").split() if r not in run_refs]
    assert len(mine) == 1 and not mine[0].startswith("refs/pairtui/wt-"), mine
    (git_repo / "mine.txt").write_text("two\n")
    short = mine[0][len("refs/pairtui/"):]
    code, _, err = run_cli(capsys, "-C", str(git_repo), "restore", short)
    assert code == 0, err + cp_id
    assert (git_repo / "mine.txt").read_text() == "one\n"
    code, _, err = run_cli(capsys, "-C", str(git_repo), "checkpoints", "--prune", "--keep", "0")
    assert code == 0, err
    left = git(git_repo, "for-each-ref", "--format=%(refname)", "refs/pairtui").split()
    assert set(run_refs) <= set(left), "pruning the main worktree's sessions kept the run's refs"


def test_bad_branch_is_one_line_and_makes_nothing(git_repo, tmp_path, capsys):
    plan, executor = _plan(tmp_path, "x", ["a.txt"]), _executor(tmp_path, "x", ["a.txt"])
    git(git_repo, "branch", "taken")
    before = _person_state(git_repo)
    for bad in ("taken", "no..dots"):
        code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan),
                               "--worktree", "--branch", bad, "--executor", f"replay:{executor}")
        assert code == 2 and err.count("\n") == 1, err
    assert _person_state(git_repo) == before
    assert git(git_repo, "worktree", "list").count("\n") == 1
    code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan),
                           "--background", "--executor", f"replay:{executor}")
    assert code == 2 and "--background needs --worktree" in err


def test_three_background_runs_queue_land_and_clean(git_repo, tmp_path, process_groups):
    (git_repo / ".pairtui.toml").write_text("max_runs = 2\n")
    git(git_repo, "add", ".pairtui.toml")
    git(git_repo, "commit", "-qm", "config")
    _dirty_person(git_repo)
    before = _person_state(git_repo)
    ids = []
    for name in ("r1", "r2", "r3"):
        files = [f"{name}.txt"]
        ids.append(_background(git_repo, _plan(tmp_path, name, files),
                               _executor(tmp_path, name, files), process_groups))
        (git_repo / "scratch.txt").write_text(f"person typing during {name}\n")
        assert (git_repo / ".git" / "index").read_bytes() == before["index"]
    seen_running = 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        rows = {r["id"]: r for r in _runs(git_repo)}
        seen_running = max(seen_running, sum(r["state"] == "running" for r in rows.values()))
        if all(rows[i]["state"] not in ("queued", "running") for i in ids):
            break
        time.sleep(0.05)
    assert seen_running <= 2
    for run_id in ids:
        row = rows[run_id]
        assert (row["state"], row["chunks_landed"], row["chunks_total"]) == ("done", 1, 1), row
        name = row["goal"]
        assert git(git_repo, "show", f"{row['branch']}:{name}.txt") == f"{name}.txt from {name}\n"
        assert row["branch"].startswith(f"pairtui/{name}-{run_id}")
    (git_repo / "scratch.txt").write_text("untracked\n")
    assert _person_state(git_repo) == before
    # clean: nothing landed yet -> kept; merge one -> only it goes; --yes -> the rest go
    kept = _cli(git_repo, "runs", "--clean")
    assert kept.returncode == 0 and "kept 3 runs not landed" in kept.stdout
    first = rows[ids[0]]
    git(git_repo, "stash", "-q", "-u")
    git(git_repo, "merge", "-q", "--ff-only", first["branch"])
    out = _cli(git_repo, "runs", "--clean")
    assert f"removed run {ids[0]}" in out.stdout and "kept 2 runs not landed" in out.stdout
    assert _cli(git_repo, "runs", "--clean", "--yes").returncode == 0
    assert git(git_repo, "worktree", "list").count("\n") == 1
    assert git(git_repo, "for-each-ref", "refs/pairtui", "refs/heads/pairtui") == ""
    assert _runs(git_repo) == []


def _blocking_plan(tmp_path: Path) -> tuple[Path, Path, Path]:
    """Two chunks; chunk 2's check waits (up to 20 s) for a go-file: a run to kill mid-chunk."""
    gate = tmp_path / "gate"
    gate.mkdir()
    wait = (f"python -c \"import time, pathlib; g = pathlib.Path('{gate}'); "
            "(g / 'started').touch(); "
            "[time.sleep(0.05) for _ in range(400) if not (g / 'go').exists()]; "
            "assert (g / 'go').exists()\"")
    plan = _plan(tmp_path, "slow", ["a.txt", "b.txt"], ["test -f a.txt", wait])
    return plan, _executor(tmp_path, "slow", ["a.txt", "b.txt"]), gate


def _until(predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_killed_run_shows_interrupted_and_resume_finishes_it(git_repo, tmp_path, process_groups):
    plan, executor, gate = _blocking_plan(tmp_path)
    run_id = _background(git_repo, plan, executor, process_groups)
    _until(lambda: (gate / "started").exists())
    row = _wait(git_repo, run_id, ("running",))
    os.killpg(row["pid"], signal.SIGKILL)  # kill -9, mid-chunk (chunk 2's check)
    row = _wait(git_repo, run_id, ("interrupted",))
    assert (row["chunks_landed"], row["chunks_total"]) == (1, 2)
    assert _cli(git_repo, "runs").stdout.count("interrupted") == 1
    (gate / "go").touch()
    out = _cli(git_repo, "run", "--resume", run_id)
    assert out.returncode == 0, out.stderr
    row = _wait(git_repo, run_id, ("done",), timeout=5)
    assert (row["chunks_landed"], row["chunks_total"]) == (2, 2)
    subjects = git(git_repo, "log", "--format=%s", f"main..{row['branch']}").splitlines()
    assert subjects == ["Add b.txt", "Add a.txt"]
    assert git(git_repo, "worktree", "list").count("\n") == 2  # the same worktree, no new one


def test_cancel_stops_the_run_keeps_its_worktree_and_follow_ends(git_repo, tmp_path, process_groups):
    plan, executor, gate = _blocking_plan(tmp_path)
    run_id = _background(git_repo, plan, executor, process_groups)
    _until(lambda: (gate / "started").exists())
    out = _cli(git_repo, "runs", "--cancel", run_id)
    assert out.returncode == 0, out.stderr
    row = _wait(git_repo, run_id, ("cancelled",), timeout=5)
    assert Path(row["worktree"]).is_dir() and "cancelled" in row["note"]
    followed = _cli(git_repo, "runs", "--follow", run_id)
    assert "chunk 1 landed" in followed.stdout and f"run {run_id} cancelled" in followed.stdout
    assert followed.returncode != 0
    again = _cli(git_repo, "runs", "--cancel", run_id)
    assert again.returncode == 2 and "is cancelled" in again.stderr
    (gate / "go").touch()  # a cancelled run carries on where it stopped, in its worktree
    out = _cli(git_repo, "run", "--resume", run_id)
    assert out.returncode == 0, out.stderr
    assert _wait(git_repo, run_id, ("done",), timeout=5)["chunks_landed"] == 2


def test_a_queued_run_waits_for_a_slot_and_cancelling_it_means_it_never_starts(
        git_repo, tmp_path, process_groups):
    (git_repo / ".pairtui.toml").write_text("max_runs = 1\n")
    git(git_repo, "add", ".pairtui.toml")
    git(git_repo, "commit", "-qm", "one run at a time")
    plan, executor, gate = _blocking_plan(tmp_path)
    first = _background(git_repo, plan, executor, process_groups)
    _until(lambda: (gate / "started").exists())
    files = ["q.txt"]
    second = _background(git_repo, _plan(tmp_path, "queued", files),
                         _executor(tmp_path, "queued", files), process_groups)
    time.sleep(1.0)  # it would have finished by now, had it not waited
    rows = {r["id"]: r for r in _runs(git_repo)}
    assert (rows[first]["state"], rows[second]["state"]) == ("running", "queued")
    assert _cli(git_repo, "runs", "--cancel", second).returncode == 0
    follow = subprocess.Popen([sys.executable, "-m", "pairtui", "-C", str(git_repo), "runs",
                               "--follow", first], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        time.sleep(0.5)
        assert follow.poll() is None, "follow ended while the run was still running"
        (gate / "go").touch()
        followed, _ = follow.communicate(timeout=30)
    finally:
        follow.kill()
    assert follow.returncode == 0
    assert "chunk 2 landed" in followed and f"run {first} done" in followed
    assert _wait(git_repo, first, ("done",))["chunks_landed"] == 2
    row = _wait(git_repo, second, ("cancelled",), timeout=5)
    assert row["chunks_landed"] == 0
    assert git(git_repo, "log", "--format=%s", f"main..{row['branch']}") == ""


def test_review_of_a_runs_branch_says_which_chunk_each_commit_is(git_repo, tmp_path, capsys):
    files = ["a.txt", "b.txt"]
    plan, executor = _plan(tmp_path, "story", files), _executor(tmp_path, "story", files)
    assert run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan), "--worktree",
                   "--branch", "story", "--executor", f"replay:{executor}")[0] == 0
    (git_repo / "plain.txt").write_text("mine\n")
    git(git_repo, "add", "plain.txt")
    git(git_repo, "commit", "-qm", "A plain commit")
    code, out, err = run_cli(capsys, "-C", str(git_repo), "review", "main..story", "--dry-run")
    assert code == 0, err
    first, second = (git(git_repo, "rev-parse", f"story~{n}").strip()[:10] for n in (1, 0))
    assert f"{first} chunk 1/2 Add a.txt (check: test -f a.txt passed)" in out
    assert out.index(first) < out.index(second) and f"{second} chunk 2/2 Add b.txt" in out
    code, out, _ = run_cli(capsys, "-C", str(git_repo), "review", "story..main", "--dry-run")
    assert code == 0 and "chunk" not in out and "commits (oldest first)" not in out


def test_same_session_name_in_two_worktrees_keeps_two_sets_of_checkpoints(git_repo, tmp_path):
    from pairtui.git.checkpoints import Checkpoints

    linked = tmp_path / "linked"
    git(git_repo, "worktree", "add", "-q", "-b", "side", str(linked))
    (git_repo / "main.txt").write_text("main\n")
    (linked / "side.txt").write_text("side\n")
    mine, theirs = Checkpoints(git_repo, "s1"), Checkpoints(linked, "s1")
    cp_main, cp_side = mine.snapshot("start"), theirs.snapshot("start")
    assert cp_main.ref == "refs/pairtui/s1/1-start"
    assert cp_side.ref == "refs/pairtui/wt-linked/s1/1-start"  # not main's s1/2-start
    assert [c.commit for c in mine.list(all_sessions=True)] == [cp_main.commit]
    assert [c.commit for c in theirs.list(all_sessions=True)] == [cp_side.commit]
    assert mine.get("s1/1-start").commit == cp_main.commit
    assert theirs.get("1").commit == cp_side.commit
    (linked / "side.txt").write_text("changed\n")
    theirs.restore(cp_side)
    assert (linked / "side.txt").read_text() == "side\n"
    assert (git_repo / "main.txt").read_text() == "main\n"


def test_a_record_whose_pid_now_belongs_to_another_process_reads_as_interrupted(tmp_path):
    from pairtui.agent.runs.records import RunRecord, RunStore, process_start

    store = RunStore(tmp_path)
    me = RunRecord(id="abc123", goal="g", branch="b", worktree="w", git_dir=str(tmp_path),
                   created=time.time(), state="running", pid=os.getpid(),
                   pid_start=process_start(os.getpid()))
    store.save(me)
    assert store.load("abc123").effective_state == "running"
    store.update("abc123", pid_start=(me.pid_start or 0) + 1)  # same pid, another process
    assert store.load("abc123").effective_state == "interrupted"


def test_resume_and_follow_refuse_what_they_cannot_do_in_one_line(git_repo, tmp_path, capsys):
    files = ["a.txt"]
    plan, executor = _plan(tmp_path, "fine", files), _executor(tmp_path, "fine", files)
    assert run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan), "--worktree",
                   "--executor", f"replay:{executor}")[0] == 0
    (row,) = _runs(git_repo)
    code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--resume", row["id"])
    assert code == 2 and f"run {row['id']} is done" in err and err.count("\n") == 1
    for argv in (("run", "--resume", "nope"), ("runs", "--follow", "nope"),
                 ("runs", "--cancel", "nope")):
        code, _, err = run_cli(capsys, "-C", str(git_repo), *argv)
        assert code == 2 and "no run 'nope'" in err and err.count("\n") == 1
