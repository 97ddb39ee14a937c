"""pairtui as a user runs it: `pip install .` (not editable) into a venv of its own, for the
whole-command benchmarks.

An editable install (`pip install -e .`, what the worktree's .venv has) adds a `.pth` import
finder that runs at every interpreter start (~10-20 ms here, more than `git apply` takes), and
with PYTHONDONTWRITEBYTECODE set every module is compiled from source on every run. Neither is
what a person who installed pairtui with pip or pipx waits for. The venv is cached under
~/.cache/pairtui-bench/: built once per pyproject.toml (dependencies), and pairtui reinstalled
in it (`--no-deps`) whenever a file under pairtui/ changes. pip compiles the bytecode at
install time, as it does for users.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("PAIRTUI_BENCH_CACHE") or Path.home() / ".cache" / "pairtui-bench")


def _digest(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for path in paths:
        h.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def _sources() -> list[Path]:
    return sorted(p for p in (ROOT / "pairtui").rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts)


@functools.cache
def installed_python() -> Path:
    """The python of a venv holding this worktree's pairtui as `pip install .` installs it."""
    venv = CACHE / f"venv-{_digest([ROOT / 'pyproject.toml'])}"
    python = venv / "bin" / "python"
    stamp = venv / "pairtui-source.txt"
    want = _digest([*_sources(), ROOT / "pyproject.toml"])
    if python.exists() and stamp.exists() and stamp.read_text() == want:
        return python
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if not python.exists():
        print(f"# building a non-editable install in {venv} (once)", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        extra: list[str] = []
    else:
        extra = ["--no-deps", "--force-reinstall"]
    # From a clean copy: setuptools builds in the source tree, and a stale build/ there could
    # put modules deleted since into the wheel.
    with tempfile.TemporaryDirectory(prefix="pairtui-src-") as tmp:
        src = Path(tmp) / "src"
        shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(
            ".venv", ".git", "build", "*.egg-info", "__pycache__", "tests", "snapshots",
            "benchmarks"))
        out = subprocess.run([str(python), "-m", "pip", "install", "-q", *extra, str(src)],
                             env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"pip install of pairtui failed: {out.stderr.strip()[-500:]}")
    stamp.write_text(want)
    return python


def editable_env() -> dict[str, str]:
    """The worktree's editable install with its bytecode cached (outside the repo), so the
    editable rows do not pay for compiling every module on every run either."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(CACHE / "pycache")
    return env


def installed_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONPYCACHEPREFIX", None)
    return env


if __name__ == "__main__":
    print(installed_python())
