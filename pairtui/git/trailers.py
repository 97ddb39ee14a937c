"""Pairtui-* git trailers: how pairtui writes its story into commit messages, and reads it back.

One format for every commit pairtui makes (checkpoints on private refs, landed chunks,
reverts, a kept plan): the message ends with one paragraph of `Pairtui-Key: value` lines, so
`git interpret-trailers --parse` and `git log --format=%(trailers)` read them. Values are kept
on one line (whitespace folded), so a title or command can never break the block. Pure string
functions: no git process, cheap to import (`pairtui why` reads trailers on every call).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

PREFIX = "Pairtui-"
_LINE = re.compile(r"([A-Za-z0-9][A-Za-z0-9-]*)\s*:\s?(.*)")


def fold(value: str) -> str:
    """A value on one line: runs of whitespace (newlines included) become one space."""
    return " ".join(str(value).split())


def format_trailers(items: Iterable[tuple[str, str]]) -> str:
    """`Pairtui-<key>: <value>` lines (keys given without the prefix); empty values are left out."""
    lines = []
    for key, value in items:
        text = fold(value)
        if text:
            lines.append(f"{PREFIX}{key}: {text}")
    return "\n".join(lines)


def compose(subject: str, body: str = "", trailers: Iterable[tuple[str, str]] = ()) -> str:
    """subject, blank line, body, blank line, trailer block; ends with a newline."""
    block = format_trailers(trailers)
    parts = [fold(subject)] + [p for p in (body.strip("\n"), block) if p.strip()]
    return "\n\n".join(parts) + "\n"


def split_trailers(message: str) -> tuple[str, list[tuple[str, str]]]:
    """(message without its trailer block, the block's (key, value) pairs in order).

    The block is the last paragraph when every line in it is `Key: value` (or a continuation
    indented under one), as git reads it; the subject alone is never a trailer block."""
    text = message.rstrip("\n")
    cut = text.rfind("\n\n")
    if cut < 0:
        return text, []
    paragraph = text[cut + 2:].split("\n")
    pairs: list[tuple[str, str]] = []
    for line in paragraph:
        if line[:1] in (" ", "\t") and pairs:
            key, value = pairs[-1]
            pairs[-1] = (key, f"{value} {line.strip()}".strip())
            continue
        match = _LINE.fullmatch(line)
        if match is None:
            return text, []
        pairs.append((match.group(1), match.group(2).strip()))
    return text[:cut].rstrip("\n"), pairs


def pairtui_trailers(message: str) -> dict[str, str]:
    """The message's Pairtui-* trailers keyed without the prefix (the last of a repeated key wins)."""
    _, pairs = split_trailers(message)
    return {key[len(PREFIX):]: value for key, value in pairs if key.startswith(PREFIX)}


def model_value(spec: str) -> str:
    """provider:model as written, except a replay transcript's path, cut to its file name (a
    commit must not carry someone's home directory)."""
    provider, _, rest = spec.partition(":")
    if provider == "replay" and rest:
        return f"replay:{rest.replace(chr(92), '/').rsplit('/', 1)[-1]}"
    return spec
