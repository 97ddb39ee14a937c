"""What a session's transcript says about a chunk's last attempt: each tool call by number
(its one-line summary, the round it came in, the model's words in that turn), the check's
output and the hunk comments, with which calls each comment led to.

The executor writes a "round" record before each round (first run, fix round, answer to a
comment) and numbers its tool results; this reads them back, for `pairtui why` on a landed
line and for `t` on a hunk still in review. Plain dicts and JSON only (cheap to import).
"""

from __future__ import annotations

from pairtui.git.trailers import model_value


def read_attempt(records: list[dict], chunk: int) -> dict:
    """Walk the transcript: the chunk's last "execute" round onwards, to its landing."""
    attempt: dict = {"calls": {}, "verify": None, "comments": [], "seen": False, "fragments": {}}
    active, turn_text, model, label, turn = None, {}, "", "", 0
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
            label, turn = round_label(record), 0
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
                "round": label, "turn": at_turn, "model": model, "said": said[:600],
                "result": str(record.get("content", "")).split("\n", 1)[0][:200],
            }
        elif kind == "verify" and record.get("chunk") == chunk and record.get("command"):
            attempt["verify"] = {k: record.get(k) for k in ("command", "passed", "exit_code", "output_tail")}
    return attempt


def round_label(record: dict) -> str:
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
        count = len(str(args.get("content", "")).splitlines())
        return f"write_file {path} ({count} line{'s' if count != 1 else ''})"
    if tool == "edit_file":
        old = len(str(args.get("old_string", "")).splitlines())
        new = len(str(args.get("new_string", "")).splitlines())
        return f"edit_file {path} (replaced {old} line{'s' if old != 1 else ''} with {new})"
    if tool == "move_path":
        return f"move_path {args.get('src', '?')} -> {args.get('dst', '?')}"
    if tool == "run_command":
        return f"run_command {str(args.get('command', ''))[:100]}"
    return f"{tool} {path}".strip()


def hunk_story(chunk: int, title: str, numbers: list[int], attempt: dict) -> str:
    """A hunk under review, told like `pairtui why` tells a landed line (for the TUI's `t`)."""
    lines = [f"Chunk {chunk}: {title}"]
    if not numbers:
        lines.append("not traced to a tool call (a line no call wrote whole, or a command's work)")
    for number in numbers:
        told = attempt["calls"].get(number)
        if told is None:
            lines.append(f"call #{number} (not in the transcript)")
            continue
        lines.append(f"call #{number} {told['summary']} ({told['round']}, turn {told['turn']}, {told['model']})")
        if told["said"]:
            lines.append(f'  the model said: "{" ".join(told["said"].split())[:200]}"')
    verify = attempt["verify"]
    if verify:
        verdict = "passed" if verify.get("passed") else "failed"
        lines.append(f"check: {verify.get('command')} {verdict} (exit {verify.get('exit_code')})")
    for comment in attempt["comments"]:
        led = any(comment["first_call"] <= n < comment["until"] for n in numbers)
        lines.append(f"comment on {comment['path']}: {comment['comment']}" + (" (led to this)" if led else ""))
    return "\n".join(lines)
