"""The temp index a snapshot starts from is the user's index byte for byte, with its mtime
(git's racy-clean check reads it), however the copy is made."""

from __future__ import annotations

import os
from pathlib import Path

from pairtui.git import tempindex
from pairtui.git.tempindex import TempIndex


def _user_index(tmp_path: Path) -> Path:
    index = tmp_path / "index"
    index.write_bytes(os.urandom(3 << 20) + b"tail")
    os.utime(index, ns=(1_700_000_000_123_456_789, 1_700_000_000_987_654_321))
    return index


def test_copy_is_byte_identical_and_keeps_the_mtime(tmp_path: Path):
    index = _user_index(tmp_path)
    with TempIndex(tmp_path / "gitdir") as temp:
        temp.copy_from(index)
        assert temp.path.read_bytes() == index.read_bytes()
        assert temp.path.stat().st_mtime_ns == index.stat().st_mtime_ns


def test_copy_finishes_in_python_when_the_kernel_copy_stops_half_way(tmp_path: Path,
                                                                       monkeypatch):
    index = _user_index(tmp_path)
    real = os.sendfile
    calls = []

    def flaky(out_fd: int, in_fd: int, offset: int, count: int) -> int:
        calls.append(offset)
        if len(calls) > 1:
            raise OSError(22, "Invalid argument")
        return real(out_fd, in_fd, offset, min(count, 100_000))

    monkeypatch.setattr(tempindex.os, "sendfile", flaky)
    with TempIndex(tmp_path / "gitdir") as temp:
        temp.copy_from(index)
        assert temp.path.read_bytes() == index.read_bytes()
    assert calls == [0, 100_000]


def test_no_user_index_yet_starts_empty(tmp_path: Path):
    with TempIndex(tmp_path / "gitdir") as temp:
        temp.path.write_bytes(b"stale")
        temp.copy_from(tmp_path / "no-such-index")
        assert not temp.path.exists()
