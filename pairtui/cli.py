"""Command line: argument parsing and dispatch only.

Each subcommand lives in `pairtui.commands.<name>` as `run(args) -> int` and is imported
only when chosen, so `pairtui --help` and `--version` never import Textual or the SDKs.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from pairtui import __version__
from pairtui.errors import PairtuiError

SUBCOMMANDS = (
    "demo", "plan", "run", "review", "rollback", "checkpoint", "checkpoints", "restore", "open",
    "trust",
    "why", "log",
)


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors in one line and exits 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"pairtui: {message} (see --help)\n")
        raise SystemExit(2)


def _add_models(p: argparse.ArgumentParser) -> None:
    p.add_argument("--planner", metavar="PROVIDER:MODEL",
                   help="planner model, e.g. anthropic:claude-opus-4-1 or replay:PATH")
    p.add_argument("--executor", metavar="PROVIDER:MODEL",
                   help="executor model, e.g. openai:gpt-5-mini or openai-chat:llama3")


def _add_plan_out(p: argparse.ArgumentParser) -> None:
    p.add_argument("--plan-out", metavar="PATH",
                   help="keep the approved plan in this file in the repo (see plans_commit)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="pairtui",
        description="Terminal pair-programmer: plan -> execute -> verify -> review -> land, chunk by chunk.",
    )
    parser.add_argument("--version", action="version", version=f"pairtui {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    parser.add_argument("-C", "--repo", default=".", metavar="REPO",
                        help="repository to work in (default: current directory)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("open", help="open the TUI on REPO and resume its open session (the default)")
    p.add_argument("path", nargs="?", default=None, metavar="REPO")
    p.add_argument("--goal", help="start a new session with this goal")
    _add_plan_out(p)
    _add_models(p)

    p = sub.add_parser("demo", help="run the whole flow on a demo repo with the replay model (no API key)")
    p.add_argument("--headless", action="store_true", help="print the story instead of opening the TUI")
    p.add_argument("--dir", metavar="DIR", help="where to put the demo repo (default: a new temp dir)")

    p = sub.add_parser("plan", help="headless: write the plan for a goal and print its path")
    p.add_argument("--goal", required=True, help="what you want done, in plain English")
    _add_models(p)

    p = sub.add_parser("run", help="headless: plan if needed, then execute, verify and land each chunk")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--goal", help="what you want done, in plain English")
    src.add_argument("--plan", metavar="FILE", help="an existing plan file")
    p.add_argument("--yes", action="store_true", help="land every verified chunk as a commit")
    p.add_argument("--json", action="store_true", help="print machine-readable events on stdout")
    p.add_argument("--trust-plan-checks", action="store_true",
                   help="run the checks found in another tool's plan (--plan) without confirming each")
    _add_plan_out(p)
    _add_models(p)

    p = sub.add_parser("review", help="review a diff hunk by hunk (patch file, rev range, or working tree)")
    p.add_argument("source", nargs="?", default=None, metavar="PATCH|REVS",
                   help="a patch file, a rev range like main..agent-branch, or nothing for the working tree")
    p.add_argument("--accept", metavar="SPEC", help="hunks to apply: 1,3-5 | all | none")
    p.add_argument("--yes", action="store_true", help="apply without opening the viewer")
    p.add_argument("--reverse", action="store_true", help="un-apply the selected hunks instead")
    p.add_argument("--dry-run", action="store_true", help="list the hunks with numbers and +/- counts")

    p = sub.add_parser("rollback", help="restore the checkpoint taken before CHUNK (default: current)")
    p.add_argument("chunk", nargs="?", type=int, default=None, metavar="CHUNK")

    p = sub.add_parser("checkpoint", help="take a save point now")
    p.add_argument("-m", "--message", default="", metavar="MSG")

    p = sub.add_parser("checkpoints", help="list checkpoints")
    p.add_argument("--prune", action="store_true", help="delete refs of old sessions")
    p.add_argument("--keep", type=int, default=None, metavar="N",
                   help="sessions to keep when pruning (default 5)")

    p = sub.add_parser("restore", help="restore the working tree to a checkpoint (itself undoable)")
    p.add_argument("id", metavar="ID")

    p = sub.add_parser("trust", help="let the repo's .pairtui.toml grant power (e.g. run commands unasked)")
    p.add_argument("--yes", action="store_true", help="trust without asking")
    p.add_argument("--revoke", action="store_true", help="stop trusting the file")
    p = sub.add_parser("why", help="the story of a line: commit, chunk, tool call, check")
    p.add_argument("target", metavar="FILE[:LINE[-LINE]]")
    p.add_argument("--json", action="store_true", help="print the trace as JSON")
    p.add_argument("-M", dest="moves", action="store_true", help="follow lines moved within the file")
    p.add_argument("-C", dest="copies", action="store_true", help="follow lines copied from other files")

    p = sub.add_parser("log", help="sessions, newest first: goal, chunks, commits, checks, cost")
    p.add_argument("--json", action="store_true", help="print the sessions as JSON")
    return parser


def _normalise(argv: list[str]) -> list[str]:
    """`pairtui [REPO] [--goal ...]` means `pairtui open [REPO] [--goal ...]`: after the global
    flags, anything that is not a subcommand (or help/version) starts an implicit `open`."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("-C", "--repo"):
            i += 2
        elif arg.startswith("--repo=") or arg == "--debug" or (arg.startswith("-C") and arg != "-C"):
            i += 1
        else:
            break
    if i < len(argv) and (argv[i] in SUBCOMMANDS or argv[i] in ("-h", "--help", "--version")):
        return argv
    return [*argv[:i], "open", *argv[i:]]


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(_normalise(list(sys.argv[1:] if argv is None else argv)))
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
