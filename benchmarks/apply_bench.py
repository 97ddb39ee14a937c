"""Apply 1,000 selected hunks across 100 files, against `git apply` of the filtered patch.

Target (DESIGN.md, issue 13): parse + select + apply in process <= 1.0x `git apply` of the
filtered patch (a whole git process). Also shown: pairtui's apply of the already filtered patch,
and the design issue 13 asked to weigh, "select in Python, let git write": render the filtered
patch, then `git apply --check` and `git apply`. Each run starts from a fresh copy of the tree.

The last row is the floor of an atomic writer: only writing the 100 results, each to a temp file
renamed over its target (what pairtui.diff.apply does; git instead unlinks and re-creates each
file in place). On ext4 a rename over an existing file also starts writing the new file out
(auto_da_alloc), so that row alone costs about as much as the whole `git apply` here.

    .venv/bin/python benchmarks/apply_bench.py
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pairtui.diff.apply import apply_patch  # noqa: E402
from pairtui.diff.compute import diff_between  # noqa: E402
from pairtui.diff.parse import read_patch, render_patch  # noqa: E402
from pairtui.diff.select import select_hunks  # noqa: E402

FILES = 100
LINES_PER_FILE = 400
HUNKS_PER_FILE = 20  # every other one is selected: 10 per file, 1,000 in all
RUNS = 11


def _git(repo: Path, *args: str, stdin: bytes | None = None) -> bytes:
    return subprocess.run(["git", *args], cwd=repo, input=stdin, check=True,
                          capture_output=True).stdout


def build(where: Path) -> tuple[Path, str, str]:
    rng = random.Random(11)
    repo = where / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.email", "bench@example.com")
    _git(repo, "config", "user.name", "bench")
    texts = []
    for i in range(FILES):
        lines = [f"line {n} of file {i}: {rng.random():.6f}\n" for n in range(LINES_PER_FILE)]
        texts.append(lines)
        (repo / f"f{i:03d}.txt").write_text("".join(lines))
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "base")
    for i, lines in enumerate(texts):
        step = LINES_PER_FILE // HUNKS_PER_FILE
        for h in range(HUNKS_PER_FILE):
            n = h * step + step // 2
            lines[n] = f"changed {h} in file {i}\n"
            lines.insert(n + 1, f"added {h} in file {i}\n")
        (repo / f"f{i:03d}.txt").write_text("".join(lines))
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "change")
    return repo, _git(repo, "rev-parse", "HEAD~1").decode().strip(), \
        _git(repo, "rev-parse", "HEAD").decode().strip()


def _atomic_writes(tree: Path, finals: dict[str, bytes]) -> None:
    """Each file's final bytes into a new temp file beside it, then renamed over it."""
    temps = []
    for name, data in finals.items():
        temp = tree / f".{name}.tmp"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
        temps.append((temp, tree / name))
    for temp, target in temps:
        os.replace(temp, target)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        where = Path(tmp)
        repo, old, new = build(where)
        patch = diff_between(repo, old, new)
        numbers = list(range(1, patch.hunk_count + 1, 2))
        filtered = select_hunks(patch, numbers)
        patch_bytes = render_patch(filtered)
        _git(repo, "checkout", "-q", old)
        pristine = where / "pristine"
        shutil.copytree(repo, pristine, ignore=shutil.ignore_patterns(".git"))

        raw = _git(repo, "diff", "--binary", "--full-index", old, new)
        finals = {}  # each file's patched bytes, for the writes-only floor
        samples: dict[str, list[float]] = {"git": [], "apply": [], "select+apply": [],
                                           "parse+select+apply": [], "parse+select+git": [],
                                           "writes": []}
        results: dict[str, bytes] = {}
        for run in range(RUNS):
            for who, times in samples.items():
                tree = where / f"{who}{run}"
                shutil.copytree(pristine, tree)
                start = time.perf_counter()
                if who == "git":
                    subprocess.run(["git", "apply"], cwd=tree, input=patch_bytes, check=True,
                                   capture_output=True)
                elif who == "apply":
                    apply_patch(tree, filtered)
                elif who == "select+apply":
                    apply_patch(tree, select_hunks(patch, numbers))
                elif who == "parse+select+apply":
                    apply_patch(tree, select_hunks(read_patch(raw), numbers))
                elif who == "writes":
                    _atomic_writes(tree, finals)
                else:
                    data = render_patch(select_hunks(read_patch(raw), numbers))
                    for args in (["--check"], []):
                        subprocess.run(["git", "apply", *args], cwd=tree, input=data,
                                       check=True, capture_output=True)
                times.append(time.perf_counter() - start)
                if who == "git" and run == 0:
                    finals.update({f"f{i:03d}.txt": (tree / f"f{i:03d}.txt").read_bytes()
                                   for i in range(FILES)})
                if run == 0:
                    results[who] = b"".join((tree / f"f{i:03d}.txt").read_bytes()
                                            for i in range(FILES))
        assert len(set(results.values())) == 1, "results differ"
        print(f"# {len(filtered.files)} files, {len(numbers)} selected hunks of "
              f"{patch.hunk_count}; results byte-identical to git apply")
        print(f"{'name':34}  {'value':>9}  {'reference':>9}  ratio   (min of {RUNS} interleaved"
              " runs; reference = git apply of the filtered patch)")
        ref, ref_med = min(samples["git"]), statistics.median(samples["git"])
        for who, label in (("apply", "apply filtered patch (pairtui)"),
                           ("select+apply", "select 1,000 hunks + apply"),
                           ("parse+select+apply", "parse + select + apply (target)"),
                           ("parse+select+git", "parse+select, git apply --check+apply"),
                           ("writes", "floor: only temp files + renames")):
            best, med = min(samples[who]), statistics.median(samples[who])
            print(f"{label:34}  {best * 1000:7.1f}ms  {ref * 1000:7.1f}ms  {best / ref:5.2f}x   "
                  f"(medians {med * 1000:.1f}ms / {ref_med * 1000:.1f}ms = {med / ref_med:.2f}x)")


if __name__ == "__main__":
    main()
