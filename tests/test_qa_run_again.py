"""QA: after a run stops mid-chunk (killed, or a provider error), running the same command again
refuses in one line that says how to carry on headless; doing what it says finishes the chunk
and loses nothing."""

from __future__ import annotations

import re

from tests.conftest import git
from tests.support_engine import edit_chunk, error, run_cli, tool, turn, write_transcript

PLAN = """\
# Goal: Say hello louder

## Chunk 1: Shout hello
Files: src/app.py
Verify: python -c "print('ok')"

Return 'HI'.
"""


def test_a_run_stopped_mid_chunk_names_the_command_that_carries_on(git_repo, tmp_path, capsys):
    (git_repo / "README.md").write_text("# demo\nmine\n")
    plan = tmp_path / "plan.md"
    plan.write_text(PLAN)
    dies = write_transcript(tmp_path / "dies.jsonl",
                            [turn(tool("write_file", path="src/half.py", content="half\n")), error("auth")])
    good = write_transcript(tmp_path / "good.jsonl",
                            edit_chunk("src/app.py", "return 'hi'", "return 'HI'"))
    code, _, _ = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan), "--yes",
                         "--executor", f"replay:{dies}")
    assert code == 3 and (git_repo / "src" / "half.py").exists()

    code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan), "--yes",
                           "--executor", f"replay:{good}")
    assert code == 2 and len(err.strip().splitlines()) == 1
    hint = re.search(r"`pairtui run --plan (\S+)`", err)
    assert hint, err

    code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", hint.group(1), "--yes",
                           "--executor", f"replay:{good}")
    assert code == 0, err
    assert git(git_repo, "log", "--format=%s").splitlines() == ["Shout hello", "initial"]
    assert not (git_repo / "src" / "half.py").exists()
    assert git(git_repo, "status", "--porcelain") == " M README.md\n"
    assert (git_repo / "README.md").read_text() == "# demo\nmine\n"
