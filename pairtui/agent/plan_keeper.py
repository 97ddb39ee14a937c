"""Keeping the approved plan as a markdown file in the repo (`--plan-out PATH`, `plans_dir`).

On approval the plan is written to the working tree: the approved text first, exactly as
approved (so `pairtui run --plan` on the file runs the same chunks), then, when the plan went
through revisions, an "Earlier versions" section holding each one's final text in fences (a
plan note: no chunk is read from it). It lands with the first chunk that lands (in that
chunk's commit) or, with `plans_commit = "own-commit"`, at once as its own commit; never with
the person's own edits. The landed chunks' trailers name the file (`Pairtui-Plan`), so the
plan stays readable from history after the session store is pruned.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from pairtui.config import Config
from pairtui.core.session import Session
from pairtui.core.store import write_atomic
from pairtui.errors import GitError, UsageError
from pairtui.git.land import land_files
from pairtui.git.trailers import model_value


def planned_path(repo_root: Path, session: Session, config: Config) -> str | None:
    """Repo-relative path of the session's plan file, or None when plans are not kept.
    UsageError (nothing written) for a path outside the repo or inside .git."""
    kept = session.extra.get("plan_file")
    if kept:
        return str(kept["path"])
    if config.plan_out:
        target = Path(config.plan_out)
    elif config.plans_dir:
        target = Path(config.plans_dir) / f"{session.id[:8]}-{_slug(session.goal)}.md"
    else:
        return None
    return check_path(repo_root, target)


def check_path(repo_root: Path, target: Path) -> str:
    """`target` (absolute, or relative to the repo root) as a repo-relative path; UsageError
    for a path outside the repo, inside .git, or naming a folder. (`--plan-out` is checked
    before any model is asked.)"""
    root = Path(repo_root).resolve()
    full = (target if target.is_absolute() else root / target).resolve()
    if full == root or root not in full.parents:
        raise UsageError(f"the plan file must be inside the repository: {target}")
    rel = full.relative_to(root).as_posix()
    if rel.split("/")[0] == ".git" or full.is_dir():
        raise UsageError(f"cannot keep the plan at {rel}: pick a file path in the working tree")
    return rel


def render(session: Session) -> str:
    """The approved plan, then its earlier versions (fenced, so they read as one note)."""
    versions = session.plan_versions
    text = versions[-1].rstrip("\n") + "\n"
    if len(versions) < 2:
        return text
    parts = [text, "", "## Earlier versions of this plan", "",
             f"Kept by pairtui (session {session.id}): each draft before the approved one, oldest first.", ""]
    for number, version in enumerate(versions[:-1], 1):
        fence = "`" * max(4, 1 + max((len(m) for m in re.findall(r"`+", version)), default=0))
        parts += [f"Version {number}:", "", f"{fence}markdown", version.rstrip("\n"), fence, ""]
    return "\n".join(parts)


def write(repo_root: Path, session: Session, rel: str, config: Config) -> tuple[dict, str]:
    """Write the plan file; commit it now when the person chose its own commit. Returns the
    session's `plan_file` record and what to tell the person. A commit git refuses (no
    identity, HEAD moved) leaves the file to land with the first chunk, and says so."""
    data = render(session).encode("utf-8")
    path = Path(repo_root) / rel
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data)
        os.chmod(path, 0o644)
    except OSError as err:
        raise UsageError(f"could not write the plan file {rel}: {err.strerror or err}") from None
    record = {"path": rel, "commit": None}
    if config.plans_commit != "own-commit":
        return record, f"plan kept in {rel}; it lands with the first chunk"
    trailers = (("Session", session.id), ("Planner", model_value(session.planner)), ("Plan", rel)) \
        if config.trailers else ()
    try:
        result = land_files(repo_root, {rel: data}, f"Plan: {session.goal}" if session.goal else "Plan",
                            "The approved plan of this session, kept by pairtui.", trailers)
    except GitError as err:
        return record, f"plan kept in {rel} but not committed ({err.message}); it lands with the first chunk"
    return {**record, "commit": result.commit}, result.message


def files_to_land(repo_root: Path, session: Session) -> dict[str, bytes]:
    """The plan file, when it still waits for the first chunk to land."""
    kept = session.extra.get("plan_file")
    if not kept or kept.get("commit"):
        return {}
    path = Path(repo_root) / kept["path"]
    return {kept["path"]: render(session).encode("utf-8")} if path.is_file() else {}


def _slug(goal: str) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", goal.lower()).strip("-")
    return (words[:60].rstrip("-") or "plan")
