"""Running git plumbing through GitPython, each call with its own environment.

Every git process pairtui starts goes through `Git.run`: bytes in, bytes out (paths may not
be UTF-8), a per-call environment (a temporary index, a fixed identity), and a failure turned
into a one-line GitError carrying git's own reason.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import git.cmd

from pairtui.errors import GitError


@dataclass(frozen=True)
class GitResult:
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


class Git:
    """git in one work tree; `env` entries are added to the inherited environment per call."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._git = git.cmd.Git(str(self.root))

    def try_run(
        self,
        *args: str,
        env: Mapping[str, str] | None = None,
        input: bytes | None = None,
    ) -> GitResult:
        """Run `git args...`; never raises for a non-zero exit."""
        stdin = None
        if input is not None:
            stdin = tempfile.TemporaryFile()
            stdin.write(input)
            stdin.seek(0)
        try:
            status, out, err = self._git.execute(
                ["git", *args],
                istream=stdin,
                with_extended_output=True,
                with_exceptions=False,
                stdout_as_string=False,
                strip_newline_in_stdout=False,
                env=dict(env) if env else None,
            )
        except git.exc.GitCommandNotFound as exc:
            raise GitError("git is not installed or not on PATH") from exc
        finally:
            if stdin is not None:
                stdin.close()
        if isinstance(err, bytes):
            err = err.decode("utf-8", "replace")
        return GitResult(int(status or 0), out or b"", err or "")

    def start(self, *args: str, env: Mapping[str, str] | None = None) -> Running:
        """Start `git args...` in the background (for reads that can overlap other work)."""
        try:
            handle = self._git.execute(["git", *args], as_process=True,
                                       env=dict(env) if env else None)
        except git.exc.GitCommandNotFound as exc:
            raise GitError("git is not installed or not on PATH") from exc
        return Running(handle, args[0])

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
    """A git process started by `Git.start`; `output()` waits for it."""

    def __init__(self, handle: git.cmd.Git.AutoInterrupt, name: str) -> None:
        self._handle = handle
        self._name = name

    def result(self) -> GitResult:
        proc = self._handle.proc
        out, err = proc.communicate()
        return GitResult(proc.returncode, out or b"", (err or b"").decode("utf-8", "replace"))

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
