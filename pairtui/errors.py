"""One exception hierarchy: each error carries the one line a person sees and the CLI exit code.

Exit codes (DESIGN.md): 0 done; 1 a chunk's verification failed; 2 usage or bad input;
3 model provider error that survived retries; 4 repository state refused.
"""

from __future__ import annotations


class PairtuiError(Exception):
    """Base of every error pairtui reports to a person (never shown as a traceback)."""

    exit_code: int = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(PairtuiError):
    """Bad command-line usage or bad input file."""


class NotAvailableError(PairtuiError):
    """A feature whose engine has not landed yet; says so plainly instead of pretending."""


class ConfigError(PairtuiError):
    """A config file that cannot be read or holds a bad value."""


class PlanError(PairtuiError):
    """A plan that does not parse; the message names the line."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(f"line {line}: {message}" if line is not None else message)
        self.line = line


class StateError(PairtuiError):
    """An invalid session transition, or a session state file that cannot be trusted."""


class PatchError(PairtuiError):
    """A patch that is malformed or no longer applies; the tree is left as it was."""


class UnsafePathError(PatchError):
    """A path escaping the repository, through a symlink, or into .git."""


class GitError(PairtuiError):
    """A git operation failed; message includes git's own one-line reason."""


class RepoStateError(PairtuiError):
    """The repository is in a state pairtui refuses to act on (mid-merge, not a repo, bare)."""

    exit_code = 4


class VerifyFailedError(PairtuiError):
    """A chunk's verification still failed after the allowed fix rounds."""

    exit_code = 1


class ProviderError(PairtuiError):
    """A model provider error that survived retries (or was not worth retrying)."""

    exit_code = 3
