"""`pairtui review main..<run branch>` says which chunk each hunk came from (the commits'
Pairtui-* trailers), in `--dry-run` and in the viewer (Pilot); a plain range stays plain.
Real git, a real worktree run with a replay executor."""

from __future__ import annotations

from pathlib import Path

import pytest

from pairtui.git.repo import find_repo
from tests.conftest import git
from tests.support_engine import edit_chunk, run_cli, write_transcript
from tests.support_ui_diff import settle

LONG = "".join(f"line {n}\n" for n in range(1, 31))
EDITS = [("line 2\n", "line two\n"), ("line 15\n", ""), ("line 28\n", "line twenty-eight\n")]
TITLES = ["Spell out line 2", "Drop line 15", "Spell out line 28"]


@pytest.fixture
def story(git_repo: Path, tmp_path: Path, capsys) -> Path:
    """Branch `story`: three chunk commits, each one hunk of long.txt (a replace, a pure
    deletion, a replace), then one plain commit on main so the range is not HEAD's."""
    (git_repo / "long.txt").write_text(LONG)
    git(git_repo, "add", "long.txt")
    git(git_repo, "commit", "-qm", "Add long.txt")
    chunks = [f"## Chunk {i}: {title}\nFiles: long.txt\nVerify: true\n\nEdit long.txt.\n"
              for i, title in enumerate(TITLES, 1)]
    plan = tmp_path / "story.md"
    plan.write_text("# Goal: story\n\n" + "\n".join(chunks))
    turns = [t for old, new in EDITS for t in edit_chunk("long.txt", old, new)]
    executor = write_transcript(tmp_path / "story.jsonl", turns)
    code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan), "--worktree",
                           "--branch", "story", "--executor", f"replay:{executor}")
    assert code == 0, err
    (git_repo / "plain.txt").write_text("mine\n")
    git(git_repo, "add", "plain.txt")
    git(git_repo, "commit", "-qm", "A plain commit")
    return git_repo


def test_dry_run_labels_each_hunk_with_the_chunk_it_came_from(story, capsys):
    git_repo = story
    code, out, err = run_cli(capsys, "-C", str(git_repo), "review", "main..story", "--dry-run")
    assert code == 0, err
    hunks = [line for line in out.splitlines() if line[:1].isdigit() and "long.txt" in line]
    assert len(hunks) == 3, out
    assert [line for line in out.splitlines() if "plain.txt" in line][0].endswith("+0 -1")
    for n, (line, title) in enumerate(zip(hunks, TITLES, strict=True), 1):
        assert line.endswith(f"chunk {n}/3 {title}"), line
    code, out, _ = run_cli(capsys, "-C", str(git_repo), "review", "story..main", "--dry-run")
    assert code == 0 and "chunk" not in out  # a plain range: the plain hunk view


async def test_viewer_shows_the_current_hunks_chunk_and_follows_the_cursor(story):
    from pairtui.commands.review import load_source, review_app

    repo = find_repo(story)
    source, patch = load_source(repo.root, "main..story")
    app = review_app(repo, patch, source, "main..story")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        seen = [str(app.query_one("#review-chunk").render())]
        for _ in range(3):
            await pilot.press("n")
            await settle(pilot)
            seen.append(str(app.query_one("#review-chunk").render()))
    # main moved on (plain.txt) since the branch was made: that hunk is no chunk's
    assert seen == [f"hunk {n}/4 from chunk {n}/3 {t}" for n, t in enumerate(TITLES, 1)] + [
        "hunk 4/4 from no chunk of this range"], seen


async def test_viewer_of_a_plain_range_has_no_chunk_line(story):
    from pairtui.commands.review import load_source, review_app

    repo = find_repo(story)
    source, patch = load_source(repo.root, "story..main")
    app = review_app(repo, patch, source, "story..main")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert not app.query("#review-chunk")


def test_a_hunk_made_of_two_chunks_names_both(git_repo, tmp_path, capsys):
    (git_repo / "long.txt").write_text(LONG)
    git(git_repo, "add", "long.txt")
    git(git_repo, "commit", "-qm", "Add long.txt")
    plan = tmp_path / "near.md"
    plan.write_text("# Goal: near\n\n## Chunk 1: Two\nVerify: true\n\nEdit.\n\n"
                    "## Chunk 2: Four\nVerify: true\n\nEdit.\n")
    turns = edit_chunk("long.txt", "line 2\n", "line two\n") + edit_chunk(
        "long.txt", "line 4\n", "line four\n")
    executor = write_transcript(tmp_path / "near.jsonl", turns)
    code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan), "--worktree",
                           "--branch", "near", "--executor", f"replay:{executor}")
    assert code == 0, err
    code, out, _ = run_cli(capsys, "-C", str(git_repo), "review", "main..near", "--dry-run")
    (hunk,) = [line for line in out.splitlines() if line.startswith("1  long.txt")]
    assert hunk.endswith("  chunk 1/2 Two; chunk 2/2 Four"), out
