"""pairtui's hunk engine against `git apply` on real history nobody here wrote.

Consecutive releases of attrs, click, idna and colorama (sdists, one commit each, plus a
one-file commit beside each release) are diffed six ways (-U3, -U1, -U0, -U7, --binary -M,
--full-index). Each item applies one hunk subset (fixed seed) with pairtui's select_hunks +
apply_patch, and the same subset with `git apply` (`--unidiff-zero` for -U0, `-R` in reverse) of a
patch filtered by tests.support_history, which does not use pairtui's code; the two trees must
hold the same bytes and modes, or both must refuse. A binary change printed without data and
with abbreviated ids is expected applied from the object store when each id names one blob (the
issue's rule), so the reference then applies the same change taken with --full-index --binary.
Malformed variants of real patches must be refused by the command with one line and the tree
untouched.

Every mismatch fails its item (they were issue 13's classes: -U0 insertions, miscounted hunks,
short-id binaries); the summary test prints the counts by class. Offline with nothing cached,
everything skips.
"""

from __future__ import annotations

import contextlib
import itertools
import random
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from pairtui.diff.apply import apply_patch
from pairtui.diff.select import select_hunks
from pairtui.errors import PairtuiError
from tests.support_history import CACHE, FLAVOURS, PACKAGES, filter_patch, short_binary_ids
from tests.support_history_run import (
    Corpus,
    classify,
    corpus_or_skip,
    git_apply,
    malformed_variants,
    run_review,
)

pytestmark = pytest.mark.slow

SUBSETS = 10  # per change, flavour and direction: 24 changes x 6 x 2 x 10 = 2,880 subsets
MALFORMED_ON = ("attrs 24.1.0..24.2.0", "click 8.1.4..8.1.5", "idna 3.6..3.7 one-file")


def _change_names() -> list[str]:
    names: list[str] = []
    for name, versions in PACKAGES.items():
        for old, new in itertools.pairwise(versions):
            names += [f"{name} {old}..{new}", f"{name} {old}..{new} one-file"]
    return names


CASES = [pytest.param(c, d, f, k, id=f"{c}|{f}|{d}|subset{k}")
         for c in _change_names() for d in ("forward", "reverse") for f in FLAVOURS
         for k in range(SUBSETS)]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return corpus_or_skip(tmp_path_factory.mktemp("corpus"))


def _subset(seed: str, total: int, k: int) -> set[int]:
    rng = random.Random(seed)
    if k == 0:
        return set(range(1, total + 1))
    size = 1 if k == 1 else rng.randint(1, total)
    return set(rng.sample(range(1, total + 1), size))


def _short(numbers: list[int]) -> str:
    return str(numbers) if len(numbers) <= 12 else f"{numbers[:12]}... ({len(numbers)} in all)"


@pytest.mark.parametrize(("change", "direction", "flavour", "k"), CASES)
def test_hunk_subset_matches_git_apply(corpus: Corpus, change: str, direction: str,
                                       flavour: str, k: int) -> None:
    c = corpus.change(change)
    reverse = direction == "reverse"
    corpus.checkout(c.new if reverse else c.old, c.paths)
    data, texts, patch = corpus.patch(c, flavour)
    chosen = _subset(f"{change}|{flavour}|{direction}|{k}", sum(f.units for f in texts), k)

    mine_error: str | None = None
    try:
        if isinstance(patch, PairtuiError):
            raise patch
        apply_patch(corpus.mine, select_hunks(patch, chosen, for_reverse=reverse),
                    reverse=reverse)
    except PairtuiError as err:
        mine_error = err.message
    except Exception as err:  # a crash is a mismatch, reported like one
        mine_error = f"CRASH {type(err).__name__}: {err}"
    filtered = filter_patch(texts, chosen, reverse=reverse)
    git_error = git_apply(corpus.ref, filtered, zero=flavour == "U0", reverse=reverse)
    full = None
    if git_error and "without full index line" in git_error:
        # The rule: a short id naming exactly one blob is applied from the object store.
        full = corpus.with_full_binaries(c, texts)
        if full is not None:
            git_error = git_apply(corpus.ref, filter_patch(full, chosen, reverse=reverse),
                                  zero=flavour == "U0", reverse=reverse)
    mine, ref = corpus.result(corpus.mine), corpus.result(corpus.ref)
    corpus.restore()

    kind = classify(flavour, mine_error, git_error, mine, ref, corpus.base_state,
                    store=full is not None)
    corpus.stats[kind if kind != "identical" or full is None else "identical (binary from "
                 "the object store)"] += 1
    if kind == "identical":
        return
    detail = (f"{change} {flavour} {direction} hunks {_short(sorted(chosen))}; "
              f"pairtui: {mine_error or 'applied'}; git: {git_error or 'applied'}")
    corpus.examples.setdefault(kind, []).append(detail)
    if kind == "both refused":
        return  # agreement
    pytest.fail(detail)


@pytest.mark.parametrize("variant", [
    "truncated", "applied-twice", "junk-between-hunks", "dotdot", "dotgit"] + [
    f"count-{side}{sign}-{where}" for where in ("first", "middle", "last")
    for side in ("old", "new", "both") for sign in ("+1", "-1")])
@pytest.mark.parametrize("change", MALFORMED_ON)
def test_malformed_real_patch_is_refused_with_tree_untouched(corpus: Corpus, change: str,
                                                             variant: str) -> None:
    c = corpus.change(change)
    data, _texts, _patch = corpus.patch(c, "U3")
    bad = malformed_variants(data)[variant]
    corpus.reset_bad(c.old)
    if variant == "applied-twice":
        first = run_review(corpus, bad)
        assert first.returncode == 0, first.stderr
        if git_apply(corpus.bad, bad, zero=False, reverse=False, check=True) is None:
            pytest.skip("git also applies this patch a second time (context found again)")
    before = corpus.tree(corpus.bad)
    out = run_review(corpus, bad)
    after = corpus.tree(corpus.bad)
    lines = out.stderr.strip().splitlines()
    refused = out.returncode == 2 and len(lines) == 1 and lines[0].startswith("pairtui: ")
    if not refused or after != before:
        detail = (f"{change} {variant}: exit {out.returncode}, tree "
                  f"{'untouched' if after == before else 'CHANGED'}; stdout {out.stdout!r}; "
                  f"stderr {out.stderr!r}")
        corpus.examples.setdefault(f"malformed {variant}", []).append(detail)
        corpus.stats[f"malformed not refused: {variant.rsplit('-', 1)[0]}"] += 1
        pytest.fail(detail)
    corpus.stats["malformed refused"] += 1


@pytest.mark.parametrize(("change", "flavour", "direction"), [
    ("attrs 23.1.0..23.2.0", "binary-M", "forward"), ("click 8.1.4..8.1.5", "U1", "reverse"),
    ("idna 3.4..3.5", "U7", "forward"), ("colorama 0.4.4..0.4.5", "full-index", "reverse")])
def test_review_command_applies_what_git_applies(corpus: Corpus, change: str, flavour: str,
                                                 direction: str) -> None:
    """A sample through the whole command (`pairtui review PATCH --accept SPEC --yes`), so the
    in-process comparison above stands for what a person runs."""
    c = corpus.change(change)
    reverse = direction == "reverse"
    data, texts, _patch = corpus.patch(c, flavour)
    chosen = _subset(f"command|{change}|{flavour}", sum(f.units for f in texts), 2)
    base = c.new if reverse else c.old
    corpus.reset_bad(base)
    assert git_apply(corpus.bad, filter_patch(texts, chosen, reverse=reverse), zero=False,
                     reverse=reverse) is None
    expected = corpus.tree(corpus.bad)
    corpus.reset_bad(base)
    out = run_review(corpus, data, spec=",".join(map(str, sorted(chosen))), reverse=reverse)
    assert out.returncode == 0, out.stderr
    assert corpus.tree(corpus.bad) == expected


@pytest.mark.parametrize("spec", ["one", "all"])
def test_short_id_binary_not_in_the_store_is_refused_by_name(corpus: Corpus, tmp_path: Path,
                                                             spec: str) -> None:
    """Never guess: in a repository holding only the old release, the PNG that attrs 23.2.0 adds
    (printed without data, `index 0000000..46af5dc`) cannot be rebuilt; the command refuses,
    naming it, and changes nothing (the whole patch, with `all`)."""
    c = corpus.change("attrs 23.1.0..23.2.0")
    data, texts, _patch = corpus.patch(c, "U3")
    numbers = [n for n, f in enumerate(texts, 1)
               if short_binary_ids(f) and b"new file mode 100644\n" in f.header]
    unit = sum(f.units for f in texts[:numbers[0] - 1]) + 1
    name = texts[numbers[0] - 1].header[0].decode().split(" b/")[-1].strip()
    repo = tmp_path / "only-old"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    archive = subprocess.run(["git", "archive", c.old], cwd=corpus.repo, check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x"], cwd=repo, input=archive, check=True)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(["git", "commit", "-qm", "old release only"], cwd=repo, check=True)
    before = corpus.tree(repo)
    out = run_review(corpus, data, spec=str(unit) if spec == "one" else "all", cwd=repo)
    lines = out.stderr.strip().splitlines()
    assert out.returncode == 2 and len(lines) == 1, (out.stdout, out.stderr)
    assert name in lines[0], lines[0]
    assert corpus.tree(repo) == before
    assert f"hunk {unit}:" in lines[0], lines[0]  # numbered as --dry-run lists it


def test_corpus_summary(corpus: Corpus, capsys: pytest.CaptureFixture[str]) -> None:
    """Prints subsets compared, identical, both refused and mismatches by class; needs the whole
    module to have run (otherwise it only prints)."""
    compared = sum(n for k, n in corpus.stats.items() if not k.startswith("malformed"))
    identical = sum(n for k, n in corpus.stats.items() if k.startswith("identical"))
    summary = [f"subsets compared: {compared}, identical {identical}"] + [
        f"  {kind}: {n}" for kind, n in Counter(corpus.stats).most_common()]
    examples = [f"  e.g. {kind}: {ex}" for kind, exs in corpus.examples.items() for ex in exs]
    report = CACHE.parent / "real-history-summary.txt"
    with contextlib.suppress(OSError):
        report.write_text("\n".join(summary + examples) + "\n")
    with capsys.disabled():
        print("\n" + "\n".join(summary + [f"  e.g. {kind}: {exs[0]}"
                                          for kind, exs in corpus.examples.items()]))
        print(f"  (every example: {report})")
    corpus.assert_clean()
    if compared < len(CASES):
        pytest.skip(f"only {compared} of {len(CASES)} subsets ran in this session")
    assert compared >= 2500
