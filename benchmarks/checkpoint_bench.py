"""Checkpoint speed on a 20,000-file repo with 200 modified files, against `git stash create`.

Targets (DESIGN.md): snapshot <= 0.7x the time of `git stash create`, measured here in the
same run, interleaved: medians, best runs and per-round ratios (which other processes on a
busy machine disturb least), and CPU time (this process and its children), which a loaded
machine disturbs less than wall time. Restore is shown against the same reference. The last
rows show how a snapshot's cost grows with the number of changed files.

    .venv/bin/python benchmarks/checkpoint_bench.py [--files 20000] [--rounds 9]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from pairtui.git.checkpoints import Checkpoints

ENV = {
    "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def make_repo(root: Path, files: int) -> list[Path]:
    """`files` small source files, 50 to a directory, two levels deep; committed."""
    repo = root / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    paths = []
    for i in range(files):
        directory = repo / f"pkg{i // 1000}" / f"mod{i // 50}"
        if i % 50 == 0:
            directory.mkdir(parents=True)
        path = directory / f"file{i}.py"
        path.write_text(f"# file {i}\n" + "value = 1\n" * 20)
        paths.append(path)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "generated")
    return paths


def modify(paths: list[Path], count: int, tag: str) -> None:
    step = max(1, len(paths) // count)
    for path in paths[::step][:count]:
        path.write_text(path.read_text().split("# edit", 1)[0] + f"# edit {tag}\n")


CPU_SPENT: list[float] = []  # CPU seconds of each timed() call, in order


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), \
        resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(action) -> float:
    cpu = _cpu()
    start = time.perf_counter()
    action()
    took = time.perf_counter() - start
    CPU_SPENT.append(_cpu() - cpu)
    return took


def row(name: str, value: float, reference: float) -> None:
    print(f"{name:<40} {value * 1000:8.1f} ms {reference * 1000:8.1f} ms {value / reference:6.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--changed", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=21)
    args = parser.parse_args()
    os.environ.update(ENV)

    with tempfile.TemporaryDirectory(prefix="pairtui-bench-") as tmp:
        paths = make_repo(Path(tmp), args.files)
        repo = paths[0].parents[2]
        modify(paths, args.changed, "a")
        git(repo, "status", "--porcelain")  # warm the file system cache, as a real repo is
        cps = Checkpoints(repo, "bench")
        state_a = cps.snapshot("a")
        modify(paths, args.changed, "b")
        state_b = cps.snapshot("b")
        cps.restore(state_a)

        stash, snap, restore = [], [], []
        snap_ratios, restore_ratios = [], []
        stash_cpu, snap_cpu = [], []
        for _ in range(args.rounds):
            stash.append(timed(lambda: git(repo, "stash", "create")))
            stash_cpu.append(CPU_SPENT[-1])
            snap.append(timed(lambda: Checkpoints(repo, "bench").snapshot("bench")))
            snap_cpu.append(CPU_SPENT[-1])
            restore.append(timed(lambda: Checkpoints(repo, "bench").restore(state_b)))
            restore.append(timed(lambda: Checkpoints(repo, "bench").restore(state_a)))
            snap_ratios.append(snap[-1] / stash[-1])
            restore_ratios.append((restore[-1] + restore[-2]) / 2 / stash[-1])
        reference = statistics.median(stash)

        print(f"repo: {args.files} tracked files, {args.changed} modified; {args.rounds} rounds, "
              "interleaved; each call a fresh Checkpoints object (as the CLI does)")
        print(f"{'name':<40} {'value':>11} {'reference':>11} {'ratio':>7}")
        row("snapshot vs git stash create", statistics.median(snap), reference)
        row(f"restore ({args.changed} files) vs git stash create", statistics.median(restore), reference)
        # On a shared machine the medians carry other people's load; the best runs, and the
        # ratio within each round (measured seconds apart), are disturbed least.
        row("snapshot, best run", min(snap), min(stash))
        row("restore, best run", min(restore), min(stash))
        print(f"{'snapshot, median of per-round ratios':<40} {'':>11} {'':>11} "
              f"{statistics.median(snap_ratios):6.2f}x")
        print(f"{'restore, median of per-round ratios':<40} {'':>11} {'':>11} "
              f"{statistics.median(restore_ratios):6.2f}x")
        row("snapshot, CPU time (median)", statistics.median(snap_cpu), statistics.median(stash_cpu))

        for changed in (0, 20, 2000):
            git(repo, "checkout", "-q", "--", ".")  # bench repo only: start from a clean tree
            if changed:
                modify(paths, changed, "c")
            times = [timed(lambda: Checkpoints(repo, "bench").snapshot("scale")) for _ in range(5)]
            row(f"snapshot, {changed} changed files", statistics.median(times), reference)


if __name__ == "__main__":
    main()
