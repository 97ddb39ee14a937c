"""`pairtui demo --dir` refuses a path it cannot use with one line and exit 2, never a traceback,
and touches nothing there."""

from __future__ import annotations

from pathlib import Path

import pytest

from pairtui.cli import main


def _demo(capsys, where: Path) -> tuple[int, str]:
    code = main(["demo", "--headless", "--dir", str(where)])
    err = capsys.readouterr().err
    return code, err


def test_an_existing_file_is_refused_in_one_line(tmp_path, capsys):
    target = tmp_path / "notes.txt"
    target.write_text("mine\n")
    code, err = _demo(capsys, target)
    assert code == 2
    assert err.count("\n") == 1 and "is a file, not a directory" in err
    assert "Traceback" not in err
    assert target.read_text() == "mine\n"


def test_a_non_empty_directory_is_refused_in_one_line(tmp_path, capsys):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine\n")
    code, err = _demo(capsys, tmp_path / "full")
    assert code == 2 and err.count("\n") == 1 and "is not empty" in err
    assert [p.name for p in (tmp_path / "full").iterdir()] == ["keep.txt"]


def test_a_directory_under_a_file_is_refused_in_one_line(tmp_path, capsys):
    (tmp_path / "afile").write_text("mine\n")
    code, err = _demo(capsys, tmp_path / "afile" / "demo")
    assert code == 2 and err.count("\n") == 1 and "cannot put the demo there" in err
    assert (tmp_path / "afile").read_text() == "mine\n"


@pytest.mark.parametrize("name", ["new", "empty"])
def test_prepare_accepts_a_new_or_empty_directory(tmp_path, name):
    from pairtui.commands.demo import prepare_demo_repo

    if name == "empty":
        (tmp_path / name).mkdir()
    repo = prepare_demo_repo(str(tmp_path / name))
    assert (repo / ".git").is_dir()
