"""Checks a plan from another tool names for its steps, and which of them are safe to run.

Found (each a proposal the person confirms before it runs, see `Chunk.verify_source`):
- commands under "Automated Verification" (else "Success Criteria") in a phased plan;
- `Run: `cmd`` followed by `Expected: PASS` (never a Run whose expected result is a failure);
- commands under a "Verification" / "Validation" heading or label (`**Verification:** `cmd``,
  `- Verify: `cmd` passes`, "Step 3 — Verification");
- a plan-level "Validation and Acceptance" section: the default check of steps without their
  own (a plan-level "Verification" list is usually the person's manual walk-through: not taken).
Never taken: prose, paths, code, an HTTP route (`GET /x/{id}`), a lone word from a sentence
(`claude` is on PATH), anything under "Manual". Flagged (kept, never run): commands that do not
end by themselves (servers, watchers, REPLs, `cargo run`, `docker compose up`) and pipelines whose
exit code means the opposite of what the plan says (`… | grep x` that "returns empty").
"""

from __future__ import annotations

import re
import shlex

from pairtui.core.plan_lines import Line, is_fence

_BOLD_LABEL = re.compile(r"^\s*(?:[-*+]\s+)?(?:\*\*|__)(.+?)(?:\*\*|__)\s*:?\s*$")
_PLAIN_LABEL = re.compile(r"^\s*(?:[-*+]\s+)?([A-Za-z][\w /—–-]*?)\s*:\s*$")
_INLINE_LABEL = re.compile(
    r"^\s*(?:[-*+]\s+(?:\[.\]\s+)?)?(?:\*\*|__)?(verif\w*(?: gate| steps?)?|validation|verify)"
    r"(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(.+)$",
    re.IGNORECASE,
)
_AUTOMATED = re.compile(r"automated\s+(?:verification|checks?|tests?)", re.IGNORECASE)
_SUCCESS = re.compile(r"success\s+criteria", re.IGNORECASE)
_VERIFY_SECTION = re.compile(r"\b(?:verification|validation|verify)\b|検証", re.IGNORECASE)
_MANUAL = re.compile(r"manual|by hand|in[- ]game|in the browser|visual", re.IGNORECASE)
_PLAN_LEVEL = re.compile(
    r"^(?:\d+[.)]\s*)?(?:validation(?: and acceptance)?|acceptance)\b", re.IGNORECASE
)
_RUN = re.compile(r"^\s*(?:[-*+]\s+)?(?:\*\*)?Run(?:\*\*)?\s*:\s*(?:\*\*)?\s*(.*)$")
_EXPECTED = re.compile(r"^\s*(?:[-*+]\s+)?(?:\*\*)?Expected(?: output)?(?:\*\*)?\s*:\s*(.*)$", re.I)
_EXPECTS_FAILURE = re.compile(
    r"\bfail|\berror\b|not found|no such|expect no\b|should not exist|missing|red\b", re.IGNORECASE
)
_FAILS = re.compile(r"\bfails?\b|\bred\b", re.IGNORECASE)  # "Run test to verify it fails"
_PROGRAM = re.compile(r"^[A-Za-z0-9_.][\w./+-]*$")
_HTTP_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "CONNECT", "TRACE"}
_BARE_COMMANDS = {"make", "pytest", "tox", "nox", "ruff", "mypy", "pyright", "just", "cargo test"}
_LONG_RUNNING = [
    (re.compile(r"\b(?:cargo|go|deno)\s+run\b"), "runs the program, which may not exit"),
    (re.compile(r"\b(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?(?:start|dev|serve|watch|preview)\S*"),
     "starts a dev server or watcher"),
    (re.compile(r"\bdocker[- ]compose\s+up\b|\bdocker\s+compose\s+up\b"), "starts services"),
    (re.compile(r"\b(?:runserver|http\.server|flask\s+run|uvicorn|gunicorn|rails\s+s(?:erver)?|"
                r"next\s+dev|vite(?:\s|$)|webpack\s+serve|ng\s+serve|rpgjs\s+dev|tinker)\b"),
     "starts a server or REPL"),
    (re.compile(r"(?:^|\s)(?:--watch|-w)\b|\bwatch\s|\btail\s+-f\b|\bnodemon\b"), "watches for changes"),
    (re.compile(r"\bdocker\s+run\b.*\s-\w*[it]"), "runs an interactive container"),
    (re.compile(r"^(?:claude|codex|gemini|aider|cursor)\b"), "launches an agent"),
    (re.compile(r"^(?:python3?|node|irb|iex|psql|sqlite3|mysql|redis-cli|ssh|vim?|nano|less|top|"
                r"htop|open|xdg-open)$"), "opens an interactive program"),
    (re.compile(r"^(?:psql|mysql|ssh|open|xdg-open)\s"), "opens an interactive program"),
]
_EMPTY_MEANS_PASS = re.compile(
    r"return(?:s)? (?:empty|nothing|no )|no (?:output|matches|results|hits)|should be empty|"
    r"is empty|prints? nothing|zero (?:matches|results)|none found",
    re.IGNORECASE,
)

Candidate = tuple[str, str]  # (command, the text around it, for flagging)


def is_command(span: str, prose: bool = True) -> bool:
    """A backticked span that reads as a shell command (not a path, route, code or a lone word)."""
    span = span.strip()
    words = span.split()
    if not words or words[0] in _HTTP_METHODS or not _PROGRAM.match(words[0]):
        return False
    if len(words) == 1 and prose and span not in _BARE_COMMANDS:
        return False
    if re.search(r"[{}]|=>|\(\)|;$", span) and not re.search(r"\$\{|\{\w+,", span):
        return False
    try:
        shlex.split(span)
    except ValueError:
        return False
    return True


def flag(command: str, context: str = "") -> str | None:
    """Why a command must not be run unattended, or None."""
    for pattern, reason in _LONG_RUNNING:
        if pattern.search(command):
            return reason
    if re.search(r"\|\s*(?:grep|rg)\b|^(?:grep|rg)\b", command) and _EMPTY_MEANS_PASS.search(context):
        return "exit code means the opposite: the plan expects no output"
    return None


def _spans(text: str) -> list[str]:
    return [s.strip() for s in re.findall(r"`([^`]+)`", text)]


def _label(text: str, level: int, heading: str) -> str | None:
    if level:
        return heading
    match = _BOLD_LABEL.match(text) or _PLAIN_LABEL.match(text)
    return match.group(1) if match else None


def _section(lines: list[Line], start: int) -> list[Candidate]:
    """Commands under the label or heading at `start`, up to the next label or heading of its
    level (a "Manual" sub-part ends it)."""
    level = lines[start].level
    found: list[Candidate] = []
    for line in lines[start + 1 :]:
        if line.level and (level == 0 or line.level <= level):
            break
        label = None if line.fenced else _label(line.text, line.level, line.heading)
        if label is not None and (_MANUAL.search(label) or level == 0):
            break
        if line.fenced:
            text = line.text.strip().removeprefix("$ ").strip()
            if text and not is_fence(line.text) and not text.startswith("#") and is_command(text, False):
                found.append((text, line.text))
            continue
        found.extend((s, line.text) for s in _spans(line.text) if is_command(s))
    return found


def _sections(lines: list[Line], wanted: re.Pattern[str]) -> list[Candidate]:
    found: list[Candidate] = []
    for index, line in enumerate(lines):
        if line.fenced:
            continue
        label = _label(line.text, line.level, line.heading)
        if label is not None and wanted.search(label) and not _MANUAL.search(label) and not _FAILS.search(label):
            found.extend(_section(lines, index))
    return found


def _run_expected(lines: list[Line]) -> list[Candidate]:
    """`Run: `cmd`` (or a fenced block after `Run:`) whose `Expected:` is a success."""
    found: list[Candidate] = []
    for i, line in enumerate(lines):
        match = None if line.fenced else _RUN.match(line.text)
        if not match:
            continue
        commands = [s for s in _spans(match.group(1)) if is_command(s, False)][:1]  # "(or `x`)"
        j = i + 1
        if not commands and j < len(lines) and lines[j].fenced:
            j += 1
            while j < len(lines) and lines[j].fenced and not is_fence(lines[j].text):
                text = lines[j].text.strip().removeprefix("$ ")
                if text and not text.startswith("#") and is_command(text, False):
                    commands.append(text)
                j += 1
            j += 1
        expected = next((x for x in lines[j : j + 3] if x.text.strip()), None)
        outcome = _EXPECTED.match(expected.text) if expected is not None and not expected.fenced else None
        if not commands or outcome is None:
            continue
        tail = match.group(1).split("`")[-1]
        if _EXPECTS_FAILURE.search(outcome.group(1)) or _EXPECTS_FAILURE.search(tail):
            continue
        found.extend((c, outcome.group(1)) for c in commands)
    return found


def _inline(lines: list[Line]) -> list[Candidate]:
    """`**Verification:** `cmd`` and `- Verify: `cmd` passes` lines: the backticked commands."""
    found: list[Candidate] = []
    for line in lines:
        match = None if line.fenced or line.level else _INLINE_LABEL.match(line.text)
        if match and "`" in match.group(2):
            found.extend((s, line.text) for s in _spans(match.group(2)) if is_command(s))
    return found


def criteria_candidates(lines: list[Line]) -> list[Candidate]:
    """Commands under "Automated Verification" (else "Success Criteria") in one step."""
    for pattern in (_AUTOMATED, _SUCCESS):
        found = _sections(lines, pattern)
        if found:
            return found
    return []


def step_candidates(lines: list[Line]) -> list[Candidate]:
    """Every check a step's own text names, in order, each once."""
    found = criteria_candidates(lines) or _sections(lines, _VERIFY_SECTION)
    found += _run_expected(lines) + _inline(lines)
    seen: set[str] = set()
    unique: list[Candidate] = []
    for command, context in found:
        if command not in seen:
            seen.add(command)
            unique.append((command, context))
    return unique


def plan_level_candidates(outside: list[Line]) -> list[Candidate]:
    """Commands of a plan-level "Validation and Acceptance" / "Verification" section."""
    found: list[Candidate] = []
    for index, line in enumerate(outside):
        if line.level and _PLAN_LEVEL.match(line.heading):
            found.extend(c for c in _section(outside, index) if c not in found)
    return found


def join(commands: list[str]) -> str | None:
    """One check from several: each runs in order; one that changes directory runs in a subshell
    so the next starts where the plan expects."""
    if len(commands) > 1:
        commands = [f"({c})" if re.search(r"(?:^|&&|;)\s*cd\s", c) else c for c in commands]
    return " && ".join(commands) or None


def split_safe(candidates: list[Candidate]) -> tuple[list[str], list[tuple[str, str]]]:
    """(commands safe to propose, (command, reason) for flagged ones)."""
    safe: list[str] = []
    flagged: list[tuple[str, str]] = []
    for command, context in candidates:
        reason = flag(command, context)
        if reason:
            flagged.append((command, reason))
        else:
            safe.append(command)
    return safe, flagged
