"""Which repository files the person has trusted to grant power.

A cloned repository can carry a `.pairtui.toml` (and, later, a `.mcp.json`) that would let the
model run commands without asking or start programs. Such keys are honoured only after the
person trusted that exact file: its SHA-256 is remembered in `trusted.json` beside the user
config (never in the repository), so an edit to the file, by a pull or by anyone, needs a new
`pairtui trust`. Trusting is always the person's act; pairtui never records it on its own.

The store maps a file's digest to the path it was trusted at (for `pairtui trust --list`); it is
written atomically and a damaged store trusts nothing rather than failing the command.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pairtui.core.store import write_atomic

STORE_NAME = "trusted.json"


def file_digest(path: Path) -> str | None:
    """SHA-256 of the file's bytes, or None when it cannot be read."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


class TrustStore:
    """Digests of trusted files, kept in the user's config directory."""

    def __init__(self, config_dir: Path) -> None:
        self.path = config_dir / STORE_NAME

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        files = data.get("files") if isinstance(data, dict) else None
        if not isinstance(files, dict):
            return {}
        return {str(k): str(v) for k, v in files.items()}

    def is_trusted(self, path: Path) -> bool:
        digest = file_digest(path)
        return digest is not None and digest in self._read()

    def trust(self, path: Path) -> str:
        """Remember the file as it is now; returns its digest."""
        digest = file_digest(path)
        if digest is None:
            raise OSError(f"cannot read {path}")
        files = self._read()
        files[digest] = str(path.resolve())
        self._write(files)
        return digest

    def revoke(self, path: Path) -> bool:
        """Forget every digest recorded for this path (and its current one); True if any was."""
        where = str(path.resolve())
        digest = file_digest(path)
        files = self._read()
        kept = {k: v for k, v in files.items() if v != where and k != digest}
        if len(kept) == len(files):
            return False
        self._write(kept)
        return True

    def _write(self, files: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"files": files}, indent=2, sort_keys=True) + "\n"
        write_atomic(self.path, text.encode("utf-8"))
