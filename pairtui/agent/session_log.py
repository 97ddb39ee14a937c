"""What `pairtui log` lists: every session, newest first, with its goal, chunks, commits, checks
and cost.

Two sources, joined by session id: the session store (state.json of each session: goal,
status of every chunk, usage) and the Pairtui-* trailers of the commits on HEAD's history
(one `git log`), which also bring back sessions whose store was pruned. A landed chunk's check
is read from its commit (what was recorded when it landed), else from the chunk's note.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pairtui.git.trailers import model_value, pairtui_trailers


@dataclass
class ChunkEntry:
    number: int
    title: str
    status: str
    commit: str | None = None
    verify: str = ""
    cost: str = ""


@dataclass
class SessionEntry:
    id: str
    goal: str = ""
    phase: str = ""
    created: float = 0.0
    planner: str = ""
    executor: str = ""
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float | None = None
    stored: bool = True  # False: known only from commit trailers (store pruned)
    chunks: list[ChunkEntry] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def landed_commits(cwd: Path) -> dict[str, tuple[str, dict[str, str]]]:
    """sha -> (subject, Pairtui-* trailers) for every commit on HEAD's history that has them."""
    out = subprocess.run(["git", "log", "--fixed-strings", "--grep=Pairtui-Session: ",
                          "--format=%H%x00%B%x01", "HEAD"], cwd=cwd, capture_output=True)
    found: dict[str, tuple[str, dict[str, str]]] = {}
    for record in out.stdout.decode("utf-8", "replace").split("\x01") if out.returncode == 0 else ():
        sha, _, message = record.lstrip("\n").partition("\x00")
        trailers = pairtui_trailers(message)
        if sha and "Session" in trailers:
            found[sha] = (message.split("\n", 1)[0], trailers)
    return found


def read_sessions(git_dirs: tuple[Path, ...], cwd: Path) -> list[SessionEntry]:
    """Every session, newest first (ids start with their UTC start time)."""
    commits = landed_commits(cwd)
    entries: dict[str, SessionEntry] = {}
    for git_dir in git_dirs:
        root = git_dir / "pairtui" / "sessions"
        for state_file in root.glob("*/state.json") if root.is_dir() else ():
            try:
                state = json.loads(state_file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            name = state_file.parent.name
            if name in entries:
                continue
            try:
                entries[name] = _from_state(name, state, commits)
            except (TypeError, ValueError, AttributeError, KeyError, IndexError):
                entries[name] = SessionEntry(name, phase="damaged state (see .git/pairtui/sessions)")
    for sha, (subject, trailers) in reversed(list(commits.items())):  # oldest first
        if "Reverts" in trailers or trailers["Session"] in entries and entries[trailers["Session"]].stored:
            continue
        entry = entries.setdefault(trailers["Session"], SessionEntry(
            trailers["Session"], planner=trailers.get("Planner", ""),
            executor=trailers.get("Executor", ""), stored=False))
        number, total, title = _chunk(trailers.get("Chunk", ""))
        entry.phase = entry.phase or f"{total} chunks planned"
        entry.chunks.append(ChunkEntry(number, title or subject, "landed", sha,
                                       trailers.get("Verify", ""), trailers.get("Cost", "")))
    return sorted(entries.values(), key=lambda e: e.id, reverse=True)


def _from_state(session_id: str, state: dict, commits: dict) -> SessionEntry:
    titles = _titles(state)
    usage = state.get("extra", {}).get("chunk_usage", {})
    entry = SessionEntry(session_id, str(state.get("goal", "")), str(state.get("phase", "")),
                         float(state.get("created", 0) or 0), model_value(str(state.get("planner", ""))),
                         model_value(str(state.get("executor", ""))), int(state.get("tokens_in", 0) or 0),
                         int(state.get("tokens_out", 0) or 0), float(state.get("cost_usd", 0) or 0))
    for chunk in state.get("chunks", []):
        number = int(chunk.get("number", 0))
        commit = chunk.get("commit")
        trailers = commits.get(commit, ("", {}))[1] if commit else {}
        spent = usage.get(str(number))
        cost = trailers.get("Cost") or (f"{spent[0]:,} tokens in, {spent[1]:,} out, ${spent[2]:.4f}"
                                        if spent else "")
        entry.chunks.append(ChunkEntry(number, titles.get(number, ""), str(chunk.get("status", "")),
                                       commit, trailers.get("Verify") or _verify_note(str(chunk.get("note", ""))),
                                       cost))
    return entry


def _titles(state: dict) -> dict[int, str]:
    versions = state.get("plan_versions") or []
    if not versions:
        return {}
    from pairtui.core.plan import parse_plan
    from pairtui.errors import PlanError

    try:
        return {c.number: c.title for c in parse_plan(versions[-1]).chunks}
    except PlanError:
        return {}


def _verify_note(note: str) -> str:
    if note.startswith("verified: "):
        return f"{note[len('verified: '):]} passed"
    if note.startswith("unverified"):
        return "unverified"
    return note.split("\n", 1)[0][:100]


def _chunk(value: str) -> tuple[int, str, str]:
    head, _, title = value.partition(" ")
    number, _, total = head.partition("/")
    return (int(number) if number.isdigit() else 0), total or "?", title
