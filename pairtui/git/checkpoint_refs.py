"""How a checkpoint is written down in git: its ref name and its commit message.

Everything `Checkpoints.list()` shows (step, chunk, message, time) is in the snapshot
commit's message as trailer lines, so listing reads refs and nothing else; the number of
files changed is the commit's own diff against its parent (HEAD when it was taken), counted
when listed, so taking a snapshot never waits for it:

    pairtui checkpoint s1/3-executed (chunk 2)

    <the message, if any>

    Pairtui-Session: s1
    Pairtui-Number: 3
    Pairtui-Step: executed
    Pairtui-Chunk: 2
    Pairtui-Time: 1764081723.512
"""

from __future__ import annotations

import re
from collections import namedtuple
from pathlib import Path

from pairtui.errors import UsageError
from pairtui.git.trailers import PREFIX, compose, split_trailers

REF_ROOT = "refs/pairtui/"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_LEAF = re.compile(r"(\d+)-(.+)")
_KEYS = ("Session", "Number", "Step", "Chunk", "Time")


def check_name(kind: str, name: str) -> str:
    """Session and step names become ref path components: keep them plain."""
    if not _NAME.fullmatch(name) or name.endswith(".lock") or ".." in name:
        raise UsageError(f"bad {kind} name {name!r}: use letters, digits, '.', '_' and '-'")
    return name


def ref_root(git_dir: Path) -> str:
    """Where this worktree's checkpoints live. Linked worktrees share the repo's refs, and
    each has its own sessions (s1, s2, ... in its own git dir), so a linked worktree's
    checkpoints go under `refs/pairtui/wt-<name>/`: a run in its own worktree never takes
    or lists the main worktree's session refs, nor they its."""
    if (git_dir / "commondir").is_file():  # a linked worktree's git dir: .git/worktrees/<name>
        return f"{REF_ROOT}wt-{git_dir.name}/"
    return REF_ROOT


def ref_name(session: str, n: int, step: str, root: str = REF_ROOT) -> str:
    return f"{root}{session}/{n}-{step}"


def short_id(session: str, n: int, step: str) -> str:
    return f"{session}/{n}-{step}"


class RefParts(namedtuple("RefParts", "session n step")):
    """A checkpoint ref's name, parsed (a named tuple, not a dataclass: each dataclass costs every command ~0.5 ms to create)."""

    __slots__ = ()
    session: str
    n: int
    step: str


def parse_ref(ref: str, root: str = REF_ROOT) -> RefParts | None:
    """<root><session>/<n>-<step> -> parts; None for anything else (another worktree's refs
    under refs/pairtui/wt-<name>/ among them, having one more level)."""
    if not ref.startswith(root):
        return None
    rest = ref[len(root):].split("/")
    if len(rest) != 2:
        return None
    match = _LEAF.fullmatch(rest[1])
    if not match:
        return None
    return RefParts(session=rest[0], n=int(match.group(1)), step=match.group(2))


class Metadata(namedtuple("Metadata", "session n step chunk message time")):
    """What a checkpoint commit's message records (a named tuple, not a dataclass: each dataclass costs every command ~0.5 ms to create)."""

    __slots__ = ()
    session: str
    n: int
    step: str
    chunk: int | None
    message: str
    time: float


def format_message(meta: Metadata) -> bytes:
    subject = f"pairtui checkpoint {short_id(meta.session, meta.n, meta.step)}"
    if meta.chunk is not None:
        subject += f" (chunk {meta.chunk})"
    values = (
        meta.session,
        str(meta.n),
        meta.step,
        "-" if meta.chunk is None else str(meta.chunk),
        repr(meta.time),
    )
    message = compose(subject, meta.message, zip(_KEYS, values, strict=True))
    return message.encode("utf-8", "surrogateescape")


def parse_message(text: str, fallback: RefParts) -> Metadata:
    """The trailers (git's trailer block, see git/trailers.py); a hand-made commit falls back
    to its ref name."""
    rest, pairs = split_trailers(text)
    found = {k[len(PREFIX):]: v for k, v in pairs if k.startswith(PREFIX)}
    if any(key not in found for key in _KEYS):
        return Metadata(fallback.session, fallback.n, fallback.step, None, text.strip(), 0.0)
    body = rest.split("\n\n", 1)[1].strip("\n") if "\n\n" in rest else ""
    try:
        return Metadata(
            session=found["Session"],
            n=int(found["Number"]),
            step=found["Step"],
            chunk=None if found["Chunk"] == "-" else int(found["Chunk"]),
            message=body,
            time=float(found["Time"]),
        )
    except ValueError:
        return Metadata(fallback.session, fallback.n, fallback.step, None, text.strip(), 0.0)
