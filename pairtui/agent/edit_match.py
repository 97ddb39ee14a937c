"""Exact-once string replacement for `edit_file`, with helpful failures.

When old_string matches zero or several times, the error says where: the nearest candidate
lines (difflib similarity) or every matching line number, so the model can fix its call
instead of guessing.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from pairtui.errors import PairtuiError

_MAX_CANDIDATE_LINES = 20000
_MAX_SHOWN_MATCHES = 10


class EditMismatchError(PairtuiError):
    """old_string did not match exactly once; the message shows where to look."""


def replace_once(text: str, old: str, new: str, newline: str, display: str) -> str:
    """`text` with the single occurrence of `old` replaced by `new`.

    In a CRLF file, LF-only old/new strings (what models write) are matched and written
    with CRLF, so the file keeps its line endings.
    """
    if not old:
        raise EditMismatchError(
            f"old_string is empty; to create or overwrite {display} use write_file"
        )
    if old == new:
        raise EditMismatchError("old_string and new_string are identical; nothing to change")
    if newline == "\r\n" and "\r" not in old + new:
        crlf_old = old.replace("\n", "\r\n")
        if text.count(crlf_old) or not text.count(old):
            old, new = crlf_old, new.replace("\n", "\r\n")
    count = text.count(old)
    if count == 1:
        return text.replace(old, new, 1)
    if count == 0:
        raise EditMismatchError(_not_found_message(text, old, display))
    raise EditMismatchError(_ambiguous_message(text, old, count, display))


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _ambiguous_message(text: str, old: str, count: int, display: str) -> str:
    lines = text.splitlines()
    starts: list[int] = []
    pos = text.find(old)
    while pos != -1 and len(starts) < _MAX_SHOWN_MATCHES:
        starts.append(_line_of(text, pos))
        pos = text.find(old, pos + 1)
    shown = "\n".join(f"{n:>6} | {lines[n - 1].rstrip()}" for n in starts if n <= len(lines))
    more = f"\n(and {count - len(starts)} more)" if count > len(starts) else ""
    return (
        f"old_string matches {count} places in {display}; it must match exactly once. "
        f"Matches start at:\n{shown}{more}\n"
        "Include more surrounding lines in old_string to pick one."
    )


def _vote_starts(lines: list[str], wanted_lines: list[str]) -> dict[int, float]:
    """Likely window starts: each line of old_string found (exactly, else roughly) in the
    file votes for the window that would put it at its place. Linear in the file size."""
    where: dict[str, list[int]] = {}
    for index, line in enumerate(lines):
        if line.strip():
            where.setdefault(line.strip(), []).append(index)
    votes: dict[int, float] = {}
    for offset, line in enumerate(wanted_lines):
        for index in where.get(line.strip(), ())[:50]:
            votes[index - offset] = votes.get(index - offset, 0) + 1
    if votes:
        return votes
    matcher = SequenceMatcher(autojunk=False)
    probes = [(o, line.strip()) for o, line in enumerate(wanted_lines) if line.strip()][:3]
    for offset, probe in probes:
        matcher.set_seq2(probe)
        for key, indexes in where.items():
            matcher.set_seq1(key)
            if matcher.real_quick_ratio() >= 0.6 and matcher.quick_ratio() >= 0.6:
                score = matcher.ratio()
                if score >= 0.6:
                    for index in indexes[:50]:
                        votes[index - offset] = votes.get(index - offset, 0) + score
    return votes


def nearest_candidates(text: str, old: str, limit: int = 2) -> list[tuple[int, int, float]]:
    """(first line, last line, similarity) of the windows of `text` most like `old`, best first."""
    lines = [line.rstrip("\r") for line in text.split("\n")]
    wanted_lines = [line.rstrip("\r") for line in old.strip("\n").split("\n")]
    if len(lines) > _MAX_CANDIDATE_LINES or not any(line.strip() for line in wanted_lines):
        return []
    size = len(wanted_lines)
    wanted = "\n".join(wanted_lines)
    votes = _vote_starts(lines, wanted_lines)
    starts = sorted(votes, key=lambda start: (-votes[start], start))[:25]
    matcher = SequenceMatcher(autojunk=False)
    matcher.set_seq2(wanted)
    rough: list[tuple[float, int]] = []
    for start in {min(max(0, s), max(0, len(lines) - size)) for s in starts}:
        matcher.set_seq1("\n".join(lines[start:start + size]))
        rough.append((matcher.quick_ratio(), start))
    rough.sort(key=lambda item: (-item[0], item[1]))
    scored: list[tuple[float, int]] = []
    for _, start in rough[:4]:  # ratio() is quadratic: only for the most promising windows
        matcher.set_seq1("\n".join(lines[start:start + size]))
        scored.append((matcher.ratio(), start))
    scored.sort(key=lambda item: (-item[0], item[1]))
    picked: list[tuple[int, int, float]] = []
    for ratio, start in scored:
        if ratio < 0.4 or len(picked) >= limit:
            break
        if any(abs(start + 1 - first) < size for first, _, _ in picked):
            continue
        picked.append((start + 1, min(start + size, len(lines)), ratio))
    return picked


def _not_found_message(text: str, old: str, display: str) -> str:
    lines = [line.rstrip("\r") for line in text.split("\n")]
    parts = [f"old_string was not found in {display}."]
    squashed = " ".join(old.split())
    if squashed and squashed in " ".join(text.split()):
        parts.append("It does appear with different whitespace or indentation.")
    candidates = nearest_candidates(text, old)
    if candidates:
        for first, last, ratio in candidates:
            parts.append(f"Nearest text, lines {first}-{last} ({ratio:.0%} similar):")
            parts.extend(f"{n:>6} | {lines[n - 1]}" for n in range(first, last + 1))
    else:
        parts.append("Nothing in the file looks similar.")
    parts.append("Copy the exact current text (read_file shows it) and call edit_file again.")
    return "\n".join(parts)
