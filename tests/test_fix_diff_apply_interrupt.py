"""The last step of applying a patch is all-or-nothing even when interrupted (ctrl+c), and a
failure that cannot be fully undone says which files it could not put back."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pairtui.diff import apply as apply_module
from pairtui.diff.apply import apply_patch
from pairtui.diff.parse import read_patch
from pairtui.errors import PatchError
from tests.conftest import git

FILES = {"a.txt": "alpha\n", "b.txt": "beta\n", "c.txt": "gamma\n"}


def _three_file_patch(repo: Path):
    for name, text in FILES.items():
        (repo / name).write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "three files")
    raw = "".join(
        f"diff --git a/{name} b/{name}\n--- a/{name}\n+++ b/{name}\n@@ -1 +1 @@\n"
        f"-{text}+{text.upper()}"
        for name, text in FILES.items()
    )
    return read_patch(raw.encode())


def _failing_replace(monkeypatch, failures: dict[int, BaseException]) -> None:
    """os.replace raising failures[n] on its n-th call (1-based), working otherwise."""
    real = os.replace
    calls = [0]

    def replace(src, dst, *args, **kwargs):
        calls[0] += 1
        if calls[0] in failures:
            raise failures[calls[0]]
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(apply_module.os, "replace", replace)


def _leftovers(repo: Path) -> list[str]:
    return [p.name for p in repo.iterdir() if "pairtui" in p.name]


def test_ctrl_c_while_moving_files_into_place_leaves_every_file_as_it_was(
        git_repo: Path, monkeypatch) -> None:
    patch = _three_file_patch(git_repo)
    _failing_replace(monkeypatch, {2: KeyboardInterrupt()})
    with pytest.raises(KeyboardInterrupt):
        apply_patch(git_repo, patch)
    for name, text in FILES.items():
        assert (git_repo / name).read_text() == text
    assert _leftovers(git_repo) == []


def test_a_file_that_cannot_be_put_back_is_named_in_the_error(
        git_repo: Path, monkeypatch) -> None:
    patch = _three_file_patch(git_repo)
    # 1: a.txt moved in; 2: b.txt fails; 3: putting a.txt back fails too; 4: b.txt put back
    _failing_replace(monkeypatch, {2: OSError(28, "No space left on device"),
                                   3: OSError(5, "Input/output error")})
    with pytest.raises(PatchError) as caught:
        apply_patch(git_repo, patch)
    message = str(caught.value)
    assert "nothing changed" not in message
    assert "could not put back a.txt" in message
    assert (git_repo / "b.txt").read_text() == "beta\n"


def test_ctrl_c_that_cannot_be_fully_undone_notes_the_files(git_repo: Path, monkeypatch) -> None:
    patch = _three_file_patch(git_repo)
    _failing_replace(monkeypatch, {2: KeyboardInterrupt(), 3: OSError(5, "Input/output error")})
    with pytest.raises(KeyboardInterrupt) as caught:
        apply_patch(git_repo, patch)
    assert any("could not put back a.txt" in n for n in getattr(caught.value, "__notes__", []))
