"""`pairtui checkpoints --keep N` without --prune is a one-line usage error, not silently ignored;
with --prune it still prunes."""

from __future__ import annotations

from pathlib import Path

from pairtui.cli import main
from tests.conftest import git


def _sessions(repo: Path) -> set[str]:
    refs = git(repo, "for-each-ref", "--format=%(refname)", "refs/pairtui").split()
    return {r.split("/")[2] for r in refs}


def _checkpoint_in(repo: Path, session: str) -> None:
    """A checkpoint ref of another session, made with real git plumbing."""
    commit = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "update-ref", f"refs/pairtui/{session}/1-manual", commit)


def test_keep_without_prune_is_refused_in_one_line(git_repo: Path, capsys):
    _checkpoint_in(git_repo, "old-session")
    code = main(["-C", str(git_repo), "checkpoints", "--keep", "5"])  # even the default value
    out, err = capsys.readouterr()
    assert code == 2
    assert err.count("\n") == 1 and "--keep goes with --prune" in err
    assert out == ""  # nothing listed, nothing pruned
    assert _sessions(git_repo) == {"old-session"}


def test_keep_with_prune_prunes(git_repo: Path, capsys):
    _checkpoint_in(git_repo, "old-session")
    code = main(["-C", str(git_repo), "checkpoints", "--prune", "--keep", "0"])
    assert code == 0
    assert "pruned 1 session" in capsys.readouterr().out
    assert _sessions(git_repo) == set()


def test_plain_listing_still_works(git_repo: Path, capsys):
    assert main(["-C", str(git_repo), "checkpoints"]) == 0
    assert "no checkpoints yet" in capsys.readouterr().out
