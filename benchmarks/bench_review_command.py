"""`pairtui review PATCH --accept SPEC --yes` as a whole command, against `git apply` of the same
filtered patch as a whole command, on the real-history corpus (tests/support_history.py).

Targets (issue 13): median ratio over the corpus <= 5x, and <= 3x on the largest patch. For each
release and one-file change, -U3 and --binary -M patches with a random hunk subset (fixed seed)
are applied by both commands in a scratch worktree reset between runs (not timed); checkpoint
refs are dropped between runs so every run pays for one fresh checkpoint. A binary change printed
without data (short ids) goes to git as `--binary --full-index` prints it (pairtui is to take it
from the object store). Cases either command refuses are left out and counted. The largest
patch is applied whole (`all`).

pairtui is measured twice, interleaved with git in the same run: "installed" is the `pairtui`
script of a non-editable `pip install .` in a cached venv (benchmarks/installed.py), which is
what a user runs; "editable" is this worktree's .venv (`pip install -e .`), whose import finder
costs every start ~10-20 ms more (its bytecode is cached, outside the repo). The ratios against
the targets are the installed ones; the editable ones are printed beside them so nobody mistakes
one for the other. The last lines give the floor any Python command pays here: the interpreter
started with nothing (`python -S -c pass`) and with its site (`python -c pass`), against the
same `git apply` median.

    .venv/bin/python benchmarks/bench_review_command.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.installed import editable_env, installed_python  # noqa: E402
from tests.support_history import (  # noqa: E402
    Change,
    FileText,
    build_corpus,
    filter_patch,
    full_binaries,
    make_patch,
    short_binary_ids,
    split_patch,
)

FLAVOURS = ("U3", "binary-M")


def _editable(env: dict[str, str]) -> dict[str, str]:
    """`env` with the editable install's bytecode cached (see benchmarks/installed.py)."""
    out = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    out["PYTHONPYCACHEPREFIX"] = editable_env()["PYTHONPYCACHEPREFIX"]
    return out


def _env(home: Path) -> dict[str, str]:
    return dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home / "config"),
                XDG_STATE_HOME=str(home / "state"), XDG_DATA_HOME=str(home / "data"),
                XDG_CACHE_HOME=str(home / "cache"), GIT_CONFIG_NOSYSTEM="1",
                GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@example.com",
                GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@example.com")


def _git(cwd: Path, *args: str, stdin: bytes | None = None) -> bytes:
    return subprocess.run(["git", *args], cwd=cwd, input=stdin, check=True,
                          capture_output=True).stdout


def _reset(wt: Path, commit: str) -> None:
    _git(wt, "checkout", "-q", "-f", "--detach", commit)
    _git(wt, "clean", "-qfdx")
    refs = _git(wt, "for-each-ref", "--format=delete %(refname)", "refs/pairtui")
    if refs:
        _git(wt, "update-ref", "--stdin", stdin=refs)


def _timed(args: list[str], cwd: Path, env: dict[str, str], stdin: bytes | None = None
           ) -> float | None:
    start = time.perf_counter()
    out = subprocess.run(args, cwd=cwd, env=env, input=stdin, capture_output=True)
    took = time.perf_counter() - start
    return took if out.returncode == 0 else None


def _spec(numbers: set[int]) -> str:
    return ",".join(str(n) for n in sorted(numbers))


def measure(wt: Path, tmp: Path, env: dict[str, str], c: Change, data: bytes,
            texts: list[FileText], chosen: set[int], runs: int
            ) -> tuple[float, float, float] | None:
    """(median seconds of the installed review command, of the editable one, of git apply),
    or None if either refuses."""
    whole, filtered = tmp / "whole.patch", tmp / "filtered.patch"
    whole.write_bytes(data)
    if any(short_binary_ids(f) for f in texts):  # git needs them with data (issue 13 item 3)
        full = full_binaries(wt, c)
        texts = [full.get(f.header[0], f) if short_binary_ids(f) else f for f in texts]
    filtered.write_bytes(filter_patch(texts, chosen))
    review = ["review", str(whole), "--accept", _spec(chosen), "--yes"]
    commands = (
        ([str(installed_python().parent / "pairtui"), *review], env),
        ([str(Path(sys.executable).parent / "pairtui"), *review], _editable(env)),
        (["git", "apply", str(filtered)], env),
    )
    times: list[list[float]] = [[], [], []]
    for _ in range(runs):
        for (args, cmd_env), samples in zip(commands, times, strict=True):
            _reset(wt, c.old)
            took = _timed(args, wt, cmd_env)
            if took is None:
                return None
            samples.append(took)
    return statistics.median(times[0]), statistics.median(times[1]), statistics.median(times[2])


def row(name: str, value: float, editable: float, reference: float) -> None:
    print(f"{name:<52} {value * 1000:8.1f} ms {reference * 1000:8.1f} ms "
          f"{value / reference:6.2f}x   (editable {editable * 1000:.1f} ms, "
          f"{editable / reference:.2f}x)")


def floor(wt: Path, env: dict[str, str], reference: float, runs: int) -> None:
    """What any Python command costs here before it does anything, against git apply."""
    python = str(installed_python())
    for label, args in (("floor: python -S -c pass (no site)", [python, "-S", "-c", "pass"]),
                        ("floor: python -c pass (installed venv)", [python, "-c", "pass"]),
                        ("floor: python -c 'import pairtui.cli'",
                         [python, "-c", "import pairtui.cli"])):
        took = statistics.median(_timed(args, wt, env) or 0.0 for _ in range(max(runs, 9)))
        print(f"{label:<52} {took * 1000:8.1f} ms {reference * 1000:8.1f} ms "
              f"{took / reference:6.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"# installed: {installed_python()}; editable: {sys.executable}")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        changes = build_corpus(tmp / "repo")
        wt = tmp / "scratch"
        _git(tmp / "repo", "worktree", "add", "-q", "--detach", str(wt), "main")
        env = _env(tmp / "home")
        ratios: list[float] = []
        editable_ratios: list[float] = []
        pairs: list[tuple[float, float, float]] = []
        refused = 0
        largest: tuple[int, Change, bytes, list[FileText]] | None = None
        for c in changes:
            for flavour in FLAVOURS:
                data = make_patch(tmp / "repo", c, flavour)
                texts = split_patch(data)
                total = sum(f.units for f in texts)
                rng = random.Random(f"{c.name}|{flavour}")
                chosen = set(rng.sample(range(1, total + 1), rng.randint(1, total)))
                got = measure(wt, tmp, env, c, data, texts, chosen, args.runs)
                if got is None:
                    refused += 1
                else:
                    pairs.append(got)
                    ratios.append(got[0] / got[2])
                    editable_ratios.append(got[1] / got[2])
                if flavour == "binary-M" and (largest is None or len(data) > largest[0]):
                    largest = (len(data), c, data, texts)
        print(f"corpus: {len(changes)} changes x {len(FLAVOURS)} flavours; {len(pairs)} measured, "
              f"{refused} left out (a command refused); {args.runs} runs each")
        print(f"{'name':<52} {'value':>11} {'reference':>11} {'ratio':>7}")
        reference = statistics.median(p[2] for p in pairs)
        row("review --accept SPEC --yes vs git apply, medians",
            statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs),
            reference)
        print(f"{'  median of per-patch ratios (target <= 5x)':<52} {'':>11} {'':>11} "
              f"{statistics.median(ratios):6.2f}x   (editable "
              f"{statistics.median(editable_ratios):.2f}x)")
        assert largest is not None
        size, c, data, texts = largest
        total = sum(f.units for f in texts)
        got = measure(wt, tmp, env, c, data, texts, set(range(1, total + 1)), args.runs)
        label = f"largest patch, all ({size // 1024} KB, {total} hunks; target <= 3x)"
        if got is None:
            print(f"{label}: refused by one of the commands")
        else:
            row(label, *got)
        floor(wt, env, reference, args.runs)


if __name__ == "__main__":
    main()
