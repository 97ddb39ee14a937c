"""Test helpers for the diff engine: seeded generators of real git diffs (synthetic edits in
temp repos, with every awkward case), and a referee that applies a patch with pairtui and with
`git apply` in twin directories and compares the results byte for byte."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pairtui.diff.apply import apply_patch
from pairtui.diff.parse import render_patch
from pairtui.errors import PatchError

Files = dict[str, tuple[bytes, str]]  # path -> (content, git mode)

_WORDS = [b"alpha", b"beta", b"gamma", b"delta", b"return", b"self", b"value", b"x", b"y",
          b"if", b"else:", b"pass", b"total", b"count", b"(", b")", b"=", b"+", b"1", b"0"]
_COMMON = [b"", b"    pass", b"}", b"    return None", b"# ---", b"end"]  # repeats: offsets


def run_git(cwd: Path, *args: str, stdin: bytes | None = None, check: bool = True
            ) -> subprocess.CompletedProcess[bytes]:
    out = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True)
    if check and out.returncode != 0:
        raise AssertionError(f"git {' '.join(args)}: {out.stderr.decode(errors='replace')}")
    return out


def _line(rng: random.Random) -> bytes:
    if rng.random() < 0.15:
        return rng.choice(_COMMON)
    return b" ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 6)))


def _text(rng: random.Random, n: int, eol: bytes = b"\n", final_newline: bool = True) -> bytes:
    lines = [_line(rng) for _ in range(n)]
    body = eol.join(lines)
    return body + eol if final_newline and lines else body


def base_files(rng: random.Random) -> Files:
    """A small project with every kind of file the generator knows how to change."""
    files: Files = {}
    for i in range(rng.randint(4, 7)):
        files[f"src/mod{i}.py"] = (_text(rng, rng.randint(8, 70)), "100644")
    files["crlf.txt"] = (_text(rng, 25, eol=b"\r\n"), "100644")
    files["latin.txt"] = (b"caf\xe9 cr\xe8me\n" + _text(rng, 20) + b"na\xefve\n", "100644")
    files["nonl.txt"] = (_text(rng, 12, final_newline=False), "100644")
    files["empty.txt"] = (b"", "100644")
    files["bin.dat"] = (bytes(rng.randrange(256) for _ in range(600)) + b"\0", "100644")
    files["run.sh"] = (b"#!/bin/sh\n" + _text(rng, 10), "100755")
    files["docs/a b.md"] = (_text(rng, 15), "100644")
    files["docs/\u00fcn\u00ef.txt"] = (_text(rng, 6), "100644")
    files["gone.txt"] = (_text(rng, 9), "100644")
    files["old_name.py"] = (_text(rng, 30), "100644")
    files["plain_rename.txt"] = (_text(rng, 12), "100644")
    files["link"] = (b"src/mod0.py", "120000")
    return files


def _edit_text(rng: random.Random, data: bytes) -> bytes:
    eol = b"\r\n" if b"\r\n" in data else b"\n"
    final = data.endswith(b"\n") or not data
    lines = data.split(eol)
    if final and lines and lines[-1] == b"":
        lines.pop()
    for _ in range(rng.randint(1, 5)):
        op = rng.random()
        pos = rng.choice([0, len(lines), rng.randint(0, max(len(lines), 0))])
        if op < 0.4 and lines:  # replace (first/last lines too)
            pos = min(pos, len(lines) - 1)
            lines[pos] = _line(rng) + (b" caf\xe9" if rng.random() < 0.2 else b"")
        elif op < 0.7:
            lines[pos:pos] = [_line(rng) for _ in range(rng.randint(1, 4))]
        elif lines:
            del lines[pos:pos + rng.randint(1, 3)]
        if rng.random() < 0.3 and lines:  # an adjacent edit right after
            nxt = min(pos + 1, len(lines) - 1)
            lines[nxt] = _line(rng)
    if eol == b"\r\n" and lines and rng.random() < 0.3:
        k = rng.randrange(len(lines))
        lines[k] = lines[k] + b"\r"  # mixed endings: this one becomes "\r\r\n"
    if rng.random() < 0.15:
        final = not final
    body = eol.join(lines)
    return body + eol if final and lines else body


def edited_files(rng: random.Random, base: Files) -> Files:
    """`base` after random edits of every kind: content, newline at EOF, CRLF, latin-1,
    renames with and without edits, mode changes, deletions, new files, binary, symlink."""
    files = dict(base)
    for path, (data, mode) in base.items():
        if mode == "100644" and path.endswith((".py", ".txt", ".md")) and rng.random() < 0.8:
            files[path] = (_edit_text(rng, data), mode)
    files.pop("gone.txt")
    data, _ = files.pop("old_name.py")
    files["pkg/new_name.py"] = (_edit_text(rng, data) if rng.random() < 0.7 else data, "100644")
    files["moved.txt"] = files.pop("plain_rename.txt")
    if rng.random() < 0.5:
        files["run.sh"] = (files["run.sh"][0], "100644")
    if rng.random() < 0.5:
        content, _ = files["src/mod0.py"]
        files["src/mod0.py"] = (content, "100755")
    blob = bytearray(base["bin.dat"][0])
    blob[rng.randrange(len(blob))] ^= 0xFF
    files["bin.dat"] = (bytes(blob) if rng.random() < 0.7 else bytes(rng.randrange(256)
                                                                     for _ in range(300)), "100644")
    files["new/dir/fresh.txt"] = (_text(rng, rng.randint(1, 12)), "100644")
    files["new/empty_new.txt"] = (b"", "100644")
    files["new/pic.bin"] = (b"\x89PNG\0" + bytes(rng.randrange(256) for _ in range(40)), "100644")
    if rng.random() < 0.5:
        files["link"] = (b"src/mod1.py", "120000")
    return files


def materialize(directory: Path, files: Files) -> None:
    for path, (data, mode) in files.items():
        target = directory / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if mode == "120000":
            os.symlink(os.fsdecode(data), target)
        else:
            target.write_bytes(data)
            os.chmod(target, 0o755 if mode == "100755" else 0o644)


def snapshot(directory: Path) -> Files:
    """Every file under `directory` (except .git) with its bytes and git-style mode."""
    out: Files = {}
    for dirpath, dirnames, filenames in os.walk(directory):
        if ".git" in dirnames:
            dirnames.remove(".git")
        for name in filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(directory).as_posix()
            if path.is_symlink():
                out[rel] = (os.fsencode(os.readlink(path)), "120000")
            else:
                mode = "100755" if os.stat(path).st_mode & 0o100 else "100644"
                out[rel] = (path.read_bytes(), mode)
        for name in dirnames:  # empty directories matter too (git removes them)
            d = Path(dirpath) / name
            if not any(d.iterdir()):
                out[d.relative_to(directory).as_posix() + "/"] = (b"", "dir")
    return out


def commit_files(repo: Path, files: Files, message: str) -> str:
    """Make the repo's working tree exactly `files` and commit it; returns the commit id."""
    for entry in repo.iterdir():
        if entry.name == ".git":
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    materialize(repo, files)
    run_git(repo, "add", "-A")
    run_git(repo, "commit", "-q", "--allow-empty", "-m", message)
    return run_git(repo, "rev-parse", "HEAD").stdout.decode().strip()


def new_repo(path: Path) -> Path:
    path.mkdir(parents=True)
    run_git(path, "init", "-q", "-b", "main")
    return path


@dataclass
class Outcome:
    ok: bool
    files: Files
    error: str = ""


def git_apply(directory: Path, patch_bytes: bytes, *args: str) -> Outcome:
    out = run_git(directory, "apply", *args, stdin=patch_bytes, check=False)
    return Outcome(out.returncode == 0, snapshot(directory), out.stderr.decode(errors="replace"))


def pairtui_apply(directory: Path, patch, *, reverse: bool = False) -> Outcome:  # noqa: ANN001
    try:
        apply_patch(directory, patch, reverse=reverse)
    except PatchError as err:
        return Outcome(False, snapshot(directory), str(err))
    return Outcome(True, snapshot(directory))


def referee(work: Path, start: Files, patch, *, reverse: bool = False, tag: str = "",  # noqa: ANN001
            git_args: tuple[str, ...] = ()) -> Outcome:
    """Apply `patch` to `start` with pairtui and with `git apply` (twin directories) and
    assert the same outcome: equal files byte for byte, or both refusing with pairtui having
    left every file as it was. `git_args` go to git only (e.g. "--unidiff-zero")."""
    ours, theirs = work / f"ours{tag}", work / f"git{tag}"
    for d in (ours, theirs):
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
        materialize(d, start)
    before = snapshot(ours)
    mine = pairtui_apply(ours, patch, reverse=reverse)
    gits = git_apply(theirs, render_patch(patch), "--allow-empty", *git_args,
                     *(["--reverse"] if reverse else []))
    text = render_patch(patch).decode("utf-8", "replace")
    assert mine.ok == gits.ok, f"pairtui ok={mine.ok} ({mine.error}) git ok={gits.ok} " \
                               f"({gits.error})\n{text}"
    if mine.ok:
        assert mine.files == gits.files, f"results differ\n{text}"
    else:
        assert mine.files == before, f"pairtui changed files on failure: {mine.error}"
    return mine
