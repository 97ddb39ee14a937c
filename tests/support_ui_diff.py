"""Deterministic repos and patches for the diff viewer's tests (real git, fixed content)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from textual.app import App, ComposeResult

from pairtui.diff.compute import WORKTREE, diff_between
from pairtui.diff.model import Patch

CART_OLD = """\
\"\"\"Shopping cart.\"\"\"

TAX_RATE = 0.2


class Cart:
    def __init__(self):
        self.items = []

    def add(self, name, price, qty=1):
        self.items.append((name, price, qty))

    def total(self):
        return sum(price * qty for _, price, qty in self.items)

    def describe(self):
        lines = []
        for name, price, qty in self.items:
            lines.append(f"{name}: {qty} x {price}")
        return "\\n".join(lines)


def discount(total, percent):
    return total - total * percent / 100
"""

CART_NEW = """\
\"\"\"Shopping cart with tax.\"\"\"

TAX_RATE = 0.25


class Cart:
    def __init__(self):
        self.items = []

    def add(self, name, price, qty=1):
        self.items.append((name, price, qty))

    def total(self, with_tax=False):
        subtotal = sum(price * qty for _, price, qty in self.items)
        return subtotal * (1 + TAX_RATE) if with_tax else subtotal

    def describe(self):
        lines = []
        for name, price, qty in self.items:
            lines.append(f"{name}: {qty} x {price:.2f} = {price * qty:.2f} (a deliberately long line to show the cut marker)")
        return "\\n".join(lines)


def discount(total, percent):
\treturn round(total - total * percent / 100, 2)
"""


def git(cwd: Path, *args: str) -> str:
    out = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return out.stdout


def make_repo(root: Path) -> Path:
    """A repo with one commit; `change_worktree` then edits it in every way the viewer shows."""
    repo = root / "shop"
    (repo / "src").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    (repo / "src" / "cart.py").write_text(CART_OLD)
    (repo / "docs").mkdir()
    (repo / "docs" / "notes.txt").write_text("".join(f"note line {i}\n" for i in range(1, 21)))
    (repo / "win.txt").write_bytes(b"first\r\nsecond\r\nthird\r\n")
    (repo / "latin1.txt").write_bytes(b"caf\xe9 au lait\nprix: 3 euros\n")
    (repo / "logo.bin").write_bytes(bytes(range(256)))
    (repo / "old.py").write_text("print('bye')\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "initial")
    return repo


def change_worktree(repo: Path) -> None:
    (repo / "src" / "cart.py").write_text(CART_NEW)
    notes = (repo / "docs" / "notes.txt").read_text().replace("note line 10", "note line ten")
    (repo / "docs" / "notes.txt").unlink()
    (repo / "docs" / "guide.txt").write_text(notes)
    (repo / "win.txt").write_bytes(b"first\r\nsecond, edited\r\nthird\r\n")
    (repo / "latin1.txt").write_bytes(b"caf\xe9 cr\xe8me\nprix: 3 euros\n")
    # A different size on purpose: a same-size edit in the same second as the commit can be
    # missed by a diff that copies the index (racy git), which is not what these tests are about.
    (repo / "logo.bin").write_bytes(bytes(reversed(range(256))) + b"\x00")
    (repo / "old.py").unlink()
    (repo / "src" / "tax.py").write_text("def tax(amount):\n    return amount * 0.25\n")


def worktree_patch(repo: Path) -> Patch:
    return diff_between(repo, "HEAD", WORKTREE)


def cart_only_repo(root: Path) -> tuple[Path, Patch]:
    """Just the cart change: 4 hunks in one file (handy for action tests)."""
    repo = root / "cart"
    (repo / "src").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    body = "".join(f"line {i}\n" for i in range(1, 41))
    (repo / "src" / "nums.txt").write_text(body)
    (repo / "src" / "cart.py").write_text(CART_OLD)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "initial")
    (repo / "src" / "cart.py").write_text(CART_NEW)
    return repo, worktree_patch(repo)


class DiffHost(App):
    """The smallest host: one DiffView filling the screen, recording the messages it posts."""

    def __init__(self, patch: Patch, **kwargs) -> None:
        super().__init__()
        self._patch = patch
        self._kwargs = kwargs
        self.messages: list = []

    def compose(self) -> ComposeResult:
        from pairtui.ui.widgets.diff_view import DiffView

        yield DiffView(self._patch, **self._kwargs)

    def on_mount(self) -> None:
        from pairtui.ui.widgets.diff_view import DiffView

        self.query_one(DiffView).focus()

    def on_diff_view_hunk_accepted(self, m) -> None:
        self.messages.append(m)

    def on_diff_view_hunk_rejected(self, m) -> None:
        self.messages.append(m)

    def on_diff_view_hunk_split(self, m) -> None:
        self.messages.append(m)

    def on_diff_view_comment_requested(self, m) -> None:
        self.messages.append(m)

    def on_diff_view_all_accepted(self, m) -> None:
        self.messages.append(m)

    def on_diff_view_undone(self, m) -> None:
        self.messages.append(m)


async def settle(pilot) -> None:
    """Wait until file work and syntax colouring are done, so the screen and disk are final."""
    from pairtui.ui.widgets.diff_view import DiffView

    for _ in range(200):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        views = pilot.app.query(DiffView)
        if not any(v.highlight_pending for v in views) and not any(
                w.is_running for w in pilot.app.workers):
            break
    await pilot.pause()


def moved_block_repo(root: Path) -> tuple[Path, Patch]:
    """A function moved to the end of its file (and one line edited inside it)."""
    repo = root / "moved"
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    parse = "def parse(text):\n    fields = text.split(',')\n    return [f.strip() for f in fields]\n\n\n"
    render = "def render(rows):\n    return '\\n'.join(', '.join(r) for r in rows)\n\n\n"
    main = "def main(path):\n    with open(path) as handle:\n        print(render(parse(handle.read())))\n"
    (repo / "csvtool.py").write_text(parse + render + main)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "initial")
    moved = parse.replace("split(',')", "split(';')").rstrip("\n") + "\n"
    (repo / "csvtool.py").write_text(render + main + "\n\n" + moved)
    return repo, worktree_patch(repo)
