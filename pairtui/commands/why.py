"""`pairtui why FILE[:LINE[-LINE]] [--json] [-M] [-C]`: the story of a line.

From `git blame` to the commit, its Pairtui-* trailers and, while the session store has it,
the chunk's plan section, the tool call that wrote the line, the check's output and the review
comments (agent/line_trace.py). Without a line: one row per run of lines with the same origin.
Fast by design: blame starts before anything else is imported, and nothing heavy is imported.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

from pairtui.errors import UsageError
from pairtui.git import blame as git_blame

_SPEC = re.compile(r"(.+):(\d+)(?:-(\d+))?")


def parse_target(target: str, cwd: Path) -> tuple[str, int | None, int | None]:
    """FILE, FILE:LINE or FILE:FIRST-LAST (a file whose own name ends in :N wins if it exists)."""
    match = _SPEC.fullmatch(target)
    if match is None or (cwd / target).exists():
        return target, None, None
    first = int(match.group(2))
    last = int(match.group(3)) if match.group(3) else first
    if first < 1 or last < first:
        raise UsageError(f"bad line range in {target!r}: lines count from 1, FIRST-LAST with FIRST <= LAST")
    return match.group(1), first, last


def run(args: argparse.Namespace) -> int:
    cwd = Path(args.repo)
    path, first, last = parse_target(args.target, cwd)
    blame = git_blame.start_blame(cwd, path, first, last, moves=args.moves, copies=args.copies)
    fast = git_blame.find_repo_fast(cwd)
    repo = git_blame.start_repo(cwd) if fast is None else None
    # A whole file names many commits: read their messages while blame runs. A line names one.
    logged = git_blame.start_messages(cwd, path) if first is None else None
    try:
        from pairtui.agent.line_trace import SessionLookup, trace

        info = fast or git_blame.read_repo(repo, cwd)
        lines = git_blame.read_blame(blame, path)
        shas = list(dict.fromkeys(b.commit for b in lines if b.commit != git_blame.NOT_COMMITTED))
        messages = git_blame.read_messages(cwd, shas, logged)
    finally:
        for proc in (blame, repo, logged):
            if proc is not None and proc.poll() is None:  # stopped by an error: not left behind
                proc.kill()
                proc.communicate()
    stories = trace(path, lines, messages, SessionLookup(info.git_dirs), detail=first is not None)
    if args.json:
        # One line, through json's C encoder (indent and json.dump use the slow Python one).
        sys.stdout.write(json.dumps({"path": path, "lines": [first, last] if first else None,
                                     "stories": [s.to_dict() for s in stories]}) + "\n")
    elif first is None:
        _print_summary(path, stories)
    else:
        for story in stories:
            _print_story(story)
    return 0


def _who(story) -> str:
    chunk = story.trailers.get("Chunk") or (f"{story.chunk}" if story.chunk else "?")
    if story.kind == "uncommitted":
        return "not committed yet (your working tree)"
    if story.kind == "person":
        return "not written by pairtui"
    if story.kind == "revert":
        return f"pairtui revert of {story.trailers.get('Reverts', '?')[:10]} (rollback of chunk {chunk})"
    if story.kind == "review":
        return (f"landed by pairtui with chunk {chunk}, but not written by a tool call "
                "(an edit of yours landed with the chunk)")
    return f"written by pairtui: chunk {chunk}"


def _print_summary(path: str, stories: list) -> None:
    rows = [f"{path}: {sum(s.last - s.first + 1 for s in stories)} lines"]
    for s in stories:
        span = f"{s.first}" if s.first == s.last else f"{s.first}-{s.last}"
        sha = (s.commit or "")[:7] or "-------"
        call = f", call #{s.call['number']} {s.call['tool']}" if s.call else (
            ", call not known" if s.kind == "executor" and s.session else "")
        check = f", check: {s.trailers['Verify']}" if s.trailers.get("Verify") else ""
        rows.append(f"  {span:>11}  {sha}  {_who(s)}{call}{check}")
    sys.stdout.write("\n".join(rows) + "\n")  # one write: a file can have thousands of rows


def _print_story(s) -> None:
    span = f"{s.first}" if s.first == s.last else f"{s.first}-{s.last}"
    print(f"{s.path}:{span}  {_who(s)}")
    for number, text in enumerate(s.text[:12], s.first):
        print(f"  {number:>5} | {text}")
    if len(s.text) > 12:
        print(f"        | ... {len(s.text) - 12} more lines")
    if s.commit:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(s.time)) if s.time else "?"
        renamed = f" (then {s.origin_path})" if s.origin_path and s.origin_path != s.path else ""
        _row("commit", f"{s.commit[:10]} {when} {s.author}: {s.summary}{renamed}")
    if s.kind in ("person", "uncommitted"):
        print()
        return
    _row("session", s.session or "?")
    if s.goal:
        _row("goal", s.goal)
    if s.call:
        c = s.call
        where = ", ".join(x for x in (c.get("round"), f"turn {c['turn']}" if c.get("turn") else "",
                                      c.get("model")) if x)
        _row("call", f"#{c['number']} {c.get('summary') or c['tool']}" + (f" ({where})" if where else ""))
        if c.get("said"):
            _row("", f'the model said: "{" ".join(c["said"].split())[:300]}"')
        _row("", f"matched: {c['how']}")
    if s.verify:
        v = s.verify
        verdict = "passed" if v.get("passed") else "failed"
        _row("check", f"{v.get('command')} {verdict} (exit {v.get('exit_code')})")
        for line in str(v.get("output_tail") or "").strip().splitlines()[-5:]:
            _row("", f"| {line}")
    elif s.trailers.get("Verify"):
        _row("check", s.trailers["Verify"])
    models = [f"{k.lower()} {s.trailers[k]}" for k in ("Executor", "Planner") if s.trailers.get(k)]
    if models:
        _row("models", ", ".join(models))
    if s.trailers.get("Cost"):
        _row("cost", s.trailers["Cost"])
    for comment in s.comments:
        mark = " (led to this line)" if comment.get("led_here") else ""
        _row("comment", f"on {comment['path']}: {comment['comment']}{mark}")
    if s.trailers.get("Plan"):
        _row("plan file", f"{s.trailers['Plan']} (in the repo)")
    if s.plan_section:
        for i, line in enumerate(s.plan_section.splitlines()):
            _row("plan" if i == 0 else "", f"| {line}")
    for gone in s.missing:
        _row("missing", gone)
    print()


def _row(label: str, text: str) -> None:
    print(f"  {label:<9} {text}")
