"""A person's walk through the demo in a real terminal (tmux at 160x45), keys as typed:
reject the hunk chunk 1's other code needs, accept the rest, enter: the check runs again and
fails, nothing lands; undo the reject, enter: the check passes and the chunk lands.

Every key waits for the screen to show what it needs (bounded polling of capture-pane), so the
walk holds on a loaded machine; the tmux server is our own (-L), so no other session is touched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

STEP_TIMEOUT = 120.0  # seconds for one step to show on screen; generous for a loaded machine


class Terminal:
    """One tmux server and session running a command; keys in, screen text out."""

    def __init__(self, name: str, command: list[str], cwd: Path) -> None:
        self.socket = f"walk-{name}"
        self.sockets = tempfile.mkdtemp(prefix="pairtui-tmux-")  # short: a socket path is bounded
        self.session = name
        line = " ".join(_quote(part) for part in command)
        self._tmux("new-session", "-d", "-s", name, "-x", "160", "-y", "45", "-c", str(cwd),
                   f"{line}; echo '[walk: pairtui exited]'; sleep 600")

    def _tmux(self, *args: str) -> str:
        # COLUMNS/LINES (set under pytest) would override the window's size in the app.
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "TMUX")}
        env["TMUX_TMPDIR"] = self.sockets
        out = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True,
                             timeout=30, env=env)
        if out.returncode != 0:
            raise AssertionError(f"tmux {args[0]} failed: {out.stderr.strip()}")
        return out.stdout

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", self.session)

    def keys(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", self.session, *keys)

    def wait_for(self, text: str, timeout: float = STEP_TIMEOUT, footer: bool = False) -> str:
        """Poll until `text` is on screen (in the last line, when `footer`); the screen."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            where = screen.rstrip("\n").rsplit("\n", 1)[-1] if footer else screen
            if text in where:
                return screen
            if "[walk: pairtui exited]" in screen:
                break
            time.sleep(0.2)
        raise AssertionError(f"{text!r} did not show within {timeout:g}s; the screen:\n{screen}")

    def close(self) -> None:
        try:
            self._tmux("kill-server")
        except AssertionError:
            pass  # already gone
        shutil.rmtree(self.sockets, ignore_errors=True)


def _quote(part: str) -> str:
    return "'" + part.replace("'", "'\\''") + "'"


def subjects(repo: Path) -> list[str]:
    out = subprocess.run(["git", "-C", str(repo), "log", "--format=%s"], capture_output=True,
                         text=True, check=True)
    return out.stdout.splitlines()


def step(term: Terminal, label: str) -> None:
    """Press enter, then wait until the footer offers `label` as the next enter."""
    term.keys("Enter")
    term.wait_for(f"⏎ {label}", footer=True)


def test_walk_reject_needed_hunk_checks_fails_then_undo_lands(tmp_path):
    repo = tmp_path / "demo"
    term = Terminal("walk", [sys.executable, "-m", "pairtui", "demo", "--dir", str(repo)], tmp_path)
    try:
        term.wait_for("⏎ Make plan", footer=True)
        step(term, "Approve")
        step(term, "Execute")
        step(term, "Verify")
        step(term, "Review")
        step(term, "Land")
        term.wait_for("from shop.pricing import")
        assert subjects(repo) == ["The shop before the refactor"]

        term.keys("x")  # the first hunk: it adds `from shop.pricing import ...`
        term.wait_for("Rejected in shop/invoice.py")
        term.keys("A")
        term.wait_for("Every hunk accepted")
        term.keys("Enter")
        term.wait_for("nothing landed")
        term.wait_for("⏎ Check & land", footer=True)
        assert subjects(repo) == ["The shop before the refactor"], "nothing landed"
        assert "from shop.pricing import" not in (repo / "shop" / "invoice.py").read_text()

        term.keys("z", "z")  # the first undoes `A` (nothing on disk), the second the reject
        term.wait_for("Reject undone")
        term.keys("Enter")
        term.wait_for("⏎ Execute", footer=True)  # chunk 1 landed; chunk 2 is next
        assert subjects(repo) == ["Extract the pricing rules into shop/pricing.py",
                                  "The shop before the refactor"]
        shown = subprocess.run(["git", "-C", str(repo), "show", "HEAD:shop/invoice.py"],
                               capture_output=True, text=True, check=True).stdout
        assert "from shop.pricing import" in shown
        term.keys("q")
        term.wait_for("[walk: pairtui exited]")
    finally:
        term.close()
