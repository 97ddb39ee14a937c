"""Regenerate the demo's replay transcripts from readable source.

    python assets/demo/make_transcripts.py

Writes assets/demo/planner.jsonl and assets/demo/executor.jsonl (format: COMMON.md
"Replay transcript format"). Before writing, every edit is applied to a scratch copy of
assets/demo-repo in order, and must match exactly once, so the transcript can only be
written if the real tools will be able to play it.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # loaded by path (the tests), not run as a script
    sys.path.insert(0, str(HERE))

from demo_sources import PLAN  # noqa: E402
from demo_turns import EXECUTOR, PLANNER  # noqa: E402

__all__ = ["EXECUTOR", "PLAN", "PLANNER", "main"]

REPO = HERE.parent / "demo-repo"


def check_edits_apply() -> None:
    """Apply every write/edit of EXECUTOR to a scratch copy; each old_string must match once."""
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "repo"
        shutil.copytree(REPO, root, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
        for entry in EXECUTOR:
            for part in entry.get("turn", []):
                args = part.get("args", {})
                if part.get("tool") == "write_file":
                    (root / args["path"]).write_text(args["content"])
                elif part.get("tool") == "edit_file":
                    path = root / args["path"]
                    current = path.read_text()
                    count = current.count(args["old_string"])
                    if count != 1:
                        raise SystemExit(f"edit of {args['path']} matches {count} times:\n"
                                         f"{args['old_string']}")
                    path.write_text(current.replace(args["old_string"], args["new_string"]))


def write_jsonl(path: Path, entries: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(entry, ensure_ascii=False) + "\n" for entry in entries))


def main() -> None:
    check_edits_apply()
    (HERE / "plan.md").write_text(PLAN)
    write_jsonl(HERE / "planner.jsonl", PLANNER)
    write_jsonl(HERE / "executor.jsonl", EXECUTOR)
    print(f"wrote {HERE / 'plan.md'}, planner.jsonl, executor.jsonl")


if __name__ == "__main__":
    main()
