"""Damaged patches never crash pairtui: reading gives a Patch or a one-line PatchError, and a
patch that cannot be applied leaves every file as it was."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from pairtui.diff.apply import apply_patch
from pairtui.diff.compute import git_diff_bytes
from pairtui.diff.parse import read_patch
from pairtui.errors import PatchError
from tests.support_diff import (
    base_files,
    commit_files,
    edited_files,
    materialize,
    new_repo,
    snapshot,
)

FUZZ_SEEDS = int(os.environ.get("PAIRTUI_FUZZ_SEEDS", "3"))  # 60 damaged patches per seed


def _damage(rng: random.Random, data: bytes) -> bytes:
    lines = data.split(b"\n")
    choice = rng.randrange(6)
    if choice == 0:
        return data[:rng.randrange(len(data))]
    if choice == 1:
        del lines[rng.randrange(len(lines))]
    elif choice == 2:
        k = rng.randrange(len(lines))
        lines.insert(k, lines[k])
    elif choice == 3:
        k = rng.randrange(len(lines))
        lines[k] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 12))) + lines[k]
    elif choice == 4:
        k = rng.randrange(len(lines))
        lines[k] = lines[k].replace(b"1", b"7").replace(b"a/", b"../")
    else:
        pos = rng.randrange(len(data))
        return data[:pos] + bytes([rng.randrange(256)]) + data[pos + 1:]
    return b"\n".join(lines)


@pytest.mark.parametrize("seed", range(FUZZ_SEEDS))
def test_damaged_patches_parse_or_fail_cleanly_and_apply_all_or_nothing(tmp_path: Path,
                                                                         seed: int) -> None:
    rng = random.Random(1000 + seed)
    repo = new_repo(tmp_path / "repo")
    base = base_files(rng)
    a = commit_files(repo, base, "a")
    b = commit_files(repo, edited_files(rng, base), "b")
    raw = git_diff_bytes(repo, a, b)
    for case in range(60):
        damaged = _damage(rng, raw)
        try:
            patch = read_patch(damaged)
        except PatchError as err:
            assert "\n" not in str(err)
            continue
        work = tmp_path / f"w{case}"
        work.mkdir()
        materialize(work, base)
        before = snapshot(work)
        try:
            apply_patch(work, patch)
        except PatchError as err:
            assert "\n" not in str(err)
            assert snapshot(work) == before
