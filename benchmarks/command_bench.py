"""Whole commands as a person or a script waits for them, against git's own, in one run.

- `pairtui review PATCH --accept SPEC --yes` against `git apply` of the same hunks (the patch
  filtered to SPEC), on real patches between consecutive releases of a few packages (sdists
  from the corpus cache, see tests/support_history.py; skipped with a note when absent) and on
  a generated 1,000-hunk patch. Targets (DESIGN.md): median ratio <= 5x, the largest <= 3x.
- `pairtui checkpoint` against `git stash create` on a 20,000-file repo with 200 changed files,
  also after 200 checkpoints have piled up. Target: <= 1.5x.

Each row: name, value (median ms), reference (median ms), ratio; runs are interleaved. The value
is pairtui as a user installs it (`pip install .`, a cached venv: benchmarks/installed.py); the
worktree's editable install, whose import finder costs every start ~10-20 ms more, is measured
in the same rounds and shown at the end of each row.

    .venv/bin/python benchmarks/command_bench.py [--rounds 7] [--files 20000]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.checkpoint_bench import ENV, make_repo, modify  # noqa: E402
from benchmarks.installed import editable_env, installed_env, installed_python  # noqa: E402
from pairtui.diff.parse import read_patch, render_patch  # noqa: E402
from pairtui.diff.select import select_hunks  # noqa: E402

EDITABLE = [str(Path(sys.executable).parent / "pairtui")]
CACHE = Path(os.environ.get("PAIRTUI_CORPUS_CACHE")
             or Path.home() / ".cache" / "pairtui-tests" / "sdists")
RELEASES = {
    "attrs": ("23.1.0", "23.2.0", "24.1.0", "24.2.0"),
    "click": ("8.1.4", "8.1.5", "8.1.6", "8.1.7"),
    "idna": ("3.4", "3.5", "3.6", "3.7"),
    "six": ("1.14.0", "1.15.0", "1.16.0"),
}


def git(repo: Path, *args: str, stdin: bytes | None = None) -> bytes:
    return subprocess.run(["git", *args], cwd=repo, input=stdin, check=True,
                          capture_output=True).stdout


def installed() -> list[str]:
    return [str(installed_python().parent / "pairtui")]


def timed(cmd: list[str], cwd: Path, stdin: bytes | None = None) -> float:
    env = None if cmd[0] == "git" else editable_env() if cmd[0] == EDITABLE[0] \
        else installed_env()
    start = time.perf_counter()
    out = subprocess.run(cmd, cwd=cwd, input=stdin, capture_output=True, env=env)
    elapsed = time.perf_counter() - start
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {out.stderr.decode(errors='replace')}")
    return elapsed


def row(name: str, value: float, reference: float, editable: float | None = None) -> None:
    extra = "" if editable is None else \
        f"   (editable {editable * 1000:.1f} ms, {editable / reference:.2f}x)"
    print(f"{name:<46} {value * 1000:8.1f} ms {reference * 1000:8.1f} ms "
          f"{value / reference:6.2f}x{extra}", flush=True)


def release_repo(where: Path) -> tuple[Path, list[tuple[str, str, str]]]:
    """A repo with one commit per release (files from the sdist); (name, old, new) commits."""
    repo = where / "releases"
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    changes: list[tuple[str, str, str]] = []
    for name, versions in RELEASES.items():
        previous = None
        for version in versions:
            sdist = CACHE / f"{name}-{version}.tar.gz"
            if not sdist.exists():
                previous = None
                continue
            for entry in repo.iterdir():
                if entry.name != ".git":
                    shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
            with tarfile.open(sdist) as tar:
                tar.extractall(where / "x", filter="data")
            top = next((where / "x").iterdir())
            shutil.move(str(top), repo / name)
            shutil.rmtree(where / "x")
            git(repo, "add", "-A")
            git(repo, "commit", "-q", "--allow-empty", "-m", f"{name} {version}")
            commit = git(repo, "rev-parse", "HEAD").decode().strip()
            if previous is not None:
                changes.append((f"{name} {previous[0]}..{version}", previous[1], commit))
            previous = (version, commit)
    return repo, changes


def bench_review(where: Path, rounds: int) -> None:
    cases: list[tuple[str, Path, str, bytes, str]] = []  # name, repo, base, patch, spec
    if CACHE.is_dir():
        repo, changes = release_repo(where)
        for name, old, new in changes:
            raw = git(repo, "diff", "--binary", "-M", old, new)
            cases.append((name, repo, old, raw, "all"))
            total = read_patch(raw).hunk_count
            cases.append((name + " odd hunks", repo, old, raw,
                          ",".join(str(n) for n in range(1, total + 1, 2))))
    else:
        print(f"# no sdists in {CACHE}: real-history rows skipped")
    from benchmarks.apply_bench import build

    (where / "gen").mkdir(parents=True)
    big_repo, old, new = build(where / "gen")
    cases.append(("generated, 1,000 of 2,000 hunks", big_repo, old,
                  git(big_repo, "diff", "--binary", old, new),
                  ",".join(str(n) for n in range(1, 2001, 2))))
    print(f"{'review PATCH --accept SPEC --yes':<46} {'value':>11} {'git apply':>11} {'ratio':>7}")
    ratios: list[float] = []
    largest: tuple[int, float] = (0, 0.0)
    for name, repo, base, raw, spec in cases:
        patch = read_patch(raw)
        numbers = range(1, patch.hunk_count + 1) if spec == "all" else \
            [int(n) for n in spec.split(",")]
        filtered = render_patch(select_hunks(patch, list(numbers)))
        patch_file = where / "change.patch"
        patch_file.write_bytes(raw)
        ours, editable, theirs = [], [], []
        for _ in range(rounds):
            for who in ("git", "installed", "editable"):
                git(repo, "checkout", "-q", "-f", base)
                git(repo, "clean", "-qfdx")
                refs = git(repo, "for-each-ref", "--format=delete %(refname)", "refs/pairtui/")
                if refs:
                    git(repo, "update-ref", "--stdin", stdin=refs)
                if who == "git":
                    theirs.append(timed(["git", "apply"], repo, filtered))
                else:
                    review = ["review", str(patch_file), "--accept", spec, "--yes"]
                    (ours if who == "installed" else editable).append(
                        timed([*(installed() if who == "installed" else EDITABLE), *review],
                              repo))
        value, reference = statistics.median(ours), statistics.median(theirs)
        ratios.append(value / reference)
        label = f"{name} ({patch.hunk_count} hunks, {len(raw) // 1024} KB)"
        row(label, value, reference, statistics.median(editable))
        if len(raw) > largest[0]:
            largest = (len(raw), value / reference)
    print(f"{'median ratio over the patches':<46} {'':>11} {'':>11} "
          f"{statistics.median(ratios):6.2f}x   (target <= 5x)")
    largest_label = f"largest patch ({largest[0] // 1024} KB)"
    print(f"{largest_label:<46} {'':>11} {'':>11} "
          f"{largest[1]:6.2f}x   (target <= 3x)")


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def bench_checkpoint(where: Path, files: int, rounds: int) -> None:
    paths = make_repo(where, files)
    repo = paths[0].parents[2]
    modify(paths, 200, "a")
    git(repo, "status", "--porcelain")
    title = f"checkpoint command ({files} files)"
    print(f"{title:<46} {'value':>11} {'stash':>11} "
          f"{'ratio':>7}")
    for label, extra in (("pairtui checkpoint", 0), ("... with 200 more checkpoints", 200)):
        for _ in range(extra):
            subprocess.run([*installed(), "checkpoint"], cwd=repo, capture_output=True,
                           check=True, env=installed_env())
        ours, editable, theirs = [], [], []
        ours_cpu, theirs_cpu = [], []
        for _ in range(rounds):
            cpu = _children_cpu()
            theirs.append(timed(["git", "stash", "create"], repo))
            theirs_cpu.append(_children_cpu() - cpu)
            cpu = _children_cpu()
            ours.append(timed([*installed(), "checkpoint"], repo))
            ours_cpu.append(_children_cpu() - cpu)
            editable.append(timed([*EDITABLE, "checkpoint"], repo))
        row(label, statistics.median(ours), statistics.median(theirs),
            statistics.median(editable))
        # CPU time (the command and its git processes) is disturbed less by a loaded machine.
        row("    CPU time", statistics.median(ours_cpu), statistics.median(theirs_cpu))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--only", choices=("review", "checkpoint"))
    args = parser.parse_args()
    os.environ.update(ENV)
    with tempfile.TemporaryDirectory(prefix="pairtui-bench-") as tmp:
        if args.only != "checkpoint":
            bench_review(Path(tmp) / "review", args.rounds)
        if args.only != "review":
            (Path(tmp) / "cp").mkdir()
            bench_checkpoint(Path(tmp) / "cp", args.files, args.rounds)


if __name__ == "__main__":
    main()
