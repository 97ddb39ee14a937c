"""What the planner and executor models are told: system prompts and the task messages.

Kept apart from the loop so the wording can be read and changed in one place. Every function
here is pure: text in, text out.
"""

from __future__ import annotations

from pairtui.core.plan import Chunk

PLAN_FORMAT = """\
# Goal: <the goal in one line>

<optional context paragraphs: what you found, constraints>

## Chunk 1: <imperative title, under 70 characters>
Files: <comma-separated repo-relative paths this chunk touches>
Verify: <one shell command that checks this chunk, e.g. python -m pytest -q tests/test_x.py>

<what to do, in plain English: enough for a fast model that has not read the code>

## Chunk 2: <title>
..."""

PLANNER_SYSTEM = f"""\
You are the planner of pairtui, a pair-programming tool. A person states a goal; you research \
the repository with the read-only tools (read_file, list_files, search) and then write a plan \
that a fast executor model will carry out one chunk at a time, each chunk reviewed by the \
person and landed as its own git commit.

Rules for the plan:
- Small chunks: each one a change a person can review in a minute, that leaves the code working.
- Each chunk names its Files and, when one makes sense, a Verify command that really runs \
(use the repository's own test runner); later chunks add or extend tests.
- Plain English bodies; name functions and files exactly as they are in the code.
- Do not write code in the plan beyond short signatures.

When you have researched enough, reply with the plan only, in exactly this markdown format \
(no code fences around it, nothing before the "# Goal:" line):

{PLAN_FORMAT}
"""

EXECUTOR_SYSTEM = """\
You are the executor of pairtui, a pair-programming tool. You carry out ONE chunk of an \
approved plan in a git repository, using the tools you are given. Paths are relative to the \
repository root.

How to work:
- Read the files you change before you change them. Prefer edit_file with an old_string that \
matches exactly once; use write_file for new files.
- Do only what the chunk says; later chunks are done later. Do not commit: the person reviews \
your change and pairtui commits it.
- A tool error comes back as the tool's result: read it and fix your call instead of repeating it.
- pairtui runs the chunk's Verify command after you finish and gives you its output if it fails;
  you need not run it yourself.
- When the chunk is done, reply with a short summary of what you changed and no tool calls.
"""


def planner_prefix(context: str) -> str:
    """The planner's cached prefix: what pairtui knows about the repo."""
    return f"Repository context:\n\n{context.strip()}" if context.strip() else ""


def planner_task(goal: str) -> str:
    """The first message to the planner: the goal."""
    return f"Goal: {goal.strip()}\n\nResearch the code as needed, then reply with the plan."


def plan_retry(error: str) -> str:
    """Sent once when the planner's reply did not parse as a plan."""
    return (
        f"Your reply could not be read as a plan: {error}\n"
        "Reply again with the complete plan only, in exactly this format:\n\n" + PLAN_FORMAT
    )


def plan_revision(plan_text: str, comment: str, context: str = "") -> str:
    """Ask for a new version of the plan from the person's comment."""
    parts = [
        "Here is the current plan:",
        plan_text.strip(),
        f"The person asks for this change:\n{comment.strip()}",
    ]
    if context.strip():
        parts.append(f"Files the person mentioned:\n\n{context.strip()}")
    parts.append(
        "Research the code again if needed, then reply with the complete revised plan only, "
        "in the same format (keep what the person did not ask to change)."
    )
    return "\n\n".join(parts)


def executor_prefix(plan_text: str, context: str, landed_diff: str) -> str:
    """What stays the same over a chunk's turns (sent as the cached prefix): repo context, the
    plan and what earlier chunks changed."""
    parts = []
    if context.strip():
        parts.append(f"Repository context:\n\n{context.strip()}")
    parts.append(f"The approved plan:\n\n{plan_text.strip()}")
    if landed_diff.strip():
        parts.append(f"Changes already made by earlier chunks (diff):\n\n{landed_diff.rstrip()}")
    return "\n\n".join(parts)


def executor_task(chunk: Chunk) -> str:
    """The first message of a chunk: which chunk to do now."""
    files = ", ".join(chunk.files) if chunk.files else "(not listed)"
    verify = chunk.verify or "(none)"
    return (f"Now do chunk {chunk.number}: {chunk.title}\n"
            f"Files: {files}\nVerify: {verify}\n\n{chunk.body.strip()}")


def fix_round(command: str, output_tail: str, round_no: int, rounds: int) -> str:
    """After a failed check: its output goes back to the executor."""
    return (
        f"The chunk's check failed (fix round {round_no} of {rounds}).\n"
        f"Command: {command}\nLast lines of its output:\n\n{output_tail.rstrip()}\n\n"
        "Fix the code so the check passes. Change only what this chunk needs."
    )


def hunk_comment(path: str, hunk_text: str, comment: str) -> str:
    """The person sent one hunk back with a comment during review."""
    return (
        f"The person reviewed this hunk of your change in {path}:\n\n{hunk_text.rstrip()}\n\n"
        f"Their comment: {comment.strip()}\n\n"
        "Revise the code accordingly (this hunk, or what the comment asks), then summarise."
    )
