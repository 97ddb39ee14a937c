"""`pairtui plan` with a planner it cannot build (a missing replay transcript) fails in one
line, exit 2, with no 'coroutine was never awaited' warning and no session started."""

from __future__ import annotations

import gc
import warnings
from pathlib import Path

from pairtui.agent.flow import session_store
from pairtui.cli import main
from pairtui.config import load_config


def test_missing_replay_transcript_is_one_line_without_a_warning(git_repo: Path, capsys):
    missing = git_repo.parent / "no-such-transcript.jsonl"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = main(["-C", str(git_repo), "plan", "--goal", "tidy up",
                     "--planner", f"replay:{missing}"])
        gc.collect()  # an abandoned coroutine warns when it is collected
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "replay transcript not found" in err
    assert [str(w.message) for w in caught if "never awaited" in str(w.message)] == []
    store = session_store(git_repo / ".git", load_config(git_repo, {}))
    assert store.open_session() is None
