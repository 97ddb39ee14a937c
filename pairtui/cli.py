"""Command line: argument parsing and dispatch only.

Each subcommand lives in `pairtui.commands.<name>` as `run(args) -> int` and is imported
only when chosen, so `pairtui --help` and `--version` never import Textual or the SDKs.
A new subcommand is one `Command` row in COMMANDS plus its module.

Global flags (`-C`, `--debug`, and `--planner`/`--executor` where a model is used) are taken
before or after the subcommand. A first word that is neither a command nor a directory is an
unknown command (exit 2, naming the closest one), never a missing repository.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections import namedtuple
from collections.abc import Callable, Sequence

from pairtui import __version__
from pairtui.errors import PairtuiError

Arguments = Callable[[argparse.ArgumentParser], None]


class _ProbeFailed(Exception):
    """A trial parse (see _goal_without_flag) met an error: the real parse reports it."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors in one line and exits 2."""

    probing = False  # a trial parse: errors are raised quietly, never printed

    def error(self, message: str) -> None:  # type: ignore[override]
        if _Parser.probing:
            raise _ProbeFailed(message)
        sys.stderr.write(f"pairtui: {message} (see --help)\n")
        raise SystemExit(2)

    def _get_formatter(self) -> argparse.HelpFormatter:
        # argparse makes a formatter for every add_argument; its own asks shutil for the
        # width, and importing shutil cost every command ~2 ms (as long as `git apply` runs).
        return self.formatter_class(prog=self.prog, width=_columns() - 2)


def _columns() -> int:
    """The terminal's width as shutil.get_terminal_size() gives it: $COLUMNS, else the
    terminal's, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class Command(namedtuple("Command", "name help arguments repo models",
                         defaults=(True, False))):
    """One subcommand: its name, one-line help, its own arguments and the globals it takes.
    (a named tuple, not a dataclass: each dataclass costs every command ~0.5 ms to create)"""

    __slots__ = ()
    name: str
    help: str
    arguments: Arguments
    repo: bool  # -C REPO applies (default True)
    models: bool  # --planner / --executor apply (default False)


def _add_plan_out(p: argparse.ArgumentParser) -> None:
    p.add_argument("--plan-out", metavar="PATH",
                   help="keep the approved plan in this file in the repo (see plans_commit)")


def _open_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", nargs="?", default=None, metavar="REPO",
                   help="the repository to open (default: -C, else the current directory)")
    p.add_argument("--goal", help="start a new session with this goal")
    _add_plan_out(p)


def _demo_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--headless", action="store_true", help="print the story instead of opening the TUI")
    p.add_argument("--dir", metavar="DIR", help="where to put the demo repo (default: a new temp dir)")


def _trust_mcp_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--trust-mcp", action="store_true",
                   help="start the repo's .mcp.json servers for this run only (see `pairtui trust`)")


def _plan_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--goal", required=True, help="what you want done, in plain English")
    _trust_mcp_arg(p)


def _run_args(p: argparse.ArgumentParser) -> None:
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--goal", help="what you want done, in plain English")
    src.add_argument("--plan", metavar="FILE",
                     help="a plan file (markdown), e.g. the path `pairtui plan` printed")
    src.add_argument("--resume", metavar="ID",
                     help="carry an interrupted worktree run on where it stopped (`pairtui runs`)")
    src.add_argument("--run-id", help=argparse.SUPPRESS)  # a background run's own process
    p.add_argument("--worktree", action="store_true",
                   help="work in a new linked worktree on a new branch from HEAD (lands there)")
    p.add_argument("--branch", metavar="NAME",
                   help="the --worktree run's branch (default: pairtui/<goal slug>-<id>)")
    p.add_argument("--background", action="store_true",
                   help="with --worktree or --resume: return at once, the run goes on detached")
    p.add_argument("--push", metavar="REMOTE",
                   help="with --worktree: push the run's branch to REMOTE when it is done")
    p.add_argument("--yes", action="store_true", help="land every verified chunk as a commit")
    p.add_argument("--json", action="store_true", help="print machine-readable events on stdout")
    p.add_argument("--trust-plan-checks", action="store_true",
                   help="run the checks found in another tool's plan (--plan) without confirming each")
    _trust_mcp_arg(p)
    _add_plan_out(p)


def _review_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("source", nargs="?", default=None, metavar="PATCH|REVS",
                   help="PATCH: a patch file; REVS: a rev range like main..agent-branch or one "
                        "commit; nothing: the working tree's changes against HEAD")
    p.add_argument("--accept", metavar="SPEC",
                   help="hunks to apply, numbered as --dry-run lists them: 1,3-5 | all | none")
    p.add_argument("--yes", action="store_true", help="apply without opening the viewer")
    p.add_argument("--reverse", action="store_true", help="un-apply the selected hunks instead")
    p.add_argument("--dry-run", action="store_true", help="list the hunks with numbers and +/- counts")


def _rollback_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("chunk", nargs="?", type=int, default=None, metavar="CHUNK",
                   help="the chunk's number in the plan (default: the chunk in flight, else the "
                        "last one started)")


def _checkpoint_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("-m", "--message", default="", metavar="MSG",
                   help="a note kept with the checkpoint, shown by `pairtui checkpoints`")


def _checkpoints_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--prune", action="store_true", help="delete refs of old sessions")
    p.add_argument("--keep", type=int, default=None, metavar="N",
                   help="sessions to keep when pruning (default 5)")


def _restore_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", metavar="ID",
                   help="a checkpoint id as `pairtui checkpoints` lists it (SESSION/N-STEP)")


def _trust_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--yes", action="store_true", help="trust without asking")
    p.add_argument("--revoke", action="store_true", help="stop trusting the file")


def _why_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("target", metavar="FILE[:LINE[-LINE]]",
                   help="a file, one line of it (FILE:12) or a range (FILE:12-30)")
    p.add_argument("--json", action="store_true", help="print the trace as JSON")
    p.add_argument("-M", "--moves", dest="moves", action="store_true",
                   help="follow lines moved within the file")
    p.add_argument("--copies", dest="copies", action="store_true",
                   help="follow lines copied from other files")


def _runs_args(p: argparse.ArgumentParser) -> None:
    act = p.add_mutually_exclusive_group()
    act.add_argument("--follow", metavar="ID", help="stream a run's output until it ends")
    act.add_argument("--cancel", metavar="ID", help="stop a run (its worktree is kept)")
    act.add_argument("--clean", action="store_true",
                     help="remove finished runs' worktrees and branches whose work has landed")
    p.add_argument("--yes", action="store_true", help="with --clean: also runs not landed")
    p.add_argument("--json", action="store_true", help="print the runs as JSON")


def _mcp_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print the servers and tools as JSON")
    p.add_argument("--no-start", action="store_true", help="list the configuration only")


def _log_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print the sessions and runs as JSON")


COMMANDS: tuple[Command, ...] = (
    Command("open", "open the TUI on REPO and resume its open session (the default)",
            _open_args, models=True),
    Command("demo", "run the whole flow on a demo repo with the replay model (no API key)",
            _demo_args, repo=False),
    Command("plan", "headless: write the plan for a goal and print its path", _plan_args,
            models=True),
    Command("run", "headless: plan if needed, then execute, verify and land each chunk",
            _run_args, models=True),
    Command("review", "review a diff hunk by hunk (patch file, rev range, or working tree)",
            _review_args),
    Command("rollback", "restore the checkpoint taken before CHUNK (default: current)",
            _rollback_args),
    Command("checkpoint", "take a save point now", _checkpoint_args),
    Command("checkpoints", "list checkpoints", _checkpoints_args),
    Command("restore", "restore the working tree to a checkpoint (itself undoable)",
            _restore_args),
    Command("trust", "let the repo's .pairtui.toml and .mcp.json grant power (run commands, "
            "start MCP servers)", _trust_args),
    Command("mcp", "configured MCP servers, where each comes from, and their tools", _mcp_args),
    Command("why", "the story of a line: commit, chunk, tool call, check", _why_args),
    Command("log", "sessions and runs, newest first: goal, chunks, commits, checks, cost",
            _log_args),
    Command("runs", "worktree runs: list, --follow, --cancel, --clean", _runs_args),
)
SUBCOMMANDS = tuple(c.name for c in COMMANDS)
_VALUE_FLAGS = ("-C", "--repo", "--planner", "--executor")  # global flags that take a value


def _global_flags(*, repo: bool, models: bool, top: bool) -> argparse.ArgumentParser:
    """The global flags as a parent parser. Below the top level their default is SUPPRESS, so a
    flag given before the subcommand is not reset by the subcommand's own defaults."""
    p = _Parser(add_help=False)
    default = None if top else argparse.SUPPRESS
    p.add_argument("--debug", action="store_true",
                   default=False if top else argparse.SUPPRESS, help="show tracebacks on errors")
    if repo:
        p.add_argument("-C", "--repo", default="." if top else argparse.SUPPRESS, metavar="REPO",
                       help="repository to work in (default: current directory)")
    if models:
        p.add_argument("--planner", default=default, metavar="PROVIDER:MODEL",
                       help="planner model, e.g. anthropic:claude-opus-4-1 or replay:PATH")
        p.add_argument("--executor", default=default, metavar="PROVIDER:MODEL",
                       help="executor model, e.g. openai:gpt-5-mini, openai-chat:llama3, or an "
                            "ACP agent: acp:claude, acp:codex, acp:gemini")
    return p


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole parser; with `only`, the top level and that one subcommand (what a run of a
    known command needs: building all fourteen took longer than `git apply` runs)."""
    parser = _Parser(
        prog="pairtui",
        description="Terminal pair-programmer: plan -> execute -> verify -> review -> land, "
                    "chunk by chunk. `pairtui [REPO]` opens the TUI.",
        parents=[_global_flags(repo=True, models=True, top=True)],
    )
    parser.add_argument("--version", action="version", version=f"pairtui {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for command in COMMANDS:
        if only is not None and command.name != only:
            continue
        p = sub.add_parser(command.name, help=command.help, description=command.help,
                           parents=[_global_flags(repo=command.repo, models=command.models,
                                                  top=False)])
        command.arguments(p)
    return parser


def _closest(word: str) -> str:
    """The usage line for an unknown first word, naming the nearest command."""
    import difflib  # here: only a mistyped command needs it

    near = difflib.get_close_matches(word, SUBCOMMANDS, n=1, cutoff=0.5)
    if near:
        return f"unknown command '{word}'; did you mean '{near[0]}'?"
    nearest = difflib.get_close_matches(word, SUBCOMMANDS, n=1, cutoff=0.0)[0]
    return (f"unknown command '{word}' (and no such directory); the closest is '{nearest}'; "
            "commands: " + ", ".join(SUBCOMMANDS))


def _looks_like_path(word: str) -> bool:
    return (os.path.isdir(word) or os.sep in word or "/" in word
            or word.startswith((".", "~")))


def _first_word(argv: list[str]) -> int:
    """The index of the first argument after the global flags (len(argv) if none)."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in _VALUE_FLAGS:
            i += 2
        elif arg == "--debug" or arg.startswith(tuple(f"{f}=" for f in _VALUE_FLAGS[1:])) or (
                arg.startswith("-C") and arg != "-C"):
            i += 1
        else:
            break
    return i


def _normalise(argv: list[str]) -> list[str]:
    """`pairtui [REPO] [--goal ...]` means `pairtui open [REPO] [--goal ...]`: after the global
    flags, an option or a path starts an implicit `open`. Any other word must be a command."""
    i = _first_word(argv)
    if i < len(argv):
        word = argv[i]
        if word in SUBCOMMANDS or word in ("-h", "--help", "--version"):
            return argv
        if not word.startswith("-") and not _looks_like_path(word):
            _Parser(prog="pairtui").error(_closest(word))
    return [*argv[:i], "open", *argv[i:]]


def _check_globals(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """A global flag given to a command it does not apply to is refused, never ignored."""
    command = next(c for c in COMMANDS if c.name == args.command)
    if not command.models:
        for flag in ("planner", "executor"):
            if getattr(args, flag, None):
                parser.error(f"--{flag} does not apply to '{command.name}'")
    if not command.repo and getattr(args, "repo", ".") != ".":
        parser.error(f"-C does not apply to '{command.name}'")


def _goal_without_flag(parser: argparse.ArgumentParser, chosen: str | None,
                       words: list[str]) -> None:
    """`pairtui run "add a flag"`: a goal given without --goal is refused with the command
    that works, not with argparse's "one of the arguments ... is required"."""
    if chosen not in ("run", "plan") or any(
            w.split("=", 1)[0] in ("--goal", "--plan", "--resume") for w in words):
        return
    _Parser.probing = True
    try:
        _, extra = parser.parse_known_args([*words, "--goal", "-"])
    except _ProbeFailed:
        return
    finally:
        _Parser.probing = False
    if not extra or any(w.startswith("-") for w in extra):
        return  # a misspelled option (its value lands in `extra` too): argparse's own words
    import shlex

    rest = list(words)  # the command without the goal's words (the last of each, by position)
    for word in reversed(extra):
        del rest[len(rest) - 1 - rest[::-1].index(word)]
    parser.error(f"'{chosen}' takes the goal as --goal TEXT: pairtui "
                 f"{' '.join(shlex.quote(w) for w in rest)} --goal {shlex.quote(' '.join(extra))}")


def main(argv: Sequence[str] | None = None) -> int:
    words = _normalise(list(sys.argv[1:] if argv is None else argv))
    at = _first_word(words)
    chosen = words[at] if at < len(words) and words[at] in SUBCOMMANDS else None
    parser = build_parser(chosen)
    _goal_without_flag(parser, chosen, words)
    args = parser.parse_args(words)
    _check_globals(parser, args)
    module = importlib.import_module(f"pairtui.commands.{args.command}")
    try:
        return int(module.run(args) or 0)
    except PairtuiError as err:
        if args.debug:
            raise
        sys.stderr.write(f"pairtui: {err.message}\n")
        return err.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("pairtui: interrupted; the session can be resumed\n")
        return 130
