"""Interactive `pairtui review` (no --yes) takes a checkpoint before its first write, so a hunk
reverse-applied in working-tree mode can be brought back with `pairtui restore`."""

from __future__ import annotations

from pathlib import Path

from pairtui.commands.review import load_source, review_app
from pairtui.git.repo import find_repo
from tests.support_ui_diff import CART_NEW, cart_only_repo, git, settle


def _checkpoint_refs(repo: Path) -> list[str]:
    return git(repo, "for-each-ref", "--format=%(refname)", "refs/pairtui").split()


async def test_rejecting_a_worktree_hunk_is_preceded_by_a_checkpoint_holding_it(tmp_path):
    repo, _ = cart_only_repo(tmp_path)
    info = find_repo(repo)
    source, patch = load_source(info.root, None)
    assert source == "worktree"
    app = review_app(info, patch, source)
    assert _checkpoint_refs(repo) == []
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
    cart = (repo / "src" / "cart.py").read_text()
    assert cart != CART_NEW  # the rejected hunk was reverse-applied on disk
    refs = _checkpoint_refs(repo)
    assert len(refs) == 1
    assert git(repo, "show", f"{refs[0]}:src/cart.py") == CART_NEW  # the person's change, kept
    assert app.checkpoint_id and f"'pairtui restore {app.checkpoint_id}' undoes it" in app.summary


async def test_a_review_that_writes_nothing_takes_no_checkpoint(tmp_path):
    repo, _ = cart_only_repo(tmp_path)
    info = find_repo(repo)
    source, patch = load_source(info.root, None)
    app = review_app(info, patch, source)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("a", "escape")
        await settle(pilot)
    assert _checkpoint_refs(repo) == []
