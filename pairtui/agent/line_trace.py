"""The story of a line: blame -> commit -> its Pairtui-* trailers -> the session that wrote it.

For each blamed line: the commit and, when pairtui landed it, the chunk (trailers), and while
the session store still holds the session (<git-dir>/pairtui/sessions/<id>/), the tool call
that wrote the line (matched as review does: the line's mark among the marks of the lines each
call wrote, agent/call_trace.py), the round it came in (first run, fix round, the answer to a
hunk comment), the model's words in that turn, the check's output and the comments. Without
the store the trailers alone still name chunk, check and models, and `missing` says what is
gone. Never guessed: a line no call wrote is said to be so, and a store whose chunk has been
landed again since (a later attempt) is not used to name a call.

Reads files and JSON only; the caller runs git (git/blame.py).
"""

from __future__ import annotations

import json
from pathlib import Path

from pairtui.agent.attempt_trace import read_attempt
from pairtui.core.line_marks import MARKS_PER_CALL, line_mark
from pairtui.git.blame import NOT_COMMITTED, BlameLine
from pairtui.git.trailers import pairtui_trailers, split_trailers

STORE_GONE = ("the session store (pruned, damaged, or made in another clone): the tool call, "
              "the check's output and the review comments")


class LineStory:
    """One run of consecutive lines with the same origin (commit and tool call). A plain class
    (as is everything on this path): `why` must not pay for importing dataclasses."""

    KINDS = ("executor", "review", "revert", "person", "uncommitted")

    def __init__(self, path: str, first: int, last: int, kind: str, commit: str | None = None,
                 origin_path: str = "", text: list[str] | None = None) -> None:
        self.path, self.first, self.last, self.kind = path, first, last, kind
        self.commit = commit
        self.origin_path = origin_path  # the path in that commit (blame follows renames)
        self.author, self.time, self.summary = "", 0, ""
        self.trailers: dict[str, str] = {}
        self.session: str | None = None
        self.chunk: int | None = None
        self.goal: str | None = None
        self.call: dict | None = None
        self.verify: dict | None = None
        self.comments: list[dict] = []
        self.plan_section: str | None = None
        self.missing: list[str] = []
        self.text = text or []

    def to_dict(self) -> dict:
        return dict(self.__dict__)


class SessionLookup:
    """Sessions read on demand from the store directories, each once."""

    def __init__(self, git_dirs: tuple[Path, ...]) -> None:
        self._roots = [d / "pairtui" / "sessions" for d in git_dirs]
        self._states: dict[str, dict | None] = {}
        self._by_commit: dict[str, tuple[str, int]] | None = None
        self._attempts: dict[tuple[str, int], dict] = {}

    def state(self, session_id: str) -> dict | None:
        if session_id not in self._states:
            self._states[session_id] = None
            for root in self._roots:
                if "/" in session_id or session_id.startswith("."):
                    break
                try:
                    data = json.loads((root / session_id / "state.json").read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    continue
                if _usable(data):
                    self._states[session_id] = data
                break
        return self._states[session_id]

    def chunk_of_commit(self, sha: str) -> tuple[str, int] | None:
        """(session, chunk) of a commit made with trailers turned off, from the stores."""
        if self._by_commit is None:
            self._by_commit = {}
            for root in self._roots:
                for state_file in sorted(root.glob("*/state.json")) if root.is_dir() else ():
                    state = self.state(state_file.parent.name) or {}
                    for chunk in state.get("chunks", []):
                        if isinstance(chunk, dict) and chunk.get("commit"):
                            self._by_commit[chunk["commit"]] = (state_file.parent.name, int(chunk["number"]))
        return self._by_commit.get(sha)

    def attempt(self, session_id: str, chunk: int) -> dict:
        """The chunk's last attempt as the transcript tells it: calls by number, rounds, checks."""
        key = (session_id, chunk)
        if key not in self._attempts:
            try:
                self._attempts[key] = read_attempt(self._transcript(session_id), chunk)
            except (TypeError, ValueError, AttributeError, KeyError):  # a hand-damaged transcript
                self._attempts[key] = read_attempt([], chunk)
        return self._attempts[key]

    def _transcript(self, session_id: str) -> list[dict]:
        for root in self._roots:
            path = root / session_id / "transcript.jsonl"
            if path.is_file():
                records = []
                for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                    try:
                        record = json.loads(line)
                    except ValueError:
                        continue
                    if isinstance(record, dict):
                        records.append(record)
                return records
        return []


def _usable(data: object) -> bool:
    """A state file shaped as pairtui writes it (a damaged one counts as gone, never a traceback)."""
    if not isinstance(data, dict):
        return False
    chunks, extra = data.get("chunks", []), data.get("extra", {})
    calls = extra.get("calls", {}) if isinstance(extra, dict) else None
    return (isinstance(chunks, list) and isinstance(calls, dict)
            and all(isinstance(c, dict) and isinstance(c.get("number"), int) for c in chunks)
            and all(isinstance(v, list) and all(isinstance(r, list) and len(r) >= 5
                                                and isinstance(r[2], list) for r in v)
                    for v in calls.values()))


def trace(path: str, blamed: list[BlameLine], messages: dict[str, tuple[str, str, int]],
          sessions: SessionLookup, detail: bool) -> list[LineStory]:
    """Group the blamed lines by origin; `detail` adds the transcript's account (one read per
    session) and the plan section, which a whole-file summary does without. Work per commit
    (trailers, store) is done once per commit; per line only the call is looked up."""
    stories: list[LineStory] = []
    commits: dict[tuple[str, str], dict] = {}
    for line in blamed:
        key = (line.commit, line.path)
        if key not in commits:
            commits[key] = _commit_origin(line, messages.get(line.commit), sessions)
        commit = commits[key]
        kind, number, how = _line_call(line, commit, sessions)
        same = stories[-1] if stories else None
        if (same is not None and same.commit == commit["commit"] and same.last == line.line - 1
                and same.kind == kind and (same.call or {}).get("number") == number):
            same.last = line.line
            same.text.append(line.text)
            continue
        stories.append(_story(path, line, commit, (kind, number, how), sessions, detail))
    return stories


def _commit_origin(line: BlameLine, message: tuple[str, str, int] | None, sessions: SessionLookup) -> dict:
    """What is known of a commit (and the blamed path in it): kind, trailers, session, chunk,
    and the chunk's calls on that path indexed by the marks of the lines they wrote."""
    if line.commit == NOT_COMMITTED:
        return {"kind": "uncommitted", "commit": None}
    trailers = pairtui_trailers(message[0]) if message else {}
    chunk = _chunk_number(trailers.get("Chunk", ""))
    session = trailers.get("Session")
    base = {"commit": line.commit, "trailers": trailers, "message": message}
    if "Reverts" in trailers:
        return {**base, "kind": "revert", "session": session, "chunk": chunk}
    if session is None or chunk is None:
        found = sessions.chunk_of_commit(line.commit)
        if found is None:
            return {**base, "kind": "person"}
        session, chunk = found
    origin = {**base, "kind": "executor", "session": session, "chunk": chunk}
    state = sessions.state(session)
    if state is None:
        return origin
    chunk_state = next((c for c in state.get("chunks", []) if c.get("number") == chunk), {})
    if chunk_state.get("commit") != line.commit:
        return {**origin, "stale": True}  # the store's calls belong to a later attempt of this chunk
    calls = state.get("extra", {}).get("calls", {}).get(str(chunk), [])
    touching = [c for c in calls if line.path in (c[2] or []) and not c[3]]
    marked = [c for c in touching if c[1] in ("write_file", "edit_file")
              or (str(c[1]).startswith("acp:") and len(c) > 4 and c[4])]  # an ACP agent's write
    by_mark = {mark: int(c[0]) for c in marked if len(c) > 4 for mark in c[4]}  # the last writer wins
    cut = any(len(c[4]) >= MARKS_PER_CALL for c in marked if len(c) > 4)
    only = int(marked[0][0]) if len(marked) == 1 and len(touching) == 1 else None
    return {**origin, "calls": calls, "by_mark": by_mark, "cut": cut, "only": only,
            "unrecorded": len(marked) < len(touching)}


def _line_call(line: BlameLine, commit: dict, sessions: SessionLookup) -> tuple[str, int | None, str]:
    """(kind, call number, how it is known) for one line of a commit."""
    if "calls" not in commit:
        return commit["kind"], None, ""
    number, how = _call_for(line, commit)
    if number is None and how != "blank":
        fragments = sessions.attempt(commit["session"], commit["chunk"])["fragments"]
        number, how = _partial_edit(line, commit["calls"], fragments, how)
    return ("review" if number is None and not how else commit["kind"]), number, how


def _call_for(line: BlameLine, commit: dict) -> tuple[int | None, str]:
    """(call number, how it is known). The last call whose written lines hold this line; else,
    for a line without a mark of its own (blank, or past the marks a call keeps), the one call
    that wrote the file. (None, "") only when every call on the file is known line by line and
    none wrote it; (None, "unsure") when that cannot be told."""
    mark = line_mark(line.text)
    if mark in commit["by_mark"]:
        return commit["by_mark"][mark], "its text is among the lines this call wrote"
    if commit["only"] is not None and (mark is None or commit["cut"]):
        return commit["only"], "the only call that wrote this file"
    if mark is None:
        return None, "blank"
    if commit["cut"] or commit["unrecorded"]:
        return None, "unsure"
    return None, ""


def _partial_edit(line: BlameLine, calls: list, fragments: dict, how: str) -> tuple[int | None, str]:
    """An edit need not write whole lines (`old_string` may be part of one): the last call on
    the file whose first or last written line is part of this line wrote it. Only the transcript
    has the text to tell; without it, a line no call wrote whole stays "unsure", never "review"."""
    text = line.text.strip()
    edits = [c for c in calls if c[1] == "edit_file" and line.path in (c[2] or []) and not c[3]]
    for call in reversed(edits):
        told = fragments.get(int(call[0]))
        if told is None:
            return None, "unsure"
        if any(part and part in text for part in told):
            return int(call[0]), "this call's edit is part of the line"
    return None, how


def _story(path: str, line: BlameLine, commit: dict, call: tuple[str, int | None, str],
           sessions: SessionLookup, detail: bool) -> LineStory:
    """A story for the run of lines starting at `line`: the commit's fields (worked out once
    per commit) plus what is particular to this line's call."""
    kind, number, how = call
    if "base" not in commit:
        commit["base"] = _commit_fields(commit, sessions, detail)
    story = LineStory.__new__(LineStory)
    story.__dict__.update(commit["base"])
    story.path, story.first, story.last, story.kind = path, line.line, line.line, kind
    story.origin_path, story.text = line.path, [line.text]
    story.missing, story.comments = list(story.missing), []
    if how == "blank":
        story.missing.append("which call wrote it: a blank line has no text to match, and "
                             "several calls wrote this file")
    elif how == "unsure":
        story.missing.append("which call wrote it: a call that does not record its lines (a move, "
                             "a command, a very long write) changed this file")
    if "calls" not in commit:
        return story
    if detail:
        _add_transcript(story, commit, number, how, sessions)
    elif number is not None:
        tool = next(c[1] for c in commit["calls"] if int(c[0]) == number)
        story.call = {"number": number, "tool": tool, "how": how}
    return story


def _commit_fields(commit: dict, sessions: SessionLookup, detail: bool) -> dict:
    """Everything a story of this commit shares: author, summary, trailers, session, goal, plan."""
    story = LineStory("", 0, 0, commit["kind"], commit["commit"])
    if commit["commit"] is None:
        return story.__dict__
    message, story.author, story.time = commit.get("message") or ("", "", 0)
    story.summary = message.split("\n", 1)[0]
    story.trailers = commit.get("trailers", {})
    story.session, story.chunk = commit.get("session"), commit.get("chunk")
    if commit["kind"] == "person":
        return story.__dict__
    state = sessions.state(story.session) if story.session else None
    if state is None:
        story.missing.append(STORE_GONE)
        if detail and commit["kind"] != "revert":
            story.plan_section = _body_of(message) or None
        return story.__dict__
    story.goal = state.get("goal")
    if commit.get("stale"):
        story.missing.append("the tool call: the session store holds a later attempt of this chunk")
    if detail and story.chunk is not None and commit["kind"] != "revert":
        story.plan_section = _plan_section(state, story.chunk) or _body_of(message) or None
    return story.__dict__


def _add_transcript(story: LineStory, commit: dict, number: int | None, how: str,
                    sessions: SessionLookup) -> None:
    attempt = sessions.attempt(story.session or "", story.chunk or 0)
    if number is not None:
        record = next(c for c in commit["calls"] if int(c[0]) == number)
        call = {"number": number, "tool": record[1], "how": how, "paths": list(record[2])}
        told = attempt["calls"].get(number)
        if told:
            call.update(told)
        else:
            story.missing.append("the call's arguments and model turn (not in the transcript)")
        story.call = call
    if attempt["verify"]:
        story.verify = attempt["verify"]
    elif attempt["seen"]:
        story.missing.append("the check's output (the chunk had no check)")
    story.comments = [dict(c, led_here=number is not None and c["first_call"] <= number < c["until"])
                      for c in attempt["comments"]]


def _chunk_number(value: str) -> int | None:
    head = value.split(" ", 1)[0]
    number, slash, total = head.partition("/")
    return int(number) if slash and number.isdigit() and total.isdigit() else None


def _body_of(message: str) -> str:
    rest, _ = split_trailers(message)
    return rest.split("\n\n", 1)[1].strip() if "\n\n" in rest else ""


def _plan_section(state: dict, chunk: int) -> str:
    versions = state.get("plan_versions") or []
    if not versions:
        return ""
    from pairtui.core.plan import parse_plan
    from pairtui.errors import PlanError

    try:
        item = parse_plan(versions[-1]).chunk(chunk)
    except (PlanError, KeyError):
        return ""
    head = [f"## Chunk {item.number}: {item.title}"]
    head += [f"Files: {', '.join(item.files)}"] if item.files else []
    head += [f"Verify: {item.verify}"] if item.verify else []
    return "\n".join(head) + ("\n\n" + item.body.strip() if item.body.strip() else "")
