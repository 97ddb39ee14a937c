"""Regenerate the demo's replay transcripts from readable source.

    python pairtui/assets/demo/make_transcripts.py

Writes plan.md, planner.jsonl and executor.jsonl here (format: README "Replay transcripts").
Before writing, every edit is applied to a scratch copy of the demo repo (the chunks in order,
and with each hunk comment's revision), and must match exactly once, so the transcripts can
only be written if the real tools will be able to play them.
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

from demo_sources import PLAN, REVISED_PLAN  # noqa: E402
from demo_turns import EXECUTOR, PLANNER  # noqa: E402

__all__ = ["EXECUTOR", "PLAN", "PLANNER", "REVISED_PLAN", "main", "sections"]

REPO = HERE.parent / "demo-repo"


def sections(entries: list[dict[str, Any]]) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """(key line, its turns) for each "for" line of a transcript, in order."""
    found: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    for entry in entries:
        if "for" in entry:
            found.append((entry, []))
        if "turn" in entry:
            found[-1][1].append(entry)
    return found


def _play_edits(root: Path, turns: list[dict[str, Any]], what: str) -> None:
    for entry in turns:
        for part in entry["turn"]:
            args = part.get("args", {})
            if part.get("tool") == "write_file":
                (root / args["path"]).write_text(args["content"])
            elif part.get("tool") == "edit_file":
                path = root / args["path"]
                current = path.read_text()
                count = current.count(args["old_string"])
                if count != 1:
                    raise SystemExit(f"{what}: edit of {args['path']} matches {count} times:\n"
                                     f"{args['old_string']}")
                path.write_text(current.replace(args["old_string"], args["new_string"]))


def check_edits_apply() -> None:
    """Play the writes and edits of EXECUTOR on scratch copies of the demo repo: the chunks in
    order, and again with each hunk comment's revision right after its chunk. Every
    old_string must match exactly once on each path."""
    keyed = sections(EXECUTOR)
    chunks = {key["chunk"]: turns for key, turns in keyed if key["for"] == "chunk"}
    comments = [(key, turns) for key, turns in keyed if key["for"] == "comment"]
    for detour in [None, *comments]:
        with tempfile.TemporaryDirectory() as scratch:
            root = Path(scratch) / "repo"
            shutil.copytree(REPO, root, ignore=shutil.ignore_patterns("__pycache__"))
            for number in sorted(chunks):
                _play_edits(root, chunks[number], f"chunk {number}")
                if detour and detour[0]["chunk"] == number:
                    _play_edits(root, detour[1], f"comment on chunk {number} ({detour[0]['path']})")


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
