"""Tree-to-tree changes and index entries as values, read and written with -z plumbing so
any path (spaces, newlines, non-UTF-8 bytes) survives."""

from __future__ import annotations

import os
from collections import namedtuple
from collections.abc import Iterable, Sequence

from pairtui.git.plumbing import Git, Running, split_z

NO_MODE = "000000"


class Entry(namedtuple("Entry", "mode sha")):
    """A path's mode and blob in a tree or index (stage 0). (Named tuples here, not dataclasses:
    each dataclass costs every command that takes a checkpoint ~0.5 ms to create.)"""

    __slots__ = ()
    mode: str
    sha: str


class Change(namedtuple("Change", "path old new")):
    __slots__ = ()
    path: str
    old: Entry | None  # None: the path did not exist before
    new: Entry | None  # None: the path is deleted


def tree_changes(git: Git, old: str | None, new: str) -> list[Change]:
    """Every path that differs between two trees or commits (old None: everything in new)."""
    if old is None:
        out = git.run("ls-tree", "-r", "-z", "--full-tree", new)
        changes = []
        for item in out.split(b"\0"):
            if not item:
                continue
            info, path = item.split(b"\t", 1)
            mode, _kind, sha = info.decode().split()
            changes.append(Change(os.fsdecode(path), None, Entry(mode, sha)))
        return changes
    return parse_raw(git.run("diff-tree", "-r", "-z", "--no-renames", "--raw", old, new))


EMPTY_TREE = {40: "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
              64: "6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321"}


def start_tree_changes(git: Git, old: str, new: str) -> Running:
    """`tree_changes` started in the background; finish with `read_tree_changes`."""
    return git.start("diff-tree", "-r", "-z", "--no-renames", "--raw", old, new)


def read_tree_changes(job: Running) -> list[Change]:
    return parse_raw(job.output("git diff-tree"))


def parse_raw(out: bytes) -> list[Change]:
    items = out.split(b"\0")
    changes = []
    for header, path in zip(items[0::2], items[1::2], strict=False):
        if not header.startswith(b":"):
            continue
        old_mode, new_mode, old_sha, new_sha, _status = header[1:].decode().split()
        changes.append(
            Change(
                os.fsdecode(path),
                None if old_mode == NO_MODE else Entry(old_mode, old_sha),
                None if new_mode == NO_MODE else Entry(new_mode, new_sha),
            )
        )
    return changes


def changed_paths(git: Git, old: str | None, new: str) -> set[str]:
    if old is None:
        return set(split_z(git.run("ls-tree", "-r", "-z", "--name-only", "--full-tree", new)))
    return set(split_z(git.run("diff-tree", "-r", "-z", "--no-renames", "--name-only", old, new)))


def index_entries(git: Git, paths: Sequence[str], env: dict[str, str] | None = None) -> dict[str, Entry | None]:
    """Stage-0 entries of the given paths in an index (None: absent or conflicted)."""
    found: dict[str, Entry | None] = dict.fromkeys(paths)
    if not paths:
        return found
    out = git.run("--literal-pathspecs", "ls-files", "-s", "-z", "--", *paths, env=env)
    for item in out.split(b"\0"):
        if not item:
            continue
        info, path = item.split(b"\t", 1)
        mode, sha, stage = info.decode().split()
        name = os.fsdecode(path)
        if name in found and stage == "0":
            found[name] = Entry(mode, sha)
    return found


def index_info(entries: Iterable[tuple[str, Entry | None]]) -> bytes:
    """Input for `update-index -z --index-info`: set each path's entry, or remove it (None).

    A removal line drops every stage of the path, so a conflicted path is cleared too."""
    zero = "0" * 40
    lines = []
    for path, entry in entries:
        name = os.fsencode(path)
        lines.append(f"0 {zero}\t".encode() + name + b"\0")
        if entry is not None:
            lines.append(f"{entry.mode} {entry.sha}\t".encode() + name + b"\0")
    return b"".join(lines)

