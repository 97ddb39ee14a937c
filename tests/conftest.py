"""Shared fixtures: real git repos in temp dirs, an isolated environment, snapshot baselines
kept in the top-level snapshots/ folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import pytest_textual_snapshot

ROOT = Path(__file__).resolve().parent.parent

# Commits made by tests (and by pairtui under test) need an identity; user config must not leak in.
os.environ.update(
    GIT_AUTHOR_NAME="Pair Tester",
    GIT_AUTHOR_EMAIL="tester@example.com",
    GIT_COMMITTER_NAME="Pair Tester",
    GIT_COMMITTER_EMAIL="tester@example.com",
    GIT_CONFIG_NOSYSTEM="1",
)
for key in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_BASE_URL", "OPENAI_BASE_URL"):
    os.environ.pop(key, None)


class _BaselinesInSnapshotsDir(pytest_textual_snapshot.SVGImageExtension):
    """Store SVG baselines under snapshots/<test module>/ instead of next to the tests."""

    @classmethod
    def dirname(cls, *, test_location) -> str:  # type: ignore[override]
        return str(ROOT / "snapshots" / Path(test_location.filepath).stem)


pytest_textual_snapshot.SVGImageExtension = _BaselinesInSnapshotsDir


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Each test gets its own HOME and XDG dirs, so no user config or git config leaks in."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    # Checks run with the person's PATH (agent/verify.py). The tests' person has this
    # interpreter's environment first on PATH, as with an activated venv, so a check's
    # `python -m pytest` finds pytest wherever the suite runs.
    monkeypatch.setenv("PATH", os.pathsep.join([str(Path(sys.executable).parent),
                                                os.environ.get("PATH", "")]))


def git(cwd: Path, *args: str, check: bool = True) -> str:
    """Run real git in `cwd` and return stdout."""
    out = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    if check and out.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {out.stderr}")
    return out.stdout


@pytest.fixture
def git_repo(tmp_path: Path) -> Path:
    """A fresh repo with one commit (README.md and src/app.py) on branch main."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "README.md").write_text("# demo\n")
    (repo / "src").mkdir()
    (repo / "src" / "app.py").write_text("def hello():\n    return 'hi'\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "initial")
    return repo


@pytest.fixture
def empty_repo(tmp_path: Path) -> Path:
    """A repo with no commits yet (unborn HEAD)."""
    repo = tmp_path / "unborn"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    return repo


@pytest.fixture
def process_groups():
    """Process groups the test started: killed at the end, whatever happened."""
    started: list[int] = []
    yield started
    for pid in started:
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
