"""A finished worktree run built by hand for the inbox tests: a branch of chunk commits
carrying the Pairtui-* trailers a run writes, and the run's record, state "done"."""

from __future__ import annotations

import time
from pathlib import Path

from pairtui.agent.runs.records import RunRecord, RunStore
from tests.conftest import git

LIB = "".join(f"line {i}\n" for i in range(1, 21))  # lib.txt: room for two separate hunks


def base_repo(repo: Path) -> Path:
    """git_repo plus lib.txt (20 lines), committed on main."""
    (repo / "lib.txt").write_text(LIB)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "add lib")
    return repo


def make_run(repo: Path, chunks: list[tuple[str, dict[str, str], str]], run_id: str = "abc123",
             goal: str = "tidy the demo", state: str = "done", session: str = "20261130-000000-aaaa"
             ) -> RunRecord:
    """Branch pairtui/<run_id> from HEAD with one commit per (title, files, verify), as a run
    lands them, and its record. The person's HEAD, index and files are left as they were."""
    branch = f"pairtui/{run_id}"
    wt = repo.parent / f"wt-{run_id}"
    git(repo, "worktree", "add", "-q", "-b", branch, str(wt), "HEAD")
    total = len(chunks)
    for n, (title, files, verify) in enumerate(chunks, 1):
        for path, text in files.items():
            (wt / path).parent.mkdir(parents=True, exist_ok=True)
            (wt / path).write_text(text)
        git(wt, "add", "-A")
        message = (f"{title}\n\nDo {title.lower()}.\n\nPairtui-Session: {session}\n"
                   f"Pairtui-Chunk: {n}/{total} {title}\nPairtui-Verify: {verify} passed\n"
                   f"Pairtui-Executor: replay:exec.jsonl\n")
        git(wt, "commit", "-q", "-m", message)
    git(repo, "worktree", "remove", "--force", str(wt))
    record = RunRecord(id=run_id, goal=goal, branch=branch, worktree=str(wt),
                       git_dir=str(repo / ".git" / "worktrees" / run_id), created=time.time() - 90,
                       state=state, exit_code=0, finished=time.time())
    RunStore(repo / ".git").save(record)
    return record


def three_chunks() -> list[tuple[str, dict[str, str], str]]:
    """Three chunks: a new file, a change to src/app.py, another new file."""
    return [
        ("Add the notes module", {"notes.py": "NOTES = []\n"}, "test -f notes.py"),
        ("Greet by name", {"src/app.py": "def hello(name):\n    return f'hi {name}'\n"},
         "grep -q name src/app.py"),
        ("Add a changelog", {"CHANGES.md": "# changes\n"}, "test -f CHANGES.md"),
    ]
