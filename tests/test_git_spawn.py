"""The process runner under every git call (pairtui/git/spawn.py): what subprocess.run gave us,
kept without importing it — no deadlock on big pipes, exit codes, stderr, the environment, no
zombie left behind, ctrl+c."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from pairtui.errors import GitError
from pairtui.git.plumbing import Git
from pairtui.git.spawn import Child


def _reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_big_input_and_big_output_at_once_do_not_deadlock(git_repo: Path):
    """cat-file --batch answers while it reads: both pipes fill far past their buffers."""
    head = Git(git_repo).line("rev-parse", "HEAD")
    asks = f"{head}\n".encode() * 3000
    result = Git(git_repo).try_run("cat-file", "--batch", input=asks)
    assert result.ok
    assert result.stdout.count(f"{head} commit ".encode()) == 3000


def test_failure_gives_exit_code_and_gits_reason(git_repo: Path):
    result = Git(git_repo).try_run("rev-parse", "--verify", "no-such-branch")
    assert result.status == 128
    assert "fatal: Needed a single revision" in result.stderr
    with pytest.raises(GitError, match="Needed a single revision"):
        Git(git_repo).run("rev-parse", "--verify", "no-such-branch")


def test_runs_in_the_repo_with_its_own_environment(git_repo: Path, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # not a repo: git must work in Git.root, not here
    ident = Git(git_repo).line("var", "GIT_AUTHOR_IDENT", env={"GIT_AUTHOR_NAME": "Zed Q"})
    assert ident.startswith("Zed Q <")


def test_missing_git_is_one_clear_error(git_repo: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GitError, match="git is not installed or not on PATH"):
        Git(git_repo).try_run("status")


def test_a_child_dropped_without_waiting_is_reaped(git_repo: Path):
    job = Git(git_repo).start("rev-parse", "HEAD")
    pid = job._child.pid
    del job
    assert _reaped(pid)


def test_ctrl_c_while_waiting_stops_and_reaps_the_child():
    child = Child(["sleep", "30"], dict(os.environ), None)

    def interrupt(_signum, _frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 0.2)
    started = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            child.wait()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert time.monotonic() - started < 5
    assert child.pid == 0
    assert not child._fds


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_child_gets_sigpipe_back_at_its_default():
    """Python ignores SIGPIPE; a git writing into a closed pipe must die of it, as in a shell."""
    status, out, _err = Child(["cat", "/proc/self/status"], dict(os.environ), None).wait()
    assert status == 0
    ignored = next(line for line in out.decode().splitlines() if line.startswith("SigIgn:"))
    assert not int(ignored.split()[1], 16) & (1 << (signal.SIGPIPE - 1))
