"""Repositories where git converts file content on its way in (end-of-line attributes,
core.autocrlf, clean/smudge filters).

There the patch describes the converted ("clean") text while the working tree holds the
smudged bytes, so the Python apply cannot match context byte for byte. `git apply` knows these
conversions; pairtui hands such patches to it: first `git apply --check` (nothing written on
failure), then the real run, so all-or-nothing still holds.
"""

from __future__ import annotations

import subprocess

from pairtui.diff.fragments import has_context
from pairtui.diff.model import Patch
from pairtui.diff.render import render_patch
from pairtui.errors import PatchError

TYPE_CHECKING = False  # not typing's, and pathlib only for hints: see model.py
if TYPE_CHECKING:
    from pathlib import Path


def uses_conversion(root: Path | str, paths: list[str]) -> bool:
    """True when git would convert any of `paths` between the working tree and the index."""
    autocrlf = subprocess.run(["git", "config", "--get", "core.autocrlf"], cwd=root,
                              capture_output=True, text=True).stdout.strip().lower()
    if autocrlf in ("true", "input", "yes", "on", "1"):
        return True
    if not paths:
        return False
    out = subprocess.run(["git", "check-attr", "-z", "--stdin", "text", "eol", "filter",
                          "working-tree-encoding"], cwd=root, capture_output=True,
                         input=b"\0".join(p.encode("utf-8", "surrogateescape") for p in paths))
    fields = out.stdout.split(b"\0")
    values = fields[2::3]
    return any(v not in (b"unspecified", b"unset", b"") for v in values)


def apply_with_git(root: Path | str, patch: Patch) -> None:
    """Apply `patch` to the working tree with git itself, checked first; PatchError on refusal."""
    data = render_patch(patch)
    zero = ["--unidiff-zero"] if any(not has_context(h) for f in patch.files
                                     for h in f.hunks) else []
    for args in (["apply", "--check", "--allow-empty"], ["apply", "--allow-empty"]):
        out = subprocess.run(["git", *args, *zero], cwd=root, input=data, capture_output=True)
        if out.returncode != 0:
            lines = out.stderr.decode("utf-8", "replace").strip().splitlines()
            reason = next((ln for ln in lines if ln.startswith("error:")), lines[-1] if lines
                          else "git apply failed")
            raise PatchError(reason.removeprefix("error: ").strip())
