"""Binary changes without data ("Binary files ... differ") and with abbreviated ids, as plain
`git diff` prints them. git refuses them all; pairtui applies one only when its abbreviated id
names exactly one blob in the object store (and says so in --dry-run), and otherwise refuses
the whole patch by name with the way out (--binary or --full-index)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pairtui.cli import main
from pairtui.diff.parse import read_patch
from tests.support_diff import commit_files, new_repo, run_git, snapshot

PIC = b"\x89PNG\r\n\x1a\n\0" + bytes(range(256))
PIC2 = b"\x89PNG\r\n\x1a\n\0" + bytes(reversed(range(256)))
TEXT = b"".join(b"line %d\n" % i for i in range(20))


def _patch_pair(tmp_path: Path, old_pic: bytes | None, new_pic: bytes) -> tuple[Path, bytes]:
    """A repo that made the change (blobs known) and the plain `git diff` of it."""
    origin = new_repo(tmp_path / "origin")
    base: dict[str, tuple[bytes, str]] = {"notes.txt": (TEXT, "100644")}
    if old_pic is not None:
        base["pic.png"] = (old_pic, "100644")
    a = commit_files(origin, base, "base")
    b = commit_files(origin, {"notes.txt": (TEXT.replace(b"line 3\n", b"three\n"), "100644"),
                              "pic.png": (new_pic, "100644")}, "change")
    raw = run_git(origin, "diff", a, b).stdout
    assert b"Binary files" in raw and b"index 0000000.." in raw or old_pic is not None
    run_git(origin, "checkout", "-q", a)
    return origin, raw


def _fresh(tmp_path: Path, old_pic: bytes | None) -> Path:
    """A repo with the base state only: the new blob is not in its object store."""
    repo = new_repo(tmp_path / "fresh")
    base: dict[str, tuple[bytes, str]] = {"notes.txt": (TEXT, "100644")}
    if old_pic is not None:
        base["pic.png"] = (old_pic, "100644")
    commit_files(repo, base, "base")
    return repo


def _review(repo: Path, tmp_path: Path, raw: bytes, *args: str) -> int:
    (tmp_path / "change.patch").write_bytes(raw)
    return main(["-C", str(repo), "review", str(tmp_path / "change.patch"), *args])


@pytest.mark.parametrize("old_pic", [None, PIC], ids=["added", "modified"])
def test_binary_without_data_and_unknown_short_id_is_refused_by_name_and_nothing_applies(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], old_pic: bytes | None) -> None:
    _origin, raw = _patch_pair(tmp_path, old_pic, PIC2)
    repo = _fresh(tmp_path, old_pic)
    assert run_git(repo, "apply", "--check", stdin=raw, check=False).returncode != 0
    before = snapshot(repo)
    assert _review(repo, tmp_path, raw, "--accept", "all", "--yes") == 2
    err = capsys.readouterr().err
    assert "pic.png" in err and "--binary" in err and "--full-index" in err, err
    assert "changed since the diff was made" not in err
    assert snapshot(repo) == before


@pytest.mark.parametrize("old_pic", [None, PIC], ids=["added", "modified"])
def test_binary_without_data_applies_from_the_object_store_when_its_id_names_one_blob(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], old_pic: bytes | None) -> None:
    origin, raw = _patch_pair(tmp_path, old_pic, PIC2)
    assert _review(origin, tmp_path, raw, "--dry-run") == 0
    listing = capsys.readouterr().out
    assert "from the object store" in listing, listing
    assert _review(origin, tmp_path, raw, "--accept", "all", "--yes") == 0
    assert (origin / "pic.png").read_bytes() == PIC2
    assert (origin / "notes.txt").read_bytes() == TEXT.replace(b"line 3\n", b"three\n")


def test_dry_run_says_a_binary_without_data_will_be_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _origin, raw = _patch_pair(tmp_path, None, PIC2)
    repo = _fresh(tmp_path, None)
    assert _review(repo, tmp_path, raw, "--dry-run") == 0
    assert "no data" in capsys.readouterr().out


def test_an_abbreviated_id_naming_several_objects_is_refused_never_guessed(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = _fresh(tmp_path, None)
    rng = random.Random(3)
    blobs = b"".join(bytes(rng.randrange(256) for _ in range(12)) + b"\n" for _ in range(900))
    ids = run_git(repo, "hash-object", "-w", "--stdin-paths",
                  stdin=b"".join(_write(tmp_path, i, blobs[i * 13:(i + 1) * 13]) + b"\n"
                                 for i in range(900))).stdout.split()
    seen: dict[bytes, bytes] = {}
    prefix = None
    for oid in ids:
        if oid[:4] in seen and seen[oid[:4]] != oid:
            prefix = oid[:4].decode()
            break
        seen[oid[:4]] = oid
    assert prefix is not None
    raw = (b"diff --git a/pic.png b/pic.png\nnew file mode 100644\nindex 0000.." +
           prefix.encode() + b"\nBinary files /dev/null and b/pic.png differ\n")
    assert read_patch(raw).files[0].new_oid == prefix
    before = snapshot(repo)
    assert _review(repo, tmp_path, raw, "--accept", "all", "--yes") == 2
    err = capsys.readouterr().err
    assert "pic.png" in err and "more than one" in err, err
    assert snapshot(repo) == before


def _write(tmp_path: Path, i: int, data: bytes) -> bytes:
    path = tmp_path / "blobs" / str(i)
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    return str(path).encode()
