"""pairtui's apply versus `git apply`, byte for byte, on hundreds of real diffs and random hunk
subsets: forward and reverse, split hunks, single-line selections, trees that drifted since the
diff was made (offsets, conflicts), `--no-prefix` patches, the index, and this repo's history."""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

import pytest

from pairtui.diff.apply import apply_patch
from pairtui.diff.compute import diff_between, git_diff_bytes
from pairtui.diff.model import Patch
from pairtui.diff.parse import read_patch, render_patch
from pairtui.diff.select import replace_hunk, select_hunks, select_lines, split_hunk
from tests.support_diff import (
    Files,
    base_files,
    commit_files,
    edited_files,
    materialize,
    new_repo,
    referee,
    run_git,
    snapshot,
)

SEEDS = range(12)
CASES_PER_SEED = 12


def _pair(tmp_path: Path, seed: int) -> tuple[random.Random, Path, Files, Files, Patch, str, str]:
    rng = random.Random(seed)
    repo = new_repo(tmp_path / "repo")
    base = base_files(rng)
    target = edited_files(rng, base)
    a = commit_files(repo, base, "base")
    b = commit_files(repo, target, "target")
    return rng, repo, base, target, diff_between(repo, a, b), a, b


def _subset(rng: random.Random, total: int) -> list[int]:
    return sorted(rng.sample(range(1, total + 1), rng.randint(0, total)))


@pytest.mark.parametrize("seed", SEEDS)
def test_random_hunk_subsets_match_git_apply(tmp_path: Path, seed: int) -> None:
    rng, _repo, base, target, patch, _a, _b = _pair(tmp_path, seed)
    whole = referee(tmp_path, base, patch)
    assert whole.ok and whole.files == snapshot_of(tmp_path, target)
    for _ in range(CASES_PER_SEED):
        chosen = _subset(rng, patch.hunk_count)
        referee(tmp_path, base, select_hunks(patch, chosen))
        referee(tmp_path, target, select_hunks(patch, chosen, for_reverse=True), reverse=True)


@pytest.mark.parametrize("seed", SEEDS)
def test_split_hunks_and_line_selections_match_git_apply(tmp_path: Path, seed: int) -> None:
    rng, _repo, base, _target, patch, _a, _b = _pair(tmp_path, seed)
    for _ in range(CASES_PER_SEED):
        edited = patch
        text_numbers = [n for n, (fi, _hi) in enumerate(patch.hunk_refs(), 1)
                        if patch.files[fi].hunks and not patch.files[fi].is_binary]
        for number in sorted(rng.sample(text_numbers, min(3, len(text_numbers))), reverse=True):
            fi, hi = patch.hunk_refs()[number - 1]
            hunk = patch.files[fi].hunks[hi]
            if rng.random() < 0.5:
                parts = split_hunk(hunk)
                keep = [p for p in parts if rng.random() < 0.6]
                edited = replace_hunk(edited, number, keep)
            else:
                changed = [i for i, ln in enumerate(hunk.lines) if ln.kind != " "]
                chosen = rng.sample(changed, rng.randint(0, len(changed)))
                edited = replace_hunk(edited, number, [select_lines(hunk, chosen)])
        chosen_hunks = _subset(rng, edited.hunk_count) if edited.files else []
        referee(tmp_path, base, select_hunks(edited, chosen_hunks))


@pytest.mark.parametrize("seed", SEEDS)
def test_drifted_trees_fail_or_succeed_exactly_like_git(tmp_path: Path, seed: int) -> None:
    """The tree changed after the diff: hunks must be found at an offset, or refused whole."""
    rng, _repo, base, _target, patch, _a, _b = _pair(tmp_path, seed)
    for case in range(CASES_PER_SEED):
        drifted = dict(base)
        for path in rng.sample(sorted(p for p in base if p.endswith(".py")), 2):
            data, mode = drifted[path]
            lines = data.split(b"\n")
            at = rng.randint(0, len(lines))
            if rng.random() < 0.7:
                lines[at:at] = [b"# inserted by someone else"] * rng.randint(1, 3)
            elif lines:
                lines[min(at, len(lines) - 1)] = b"# changed by someone else"
            drifted[path] = (b"\n".join(lines), mode)
        referee(tmp_path, drifted, select_hunks(patch, _subset(rng, patch.hunk_count)),
                tag=str(case))


@pytest.mark.parametrize("seed", SEEDS[:4])
def test_no_prefix_patches_read_the_same_and_apply_like_git_p0(tmp_path: Path, seed: int) -> None:
    _rng, repo, base, target, patch, a, b = _pair(tmp_path, seed)
    raw = run_git(repo, "diff", "--no-prefix", "--binary", "--full-index", "-M", "--histogram",
                  a, b).stdout
    assert read_patch(raw) == patch
    work = tmp_path / "p0"
    work.mkdir()
    materialize(work, base)
    out = run_git(work, "apply", "-p0", stdin=raw, check=False)
    assert out.returncode == 0, out.stderr
    assert snapshot(work) == snapshot_of(tmp_path, target)


@pytest.mark.parametrize("seed", SEEDS[:4])
def test_index_mode_matches_git_apply_cached(tmp_path: Path, seed: int) -> None:
    rng, repo, _base, _target, patch, a, _b = _pair(tmp_path, seed)
    run_git(repo, "checkout", "-q", a)
    for _ in range(6):
        chosen = select_hunks(patch, _subset(rng, patch.hunk_count))
        run_git(repo, "read-tree", a)
        git_ok = run_git(repo, "apply", "--cached", "--allow-empty",
                         stdin=render_patch(chosen), check=False).returncode == 0
        expected = run_git(repo, "ls-files", "-s").stdout
        run_git(repo, "read-tree", a)
        apply_patch(repo, chosen, index=True)
        assert git_ok
        assert run_git(repo, "ls-files", "-s").stdout == expected
    assert run_git(repo, "status", "--porcelain", "--untracked-files=no").returncode == 0


def test_this_repositorys_own_history_applies_like_git(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    log = subprocess.run(["git", "log", "--format=%H", "-n", "15", "--no-merges"], cwd=root,
                         capture_output=True, text=True)
    commits = [c for c in log.stdout.split() if c]
    if len(commits) < 2:
        pytest.skip("no git history available")
    rng = random.Random(7)
    checked = 0
    for commit in commits:
        parent = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{commit}^"],
                                cwd=root, capture_output=True, text=True).stdout.strip()
        if not parent:
            continue
        patch = read_patch(git_diff_bytes(root, parent, commit))
        start: Files = {}
        for f in patch.files:
            if f.old_path is not None and f.old_mode != "160000":
                blob = subprocess.run(["git", "show", f"{parent}:{f.old_path}"], cwd=root,
                                      capture_output=True)
                start[f.old_path] = (blob.stdout, f.old_mode or "100644")
        for case in range(3):
            chosen = _subset(rng, patch.hunk_count)
            referee(tmp_path, start, select_hunks(patch, chosen), tag=f"h{case}")
            checked += 1
    assert checked


def snapshot_of(tmp_path: Path, files: Files) -> Files:
    where = tmp_path / "expected"
    if where.exists():
        import shutil

        shutil.rmtree(where)
    where.mkdir()
    materialize(where, files)
    return snapshot(where)
