"""Checks run in the person's environment, not pairtui's: PATH as it is, the repo's .venv when
no virtual environment is active, or the one `verify_env` names; the result says which python.
Real subprocesses; the virtual environments are directories whose bin/python is a shell script
printing a marker, which is all PATH resolution looks at."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from pairtui.agent.verify import check_env, run_check
from pairtui.config import load_config
from pairtui.errors import ConfigError

PRINT = 'python -c "import sys; print(sys.executable)"'


def fake_venv(where: Path, marker: str) -> Path:
    """A directory laid out like a virtual environment whose python prints `marker`."""
    bin_dir = where / "bin"
    bin_dir.mkdir(parents=True)
    python = bin_dir / "python"
    python.write_text(f"#!/bin/sh\necho {marker} \"$VIRTUAL_ENV\"\n")
    python.chmod(0o755)
    return where


@pytest.fixture
def person_path(tmp_path, monkeypatch):
    """The person's PATH: a dir with their own `python` (a marker script), then the system's."""
    mine = fake_venv(tmp_path / "person", "PERSON-PYTHON")
    monkeypatch.setenv("PATH", os.pathsep.join([str(mine / "bin"), "/usr/bin", "/bin"]))
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    return mine


async def test_auto_uses_the_repos_dot_venv_when_none_is_active(tmp_path, person_path):
    repo = tmp_path / "repo"
    venv = fake_venv(repo / ".venv", "REPO-VENV")
    result = await run_check(PRINT, repo, 30)
    assert result.output.split() == ["REPO-VENV", str(venv.absolute())]
    assert result.python == f"python: {venv.absolute() / 'bin' / 'python'} (repo .venv)"


async def test_auto_finds_a_venv_dir_named_venv_too(tmp_path, person_path):
    repo = tmp_path / "repo"
    fake_venv(repo / "venv", "REPO-VENV")
    result = await run_check(PRINT, repo, 30)
    assert result.output.startswith("REPO-VENV")
    assert "(repo venv)" in result.python


async def test_an_active_virtualenv_keeps_path_as_it_is(tmp_path, person_path, monkeypatch):
    repo = tmp_path / "repo"
    fake_venv(repo / ".venv", "REPO-VENV")
    monkeypatch.setenv("VIRTUAL_ENV", str(person_path))
    result = await run_check(PRINT + "; echo $PATH", repo, 30)
    assert result.output.startswith("PERSON-PYTHON")
    assert result.output.splitlines()[-1] == os.environ["PATH"]
    assert "(active virtualenv)" in result.python


async def test_inherit_ignores_the_repos_venv(tmp_path, person_path):
    repo = tmp_path / "repo"
    fake_venv(repo / ".venv", "REPO-VENV")
    result = await run_check(PRINT + "; echo $PATH", repo, 30, verify_env="inherit")
    assert result.output.startswith("PERSON-PYTHON")
    assert result.output.splitlines()[-1] == os.environ["PATH"]
    assert result.python == f"python: {person_path / 'bin' / 'python'} (PATH)"


async def test_verify_env_names_a_venv_relative_to_the_repo_or_absolute(tmp_path, person_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    fake_venv(repo / "envs" / "py", "RELATIVE-VENV")
    elsewhere = fake_venv(tmp_path / "elsewhere", "ABSOLUTE-VENV")
    relative = await run_check(PRINT, repo, 30, verify_env="envs/py")
    absolute = await run_check(PRINT, repo, 30, verify_env=str(elsewhere))
    assert relative.output.startswith("RELATIVE-VENV")
    assert absolute.output.split() == ["ABSOLUTE-VENV", str(elsewhere)]
    assert "(verify_env)" in absolute.python


async def test_a_verify_env_that_is_no_venv_is_refused_and_nothing_runs(tmp_path, person_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    with pytest.raises(ConfigError, match="verify_env"):
        await run_check("touch ran", repo, 30, verify_env="nope")
    assert not (repo / "ran").exists()


async def test_pairtuis_own_bin_dir_is_not_put_first(tmp_path, person_path):
    own = str(Path(sys.executable).parent)
    result = await run_check("echo $PATH", tmp_path, 30)
    assert own not in result.output.strip().split(os.pathsep)
    assert check_env(tmp_path).env["PATH"] == os.environ["PATH"]


async def test_a_real_python_venv_in_the_repo_runs_the_check(tmp_path, monkeypatch):
    import venv

    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    repo = tmp_path / "repo"
    venv.create(repo / ".venv", with_pip=False, symlinks=True)
    result = await run_check('python -c "import sys; print(sys.prefix)"', repo, 60)
    assert result.passed, result.output
    assert Path(result.output.strip()) == (repo / ".venv").absolute()


def test_verify_env_setting_from_file_environment_and_flags(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    repo.mkdir()
    assert load_config(repo).verify_env == "auto"
    (repo / ".pairtui.toml").write_text('verify_env = "inherit"\n')
    assert load_config(repo).verify_env == "inherit"
    monkeypatch.setenv("PAIRTUI_VERIFY_ENV", ".venv-ci")
    assert load_config(repo).verify_env == ".venv-ci"
    assert load_config(repo, {"verify_env": "/opt/env"}).verify_env == "/opt/env"
    (repo / ".pairtui.toml").write_text("verify_env = 3\n")
    monkeypatch.delenv("PAIRTUI_VERIFY_ENV")
    with pytest.raises(ConfigError, match="verify_env"):
        load_config(repo)
