"""The executor never changes what git ignores: checkpoints leave ignored files out, so a
write, edit, move or delete there could not be undone, and a new ignored file would be
invisible to review. Refusals are error results and nothing on disk changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from pairtui.agent.tools import Toolbox, ToolOutcome
from pairtui.models.base import ToolCall
from tests.conftest import git

ENV = "API_KEY=local-only\n"


async def call(box: Toolbox, name: str, **args) -> ToolOutcome:
    return await box.call(ToolCall(id="call_1", name=name, arguments=args))


@pytest.fixture
def repo(git_repo: Path) -> Path:
    (git_repo / ".gitignore").write_text(".env\nbuild/\n*.log\n")
    git(git_repo, "add", ".gitignore")
    git(git_repo, "commit", "-q", "-m", "ignore")
    (git_repo / ".env").write_text(ENV)
    (git_repo / "build").mkdir()
    (git_repo / "build" / "out.bin").write_text("artifact")
    (git_repo / "src" / "debug.log").write_text("log")
    return git_repo


def _snapshot(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text() for p in sorted(root.rglob("*"))
            if p.is_file() and ".git" not in p.relative_to(root).parts}


@pytest.mark.parametrize(("name", "args", "named"), [
    ("write_file", {"path": ".env", "content": "x"}, ".env"),
    ("edit_file", {"path": ".env", "old_string": "local-only", "new_string": "x"}, ".env"),
    ("delete_path", {"path": ".env"}, ".env"),
    ("delete_path", {"path": "build"}, "build"),
    ("move_path", {"src": ".env", "dst": "env.txt"}, ".env"),
    ("move_path", {"src": "README.md", "dst": "build/README.md"}, "build/README.md"),
    ("move_path", {"src": "README.md", "dst": "notes.log"}, "notes.log"),
    ("write_file", {"path": "new.log", "content": "x"}, "new.log"),
    ("write_file", {"path": "build/new.txt", "content": "x"}, "build/new.txt"),
])
async def test_ignored_paths_are_refused_and_nothing_changes(repo, name, args, named):
    before = _snapshot(repo)
    outcome = await call(Toolbox(repo), name, **args)
    assert outcome.is_error
    assert f"{named} is ignored by git" in outcome.content
    assert "pairtui will not" in outcome.content
    assert outcome.changed_paths == ()
    assert _snapshot(repo) == before


async def test_a_directory_holding_an_ignored_file_is_neither_deleted_nor_moved(repo):
    before = _snapshot(repo)
    for name, args in [("delete_path", {"path": "src"}), ("move_path", {"src": "src", "dst": "lib"})]:
        outcome = await call(Toolbox(repo), name, **args)
        assert outcome.is_error
        assert "src contains src/debug.log, which is ignored by git" in outcome.content
    assert _snapshot(repo) == before


async def test_tracked_files_matching_an_ignore_pattern_stay_editable(repo):
    (repo / "keep.log").write_text("tracked\n")
    git(repo, "add", "-f", "keep.log")
    git(repo, "commit", "-q", "-m", "track a log")
    outcome = await call(Toolbox(repo), "edit_file", path="keep.log", old_string="tracked",
                         new_string="still tracked")
    assert not outcome.is_error, outcome.content
    assert (repo / "keep.log").read_text() == "still tracked\n"


async def test_ordinary_paths_still_work(repo):
    box = Toolbox(repo)
    assert not (await call(box, "write_file", path="src/new.py", content="x = 1\n")).is_error
    assert not (await call(box, "move_path", src="src/new.py", dst="lib/new.py")).is_error
    assert not (await call(box, "delete_path", path="lib")).is_error
    assert (repo / ".env").read_text() == ENV
