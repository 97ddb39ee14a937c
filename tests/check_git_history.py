"""pairtui's hunk engine against `git apply` on any repository's own commit history.

The suite's corpus (test_diff_real_history.py) is built from release sdists, which a test run
can download; this script takes real commits instead, from a clone you have:

    .venv/bin/python -m tests.check_git_history PATH_TO_A_GIT_REPO [COMMITS] [WORKDIR]

It clones the repository into WORKDIR (default: a temporary directory), picks COMMITS
(default 120) non-merge commits of its last 3,000 with a fixed seed, and for each applies the
commit's patch in the six flavours of the corpus (-U3, -U1, -U0, -U7, --binary -M,
--full-index), forward and in reverse, three hunk subsets each, with pairtui's select_hunks +
apply_patch and, independently, with `git apply` of a filter built without pairtui's code. It
prints the count of each verdict and every item where the two differ (exit 1 if any).
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from pairtui.diff.apply import apply_patch
from pairtui.diff.select import select_hunks
from pairtui.errors import PairtuiError
from tests.support_history import FLAVOURS, Change, _touched, filter_patch
from tests.support_history_run import Corpus, classify, git_apply

AGREE = ("identical", "both refused")


def _changes(repo: Path, count: int) -> list[Change]:
    out = subprocess.run(["git", "-C", str(repo), "rev-list", "--no-merges", "--parents", "-n",
                          "3000", "HEAD"], capture_output=True, text=True, check=True).stdout
    pairs = [line.split() for line in out.splitlines() if len(line.split()) == 2]
    picked = random.Random(1303).sample(pairs, min(count, len(pairs)))
    return [Change(new[:10], old, new, paths) for new, old in picked
            if (paths := _touched(repo, old, new))]


def _subsets(name: str, total: int) -> list[set[int]]:
    rng = random.Random(name)
    return [set(range(1, total + 1)), set(rng.sample(range(1, total + 1), 1)),
            set(rng.sample(range(1, total + 1), rng.randint(1, total)))]


def _one(corpus: Corpus, c: Change, flavour: str, reverse: bool, chosen: set[int],
         texts: list, patch: object) -> tuple[str, str]:
    mine_error = None
    try:
        if isinstance(patch, PairtuiError):
            raise patch
        apply_patch(corpus.mine, select_hunks(patch, chosen, for_reverse=reverse), reverse=reverse)
    except PairtuiError as err:
        mine_error = err.message
    except Exception as err:  # noqa: BLE001 - a crash is a mismatch, reported like one
        mine_error = f"CRASH {type(err).__name__}: {err}"
    zero = flavour == "U0"
    git_error = git_apply(corpus.ref, filter_patch(texts, chosen, reverse=reverse), zero=zero,
                          reverse=reverse)
    full = None
    if git_error and "without full index line" in git_error:
        full = corpus.with_full_binaries(c, texts)
        if full is not None:
            git_error = git_apply(corpus.ref, filter_patch(full, chosen, reverse=reverse),
                                  zero=zero, reverse=reverse)
    mine, ref = corpus.result(corpus.mine), corpus.result(corpus.ref)
    corpus.restore()
    kind = classify(flavour, mine_error, git_error, mine, ref, corpus.base_state,
                    store=full is not None)
    return kind, f"pairtui: {mine_error or 'applied'}; git: {git_error or 'applied'}"


def main(argv: list[str]) -> int:
    source, count = argv[0], int(argv[1]) if len(argv) > 1 else 120
    root = Path(argv[2]) if len(argv) > 2 else Path(tempfile.mkdtemp(prefix="pairtui-history-"))
    repo = root / "repo"
    subprocess.run(["git", "clone", "-q", "--no-checkout", source, str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "checkout", "-q", "-B", "main", "HEAD"], check=True)
    changes = _changes(repo, count)
    corpus = Corpus(root, changes)
    stats: Counter[str] = Counter()
    differ: list[str] = []
    started = time.monotonic()
    for c in changes:
        for flavour in FLAVOURS:
            for reverse in (False, True):
                corpus.checkout(c.new if reverse else c.old, c.paths)
                _, texts, patch = corpus.patch(c, flavour)
                total = sum(f.units for f in texts)
                for chosen in _subsets(f"{c.name}|{flavour}|{reverse}", total) if total else ():
                    kind, said = _one(corpus, c, flavour, reverse, chosen, texts, patch)
                    stats[kind] += 1
                    if kind not in AGREE:
                        differ.append(f"{kind}: {c.name} {flavour} {'reverse' if reverse else 'forward'} "
                                      f"hunks {sorted(chosen)[:12]}; {said}")
    print(f"{len(changes)} commits, {sum(stats.values())} subsets in "
          f"{time.monotonic() - started:.0f} s: {dict(stats)}")
    print("\n".join(differ))
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
