"""What to tell a person when a step fails: what happened, then what to do about it."""

from __future__ import annotations

from pairtui.errors import (
    ConfigError,
    GitError,
    PairtuiError,
    PatchError,
    PlanError,
    ProviderError,
    RepoStateError,
    StateError,
    VerifyFailedError,
)

_PROVIDER_HINTS = {
    "ProviderAuthError": "Set the key (ANTHROPIC_API_KEY / OPENAI_API_KEY or the config file) and "
                         "run pairtui again: q quits, the session is kept.",
    "ProviderNotFoundError": "Check the model name (--planner / --executor), then restart pairtui.",
    "ProviderRateLimitError": "The provider is rate-limiting you: wait a minute, then press enter to retry.",
    "ProviderOverloadedError": "The provider is overloaded: press enter to retry in a moment.",
    "ProviderConnectionError": "Check the network or base URL, then press enter to retry.",
}


def describe(err: BaseException) -> tuple[str, str]:
    """(title, what to do) for an error raised by a step; never a traceback."""
    if type(err).__name__ == "ReplayUnscriptedError":  # models/replay.py: nothing was changed
        return "Not in the script", "The scripted model only answers what its transcript holds."
    if isinstance(err, ProviderError) and "replay transcript" in str(err):
        return (
            "The scripted model has no more turns",
            "A replayed step was cancelled or repeated. Quit with q and run `pairtui demo` "
            "again for a fresh copy.",
        )
    if isinstance(err, ProviderError):
        hint = _PROVIDER_HINTS.get(type(err).__name__, "Press enter to retry the step.")
        return "Model provider error", hint
    if isinstance(err, RepoStateError):
        return (
            "Repository not ready",
            "Finish or abort the merge/rebase in a shell (e.g. git merge --abort), then press enter.",
        )
    if isinstance(err, PlanError):
        return "The plan does not parse", "Press e to fix it (the error names the line)."
    if isinstance(err, VerifyFailedError):
        return "The check still fails", "Press d to look at the change, v to re-run, u to roll back."
    if isinstance(err, PatchError):
        return "The change could not be applied", "Nothing was changed. Press d to reload the diff."
    if isinstance(err, GitError):
        return "Git refused", "Nothing was changed. Fix what git says, then try again."
    if isinstance(err, ConfigError):
        return "Bad configuration", "Fix the config file named above, then restart pairtui."
    if isinstance(err, StateError):
        return "Not possible now", "Press ? to see which keys apply at this step."
    if isinstance(err, PairtuiError):
        return "pairtui", "Press ? for help."
    return (
        "Unexpected error",
        "The session is saved. Quit with q and run pairtui again to resume; "
        "please report this with `pairtui --debug`.",
    )


def one_line(err: BaseException) -> str:
    """The error's own message, one line, without class names or traces."""
    text = err.message if isinstance(err, PairtuiError) else (str(err) or type(err).__name__)
    return " ".join(text.split())[:400]
