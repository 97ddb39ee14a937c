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
from dataclasses import dataclass, field
from pathlib import Path

from pairtui.agent.call_trace import MARKS_PER_CALL, line_marks
from pairtui.git.blame import NOT_COMMITTED, BlameLine
from pairtui.git.trailers import model_value, pairtui_trailers, split_trailers

STORE_GONE = ("the session store (pruned, or made in another clone): the tool call, the "
              "check's output and the review comments")


@dataclass
class LineStory:
    """One run of consecutive lines with the same origin (commit and tool call)."""

    path: str
    first: int
    last: int
    kind: str  # executor | review | revert | person | uncommitted
    commit: str | None = None
    origin_path: str = ""  # the path in that commit (blame follows renames)
    author: str = ""
    time: int = 0
    summary: str = ""
    trailers: dict[str, str] = field(default_factory=dict)
    session: str | None = None
    chunk: int | None = None
    goal: str | None = None
    call: dict | None = None
    verify: dict | None = None
    comments: list[dict] = field(default_factory=list)
    plan_section: str | None = None
    missing: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items()}


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
                if isinstance(data, dict):
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
            self._attempts[key] = _read_attempt(self._transcript(session_id), chunk)
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


def trace(path: str, blamed: list[BlameLine], messages: dict[str, tuple[str, str, int]],
          sessions: SessionLookup, detail: bool) -> list[LineStory]:
    """Group the blamed lines by origin; `detail` adds the transcript's account (one read per
    session) and the plan section, which a whole-file summary does without."""
    stories: list[LineStory] = []
    for line in blamed:
        origin = _origin(line, messages.get(line.commit), sessions)
        origin["message"] = messages.get(line.commit)
        same = stories[-1] if stories else None
        if (same is not None and same.commit == origin["commit"] and same.last == line.line - 1
                and same.kind == origin["kind"] and (same.call or {}).get("number") == origin.get("call_no")):
            same.last = line.line
            same.text.append(line.text)
            continue
        stories.append(_story(path, line, origin, sessions, detail))
    return stories


def _origin(line: BlameLine, message: tuple[str, str, int] | None, sessions: SessionLookup) -> dict:
    """Who wrote one line: kind, commit, session/chunk and the call's number when known."""
    if line.commit == NOT_COMMITTED:
        return {"kind": "uncommitted", "commit": None}
    trailers = pairtui_trailers(message[0]) if message else {}
    chunk = _chunk_number(trailers.get("Chunk", ""))
    session = trailers.get("Session")
    if "Reverts" in trailers:
        return {"kind": "revert", "commit": line.commit, "trailers": trailers, "session": session, "chunk": chunk}
    if session is None or chunk is None:
        found = sessions.chunk_of_commit(line.commit)
        if found is None:
            return {"kind": "person", "commit": line.commit, "trailers": trailers}
        session, chunk = found
    origin = {"kind": "executor", "commit": line.commit, "trailers": trailers, "session": session, "chunk": chunk}
    state = sessions.state(session)
    if state is None:
        return origin
    chunk_state = next((c for c in state.get("chunks", []) if c.get("number") == chunk), {})
    if chunk_state.get("commit") != line.commit:
        origin["stale"] = True  # the store's calls belong to a later attempt of this chunk
        return origin
    calls = state.get("extra", {}).get("calls", {}).get(str(chunk), [])
    number, how = _call_for(line, calls)
    if number is None and how != "blank":
        number, how = _partial_edit(line, calls, sessions.attempt(session, chunk)["fragments"], how)
    if number is None and not how:
        origin["kind"] = "review"
    origin.update(call_no=number, how=how, calls=calls)
    return origin


def _call_for(line: BlameLine, calls: list) -> tuple[int | None, str]:
    """(call number, how it is known). The last call whose written lines hold this line; else,
    for a line without a mark of its own (blank, or past the marks a call keeps), the one call
    that wrote the file. (None, "") only when every call on the file is known line by line and
    none wrote it; (None, "unsure") when that cannot be told."""
    marks = line_marks(line.text)
    if marks:
        writers = [c for c in calls if len(c) > 4 and marks[0] in c[4] and not c[3]
                   and line.path in (c[2] or [])]
        if writers:
            return int(writers[-1][0]), "its text is among the lines this call wrote"
    touching = [c for c in calls if line.path in (c[2] or []) and not c[3]]
    marked = [c for c in touching if c[1] in ("write_file", "edit_file")]
    cut = any(len(c[4]) >= MARKS_PER_CALL for c in marked if len(c) > 4)
    if len(marked) == 1 and len(touching) == 1 and (not marks or cut):
        return int(marked[0][0]), "the only call that wrote this file"
    if not marks:
        return None, "blank"
    if cut or len(marked) < len(touching):
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


def _story(path: str, line: BlameLine, origin: dict, sessions: SessionLookup, detail: bool) -> LineStory:
    message, author, when = ("", "", 0)
    story = LineStory(path, line.line, line.line, origin["kind"], origin["commit"], line.path,
                      text=[line.text])
    if origin["commit"] is None:
        return story
    found = origin.get("message")
    if found:
        message, author, when = found
    story.author, story.time = author, when
    story.summary = message.split("\n", 1)[0]
    story.trailers = origin.get("trailers", {})
    story.session, story.chunk = origin.get("session"), origin.get("chunk")
    if story.kind == "person":
        return story
    state = sessions.state(story.session) if story.session else None
    if state is None:
        story.missing.append(STORE_GONE)
        if detail and story.kind != "revert":
            story.plan_section = _body_of(message) or None
        return story
    story.goal = state.get("goal")
    if origin.get("stale"):
        story.missing.append("the tool call: the session store holds a later attempt of this chunk")
    elif origin.get("how") == "blank":
        story.missing.append("which call wrote it: a blank line has no text to match, and "
                             "several calls wrote this file")
    elif origin.get("how") == "unsure":
        story.missing.append("which call wrote it: a call that does not record its lines (a move, "
                             "a command, a very long write) changed this file")
    if detail and story.chunk is not None and story.kind != "revert":
        story.plan_section = _plan_section(state, story.chunk) or _body_of(message) or None
        _add_transcript(story, origin, sessions)
    elif origin.get("call_no") is not None:
        call = next(c for c in origin["calls"] if int(c[0]) == origin["call_no"])
        story.call = {"number": origin["call_no"], "tool": call[1], "how": origin["how"]}
    return story


def _add_transcript(story: LineStory, origin: dict, sessions: SessionLookup) -> None:
    attempt = sessions.attempt(story.session or "", story.chunk or 0)
    number = origin.get("call_no")
    if number is not None:
        record = next(c for c in origin["calls"] if int(c[0]) == number)
        call = {"number": number, "tool": record[1], "how": origin["how"], "paths": list(record[2])}
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


def _read_attempt(records: list[dict], chunk: int) -> dict:
    """Walk the transcript: the chunk's last "execute" round onwards, to its landing."""
    attempt: dict = {"calls": {}, "verify": None, "comments": [], "seen": False, "fragments": {}}
    active, turn_text, model, round_label, turn = None, {}, "", "", 0
    for record in records:
        kind = record.get("kind")
        if kind == "round":
            active = record.get("chunk")
            if active != chunk:
                continue
            if record.get("round") == "execute":
                attempt = {"calls": {}, "verify": None, "comments": [], "seen": True, "fragments": {}}
            for comment in attempt["comments"]:
                comment["until"] = min(comment["until"], int(record.get("first_call", 0)))
            round_label, turn = _round_label(record), 0
            if record.get("round") == "comment":
                attempt["comments"].append({"path": record.get("path", ""), "comment": record.get("comment", ""),
                                            "first_call": int(record.get("first_call", 0)), "until": 10**9})
        elif active != chunk:
            continue
        elif kind == "assistant":
            turn += 1
            model = model_value(str(record.get("model", "")))
            turn_text = {c.get("id"): (c.get("arguments") or {}, str(record.get("text", "")).strip(), turn)
                         for c in record.get("tool_calls", []) if isinstance(c, dict)}
        elif kind == "tool_result" and isinstance(record.get("call"), int):
            args, said, at_turn = turn_text.get(record.get("id"), ({}, "", turn))
            args = args if isinstance(args, dict) else {}
            written = str(args.get("new_string", args.get("content", ""))).strip("\n").split("\n")
            attempt["fragments"][record["call"]] = (written[0].strip(), written[-1].strip())
            attempt["calls"][record["call"]] = {
                "summary": summarize(str(record.get("name", "")), args),
                "round": round_label, "turn": at_turn, "model": model, "said": said[:600],
                "result": str(record.get("content", "")).split("\n", 1)[0][:200],
            }
        elif kind == "verify" and record.get("chunk") == chunk and record.get("command"):
            attempt["verify"] = {k: record.get(k) for k in ("command", "passed", "exit_code", "output_tail")}
    return attempt


def _round_label(record: dict) -> str:
    if record.get("round") == "fix":
        return (f"fix round {record.get('fix_round')} of {record.get('fix_rounds')} "
                f"(after `{record.get('command', '')}` failed)")
    if record.get("round") == "comment":
        return f"revision after your comment on {record.get('path', '?')}"
    return "first run"


def summarize(tool: str, args: dict) -> str:
    """A tool call in one line, e.g. `write_file shop/pricing.py (68 lines)`."""
    path = str(args.get("path", ""))
    if tool == "write_file":
        return f"write_file {path} ({len(str(args.get('content', '')).splitlines())} lines)"
    if tool == "edit_file":
        old = len(str(args.get("old_string", "")).splitlines())
        new = len(str(args.get("new_string", "")).splitlines())
        return f"edit_file {path} (replaced {old} line{'s' if old != 1 else ''} with {new})"
    if tool == "move_path":
        return f"move_path {args.get('src', '?')} -> {args.get('dst', '?')}"
    if tool == "run_command":
        return f"run_command {str(args.get('command', ''))[:100]}"
    return f"{tool} {path}".strip()


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
