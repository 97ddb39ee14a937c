"""A `pairtui run` killed with SIGKILL mid-chunk loses nothing and is resumed where it was."""

from __future__ import annotations

import json
import subprocess
import sys
import time

from pairtui.agent.flow import Pairing
from pairtui.config import Config
from pairtui.core.session import ChunkStatus
from tests.conftest import git
from tests.support_engine import edit_chunk, tool, turn, write_transcript

PLAN = """\
# Goal: Greet people by name

## Chunk 1: Add a greet function
Files: src/app.py
Verify: python -c "import sys; sys.path.insert(0, 'src'); import app; assert app.greet('A') == 'hello A'"

Add greet(name).
"""
GREET = edit_chunk("src/app.py", "    return 'hi'\n",
                   "    return 'hi'\n\n\ndef greet(name):\n    return f'hello {name}'\n")


async def test_run_killed_mid_chunk_keeps_user_work_and_resumes(git_repo, tmp_path):
    (git_repo / "README.md").write_text("# demo\nmine\n")
    (tmp_path / "plan.md").write_text(PLAN)
    slow = {"turn": [{"text": "let me think about this for a long while " * 100}], "pace": 20}
    executor = write_transcript(tmp_path / "killed.jsonl",
                                [turn(tool("write_file", path="src/half.py", content="half\n")), slow])
    proc = subprocess.Popen(
        [sys.executable, "-m", "pairtui", "-C", str(git_repo), "run", "--plan", str(tmp_path / "plan.md"),
         "--yes", "--executor", f"replay:{executor}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while not (git_repo / "src" / "half.py").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
    finally:
        proc.kill()
        proc.wait()
    assert (git_repo / "src" / "half.py").exists()
    session_dir = next((git_repo / ".git" / "pairtui" / "sessions").iterdir())
    state = json.loads((session_dir / "state.json").read_text())
    assert state["chunks"][0]["status"] == "executing"
    assert (git_repo / "README.md").read_text() == "# demo\nmine\n"
    git(git_repo, "fsck", "--no-progress")

    resumed_model = write_transcript(tmp_path / "resumed.jsonl", GREET)
    events: list = []
    pairing = Pairing.open(git_repo, Config(executor=f"replay:{resumed_model}"), events.append)
    assert pairing.session.id == state["id"]
    assert [await pairing.next_step() for _ in range(4)] == ["executed", "verified", "review", "landed"]
    assert pairing.session.chunk_state(1).status == ChunkStatus.LANDED
    assert not (git_repo / "src" / "half.py").exists()
    assert git(git_repo, "log", "--format=%s").splitlines() == ["Add a greet function", "initial"]
    assert (git_repo / "README.md").read_text() == "# demo\nmine\n"
    assert git(git_repo, "status", "--porcelain") == " M README.md\n"
