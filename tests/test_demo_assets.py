"""The demo's material: a real project, a real plan, and transcripts the real tools can play.

`pairtui demo` copies pairtui/assets/demo-repo and drives it with the replay transcripts; these
tests play the executor's tool calls through the real Toolbox and run each chunk's real Verify
command, so the demo cannot quietly drift away from the repo it edits. The demo repo needs only
the standard library (its tests are unittest), so it passes right after `pip install pairtui`.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

import pairtui
from pairtui.agent.tools import READ_ONLY_TOOLS, Toolbox
from pairtui.agent.verify import run_check
from pairtui.core.plan import Plan, parse_plan, render_plan
from pairtui.models.base import ToolCall
from tests.conftest import git

ASSETS = Path(pairtui.__file__).resolve().parent / "assets"
DEMO_REPO = ASSETS / "demo-repo"
DEMO = ASSETS / "demo"


def load_sections(path: Path) -> dict[tuple, list[dict[str, Any]]]:
    """The assistant turns of a keyed replay transcript, by what they answer: ("plan",),
    ("chunk", N), ("comment", N, PATH)... Every turn belongs to a key; shapes are checked."""
    sections: dict[tuple, list[dict[str, Any]]] = {}
    key: tuple | None = None
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        entry = json.loads(line)
        if "for" in entry:
            key = (entry["for"], *(entry[k] for k in ("chunk", "path") if k in entry))
            assert key not in sections, f"{path.name}:{number}: {key} answered twice"
            sections[key] = []
            continue
        assert key is not None, f"{path.name}:{number}: a turn before the first key"
        assert set(entry) <= {"turn", "pace", "usage"}, f"{path.name}:{number}"
        for part in entry["turn"]:
            assert len(part) == 1 and next(iter(part)) in {"text", "thinking", "tool"} or (
                set(part) == {"tool", "args"}), f"{path.name}:{number}: {part}"
        sections[key].append(entry)
    return sections


def tool_calls(turn: dict[str, Any]) -> list[ToolCall]:
    return [ToolCall(id=f"call_{i}", name=part["tool"], arguments=part.get("args", {}))
            for i, part in enumerate(turn["turn"]) if "tool" in part]


def turn_text(turn: dict[str, Any]) -> str:
    return "".join(part["text"] for part in turn["turn"] if "text" in part)


def one_round(turns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A section is one model round: tool calls in every turn but the last."""
    assert turns and not tool_calls(turns[-1]), "the round ends with a turn without tool calls"
    assert all(tool_calls(turn) for turn in turns[:-1]), "a round ends at its first answer"
    return turns


async def play(box: Toolbox, turns: list[dict[str, Any]], what: str) -> set[str]:
    changed: set[str] = set()
    for turn in one_round(turns):
        assert turn.get("pace"), "the demo streams at a visible pace"
        assert turn_text(turn), "every turn says what it is doing"
        for call in tool_calls(turn):
            outcome = await box.call(call)
            assert not outcome.is_error, f"{what} {call.name}: {outcome.content}"
            changed.update(outcome.changed_paths)
    return changed


def demo_plan() -> Plan:
    return parse_plan((DEMO / "plan.md").read_text())


@pytest.fixture
def demo_copy(tmp_path: Path) -> Path:
    """What `pairtui demo` works on: a copy of the demo repo with one commit."""
    repo = tmp_path / "shop"
    shutil.copytree(DEMO_REPO, repo,
                    ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Initial shop")
    return repo


def test_demo_repo_is_a_small_self_contained_project():
    assert not (DEMO_REPO / ".git").exists()
    for name in ("README.md", "AGENTS.md", ".gitignore", "pyproject.toml"):
        assert (DEMO_REPO / name).is_file(), name
    sources = [p for p in DEMO_REPO.rglob("*.py") if "__pycache__" not in p.parts]
    lines = sum(len(p.read_text().splitlines()) for p in sources)
    assert 200 <= lines <= 700
    allowed = set(sys.stdlib_module_names) | {"shop", "tests"}  # no pytest: see the docstring
    for source in sources:
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in allowed, f"{source.name} imports {name}"


async def test_demo_repo_tests_pass_as_shipped(demo_copy):
    result = await run_check("python3 -m unittest -q", demo_copy, timeout=120)
    assert result.passed, result.output
    assert "Ran 17 tests" in result.output
    assert git(demo_copy, "status", "--porcelain") == ""  # caches are git-ignored


def test_plan_has_three_chunks_with_real_checks_and_round_trips():
    plan = demo_plan()
    assert plan.goal == "Put the shop's pricing rules in one place"
    assert [chunk.number for chunk in plan.chunks] == [1, 2, 3]
    for chunk in plan.chunks:
        assert chunk.verify and chunk.verify.startswith("python3 -m unittest -q")
        assert chunk.files and chunk.body
    assert "tests/test_pricing.py" in plan.chunks[2].files
    text = (DEMO / "plan.md").read_text()
    assert render_plan(plan) == text


async def test_planner_researches_read_only_then_answers_with_the_plan(demo_copy):
    sections = load_sections(DEMO / "planner.jsonl")
    assert set(sections) == {("plan",), ("revise",)}
    turns = one_round(sections[("plan",)])
    research, final = turns[:-1], turns[-1]
    assert research and all(tool_calls(turn) for turn in research)
    box = Toolbox(demo_copy, read_only=True)
    for turn in research:
        for call in tool_calls(turn):
            assert call.name in READ_ONLY_TOOLS
            outcome = await box.call(call)
            assert not outcome.is_error, outcome.content
    assert not tool_calls(final)
    assert turn_text(final) == (DEMO / "plan.md").read_text()


def test_the_scripted_revision_keeps_the_chunks_and_changes_what_it_says():
    from pairtui.agent.planner import extract_plan_text

    reply = turn_text(one_round(load_sections(DEMO / "planner.jsonl")[("revise",)])[-1])
    assert reply.startswith("Revised the plan:"), "the planner says what it changed"
    revised, plan = parse_plan(extract_plan_text(reply)), demo_plan()
    assert [c.title for c in revised.chunks] == [c.title for c in plan.chunks]
    assert revised.chunks[2].verify == "python3 -m unittest -q" != plan.chunks[2].verify
    assert "imports it" in revised.chunks[0].body and "imports it" not in plan.chunks[0].body


async def test_executor_transcript_edits_the_repo_and_every_chunk_verifies(demo_copy):
    plan = demo_plan()
    sections = load_sections(DEMO / "executor.jsonl")
    assert sorted(k[1] for k in sections if k[0] == "chunk") == [c.number for c in plan.chunks]
    box = Toolbox(demo_copy)
    for chunk in plan.chunks:
        changed = await play(box, sections[("chunk", chunk.number)], f"chunk {chunk.number}")
        assert changed and changed <= set(chunk.files), (chunk.number, changed)
        result = await run_check(chunk.verify or "", demo_copy, timeout=120)
        assert result.passed, f"chunk {chunk.number} verify failed:\n{result.output}"
        git(demo_copy, "add", "-A")
        git(demo_copy, "commit", "-q", "-m", chunk.title)
    final = demo_copy / "shop" / "invoice.py"
    assert "TODO" not in final.read_text() and "ROUND_HALF_UP" not in final.read_text()
    everything = await run_check("python3 -m unittest -q", demo_copy, timeout=120)
    assert everything.passed and "Ran 24 tests" in everything.output


@pytest.mark.parametrize(("chunk", "path"), [(1, "shop/pricing.py"), (1, "shop/invoice.py"),
                                             (2, "shop/invoice.py"), (2, "README.md"),
                                             (3, "tests/test_pricing.py")])
async def test_a_hunk_comment_on_each_file_of_each_chunk_is_scripted_and_keeps_the_story(
        demo_copy, chunk, path):
    """The revision edits only the commented file, its chunk's check still passes, and the
    later chunks' scripts still apply on top of it."""
    plan = demo_plan()
    sections = load_sections(DEMO / "executor.jsonl")
    assert sorted(k[1:] for k in sections if k[0] == "comment") == sorted(
        (c.number, f) for c in plan.chunks for f in c.files)
    box = Toolbox(demo_copy)
    for item in plan.chunks:
        await play(box, sections[("chunk", item.number)], f"chunk {item.number}")
        if item.number == chunk:
            changed = await play(box, sections[("comment", chunk, path)], f"comment on {path}")
            assert changed == {path}
        result = await run_check(item.verify or "", demo_copy, timeout=120)
        assert result.passed, f"chunk {item.number} verify failed:\n{result.output}"


def test_transcripts_match_their_generator():
    spec = importlib.util.spec_from_file_location("make_transcripts",
                                                  DEMO / "make_transcripts.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (DEMO / "plan.md").read_text() == module.PLAN
    module.check_edits_apply()  # every edit matches once, with each comment's detour too
    for name, entries in (("planner.jsonl", module.PLANNER), ("executor.jsonl", module.EXECUTOR)):
        lines = [json.loads(line) for line in (DEMO / name).read_text().splitlines() if line]
        assert lines == entries, f"{name} is stale: run python pairtui/assets/demo/make_transcripts.py"
