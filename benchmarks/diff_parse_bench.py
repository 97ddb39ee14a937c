"""Parse + align a 10,000-line change over 50 files, against `git diff` producing it.

Target (issue 5): pairtui's read_patch + align_rows of every hunk <= 1.0x the time of the
`git diff` run that makes the patch (same flags pairtui uses). unidiff's parse of the same bytes
is printed too: it is why pairtui has its own parser.

    .venv/bin/python benchmarks/diff_parse_bench.py
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from unidiff import PatchSet  # noqa: E402

from pairtui.diff.compute import DIFF_FLAGS  # noqa: E402
from pairtui.diff.model import align_rows  # noqa: E402
from pairtui.diff.parse import read_patch  # noqa: E402

FILES = 50
LINES_PER_FILE = 600
CHANGED_PER_FILE = 100  # 100 lines replaced: 100 "-" + 100 "+" = 200 changed lines per file
RUNS = 21
# "blocks": 20 runs of 5 replaced lines per file (how code edits look: a few hunks, 3 lines of
# context each). "scattered": 100 single lines replaced at random, so almost the whole file
# is context and the patch is 4x bigger: the worst case for a parser.
SHAPES = ("blocks", "scattered")


def _git(repo: Path, *args: str) -> bytes:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True).stdout


def build_repo(where: Path, shape: str = "blocks") -> tuple[Path, str, str]:
    rng = random.Random(5)
    repo = where / shape
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.email", "bench@example.com")
    _git(repo, "config", "user.name", "bench")
    words = ["value", "total", "count", "self", "return", "if", "x", "y", "(", ")", "+", "="]
    contents = []
    for i in range(FILES):
        lines = [f"    {' '.join(rng.choice(words) for _ in range(8))}  # {i}.{n}\n"
                 for n in range(LINES_PER_FILE)]
        contents.append(lines)
        (repo / f"module_{i:02d}.py").write_text("".join(lines))
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "base")
    old = _git(repo, "rev-parse", "HEAD").decode().strip()
    for i, lines in enumerate(contents):
        if shape == "blocks":
            starts = sorted(rng.sample(range(0, LINES_PER_FILE - 5, 5), CHANGED_PER_FILE // 5))
            changed = [s + k for s in starts for k in range(5)]
        else:
            changed = rng.sample(range(LINES_PER_FILE), CHANGED_PER_FILE)
        for n in changed:
            lines[n] = lines[n].replace("value", "amount").rstrip("\n") + " changed\n"
        (repo / f"module_{i:02d}.py").write_text("".join(lines))
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "change")
    new = _git(repo, "rev-parse", "HEAD").decode().strip()
    return repo, old, new


def interleaved(*fns) -> list[list[float]]:  # noqa: ANN002
    """Run the contenders in turn, RUNS times, so machine load hits them alike."""
    samples: list[list[float]] = [[] for _ in fns]
    for _ in range(RUNS):
        for fn, out in zip(fns, samples, strict=True):
            start = time.perf_counter()
            fn()
            out.append(time.perf_counter() - start)
    return samples


def row(name: str, ours: list[float], ref: list[float]) -> str:
    best, ref_best = min(ours), min(ref)
    med, ref_med = statistics.median(ours), statistics.median(ref)
    return (f"{name:34}  {best * 1000:7.1f}ms  {ref_best * 1000:7.1f}ms  {best / ref_best:5.2f}x"
            f"   (medians {med * 1000:.1f}ms / {ref_med * 1000:.1f}ms = {med / ref_med:.2f}x)")


def bench_shape(where: Path, shape: str) -> None:
    repo, old, new = build_repo(where, shape)
    args = ["git", "diff", *DIFF_FLAGS, old, new]
    raw = subprocess.run(args, cwd=repo, capture_output=True, check=True).stdout

    def git_diff() -> None:
        subprocess.run(args, cwd=repo, capture_output=True, check=True)

    def parse_and_align() -> None:
        for f in read_patch(raw).files:
            for h in f.hunks:
                align_rows(h)

    def unidiff_parse() -> None:
        PatchSet(raw.decode("utf-8", "surrogateescape"))

    patch = read_patch(raw)
    changed = sum(h.added + h.removed for f in patch.files for h in f.hunks)
    body = sum(len(h.lines) for f in patch.files for h in f.hunks)
    print(f"# {shape}: {len(patch.files)} files, {changed} changed lines, {body} hunk lines, "
          f"{len(raw) // 1024} KiB of patch")
    git_t, ours_t, uni_t = interleaved(git_diff, parse_and_align, unidiff_parse)
    print(row(f"parse+align {shape} (pairtui)", ours_t, git_t))
    print(row(f"parse {shape} (unidiff, for scale)", uni_t, git_t))


def main() -> None:
    print(f"{'name':34}  {'value':>9}  {'reference':>9}  ratio   (min of {RUNS} interleaved runs;"
          " reference = git diff making the patch)")
    with tempfile.TemporaryDirectory() as tmp:
        for shape in SHAPES:
            bench_shape(Path(tmp), shape)


if __name__ == "__main__":
    main()
