"""A repository's config may grant power (run commands unasked) only once the person trusted
that exact file; until then the keys are ignored and said so, in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pairtui.config import ENVIRONMENT, load_config, untrusted_notice, user_config_path
from pairtui.trust import TrustStore

GRANT = "allow_run_command_headless = true\n"


@pytest.fixture(autouse=True)
def _no_config_environment(monkeypatch):
    for variable in ENVIRONMENT:
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def _store() -> TrustStore:
    return TrustStore(user_config_path().parent)


def test_an_untrusted_repo_file_does_not_grant_commands(repo: Path):
    (repo / ".pairtui.toml").write_text(GRANT + "max_turns = 7\n")
    config = load_config(repo)
    assert config.allow_run_command_headless is False
    assert config.max_turns == 7  # the harmless keys still count
    assert config.untrusted_repo_keys == ("allow_run_command_headless",)
    notice = untrusted_notice(config)
    assert notice is not None and "\n" not in notice and "pairtui trust" in notice


def test_a_trusted_repo_file_grants_until_it_is_edited(repo: Path):
    path = repo / ".pairtui.toml"
    path.write_text(GRANT)
    _store().trust(path)
    config = load_config(repo)
    assert config.allow_run_command_headless is True and untrusted_notice(config) is None
    path.write_text(GRANT + "# pulled from upstream\n")
    assert load_config(repo).allow_run_command_headless is False


def test_the_users_own_config_grants_without_trust(repo: Path):
    user = user_config_path()
    user.parent.mkdir(parents=True, exist_ok=True)
    user.write_text(GRANT)
    config = load_config(repo)
    assert config.allow_run_command_headless is True and config.untrusted_repo_keys == ()


def test_trust_is_kept_outside_the_repository(repo: Path):
    path = repo / ".pairtui.toml"
    path.write_text(GRANT)
    _store().trust(path)
    assert _store().path.parent == user_config_path().parent
    assert not any(p.name == "trusted.json" for p in repo.rglob("*"))


def test_a_damaged_trust_store_trusts_nothing(repo: Path):
    path = repo / ".pairtui.toml"
    path.write_text(GRANT)
    _store().path.parent.mkdir(parents=True, exist_ok=True)
    _store().path.write_text("{not json")
    assert load_config(repo).allow_run_command_headless is False


def _pairtui(repo: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pairtui", "-C", str(repo), "trust", *args],
                          capture_output=True, text=True, input=stdin, env=os.environ.copy())


def test_trust_command_shows_the_grant_and_records_it_with_yes(repo: Path):
    (repo / ".pairtui.toml").write_text(GRANT)
    done = _pairtui(repo, "--yes")
    assert done.returncode == 0, done.stderr
    assert "allow_run_command_headless = True" in done.stdout and "trusted" in done.stdout
    assert load_config(repo).allow_run_command_headless is True
    again = _pairtui(repo, "--revoke")
    assert again.returncode == 0 and "no longer trusted" in again.stdout
    assert load_config(repo).allow_run_command_headless is False


def test_trust_without_a_terminal_needs_yes(repo: Path):
    (repo / ".pairtui.toml").write_text(GRANT)
    done = _pairtui(repo, stdin="y\n")
    assert done.returncode == 2 and "--yes" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert load_config(repo).allow_run_command_headless is False


def test_trust_of_a_file_that_grants_nothing_changes_nothing(repo: Path):
    (repo / ".pairtui.toml").write_text("max_turns = 3\n")
    done = _pairtui(repo, "--yes")
    assert done.returncode == 0 and "nothing to do" in done.stdout
    assert not _store().path.exists()
