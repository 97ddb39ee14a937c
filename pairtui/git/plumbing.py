"""Running git plumbing as plain subprocesses, each call with its own environment.

Every git process pairtui starts goes through `Git.run`: bytes in, bytes out (paths may not
be UTF-8), a per-call environment (a temporary index, a fixed identity), and a failure turned
into a one-line GitError carrying git's own reason.

Plain processes, not GitPython: importing GitPython alone cost ~60 ms of every command
(`python -X importtime`), more than the git calls of a checkpoint; it added nothing here. Nor
`subprocess` (~4 ms to import): see spawn.py. git runs as `git -C <root> ...`, which is what a
working directory would do.
"""

from __future__ import annotations

import os
from collections import namedtuple
from collections.abc import Iterable, Mapping
from pathlib import Path

from pairtui.errors import GitError
from pairtui.git.spawn import Child


class GitResult(namedtuple("GitResult", "status stdout stderr")):
    """A finished git process (a named tuple, not a dataclass: each dataclass costs every command ~0.5 ms to create)."""

    __slots__ = ()
    status: int
    stdout: bytes
    stderr: str

    @property
    def ok(self) -> bool:
        return self.status == 0


def first_line(stderr: str) -> str:
    """git's one-line reason: the first fatal/error line, without the prefix."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        for prefix in ("fatal: ", "error: "):
            if line.startswith(prefix):
                return line[len(prefix):]
    return lines[0] if lines else "no output"


_C_LOCALE = {"LANGUAGE": "C", "LC_ALL": "C"}


class Git:
    """git in one work tree; `env` entries are added to the inherited environment per call."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _env(self, env: Mapping[str, str] | None) -> dict[str, str]:
        """The inherited environment, git's messages in English (first_line reads them), and
        this call's own entries."""
        full = dict(os.environ)
        full.update(_C_LOCALE)
        if env:
            full.update(env)
        return full

    def try_run(
        self,
        *args: str,
        env: Mapping[str, str] | None = None,
        input: bytes | None = None,
    ) -> GitResult:
        """Run `git args...`; never raises for a non-zero exit."""
        return self.start(*args, env=env, input=input).result()

    def start(self, *args: str, env: Mapping[str, str] | None = None,
              input: bytes | None = None) -> Running:
        """Start `git args...` (in the background, for reads that can overlap other work)."""
        try:
            child = Child(["git", "-C", os.fspath(self.root), *args], self._env(env), input)
        except FileNotFoundError as exc:
            raise GitError("git is not installed or not on PATH") from exc
        return Running(child, args[0])

    def run(
        self,
        *args: str,
        env: Mapping[str, str] | None = None,
        input: bytes | None = None,
        what: str | None = None,
    ) -> bytes:
        """Run `git args...` and return stdout; GitError("<what>: <git's reason>") on failure."""
        result = self.try_run(*args, env=env, input=input)
        if not result.ok:
            raise GitError(f"{what or 'git ' + args[0]} failed: {first_line(result.stderr)}")
        return result.stdout

    def line(self, *args: str, env: Mapping[str, str] | None = None, what: str | None = None) -> str:
        """Run and return stdout's first line as text (for shas, ref names, yes/no answers)."""
        return self.run(*args, env=env, what=what).decode("utf-8", "surrogateescape").strip()


class Running:
    """A git process started by `Git.start`; `result()` waits for it (once)."""

    def __init__(self, child: Child, name: str) -> None:
        self._child = child
        self._name = name
        self._result: GitResult | None = None

    def result(self) -> GitResult:
        if self._result is None:
            status, out, err = self._child.wait()
            self._result = GitResult(status, out, err.decode("utf-8", "replace"))
        return self._result

    def output(self, what: str | None = None) -> bytes:
        result = self.result()
        if not result.ok:
            raise GitError(f"{what or 'git ' + self._name} failed: {first_line(result.stderr)}")
        return result.stdout


def split_z(data: bytes) -> list[str]:
    """NUL-separated git output as file-system strings (non-UTF-8 names survive)."""
    return [os.fsdecode(item) for item in data.split(b"\0") if item]


def join_z(items: Iterable[bytes]) -> bytes:
    return b"".join(item + b"\0" for item in items)
