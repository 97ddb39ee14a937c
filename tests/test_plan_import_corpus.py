"""Real plans from public repositories (tests/plans/corpus, sources in manifest.toml): each
imports into the steps counted by hand, round-trips, and gets exactly the checks it names, as
proposals; commands that must not run unattended are flagged, never runnable."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from pairtui.core.plan import parse_plan, render_plan

CORPUS = Path(__file__).parent / "plans" / "corpus"
MANIFEST = tomllib.loads((CORPUS / "manifest.toml").read_text(encoding="utf-8"))
FILES = sorted(CORPUS.glob("*.md"))


def test_the_corpus_has_two_dozen_real_plans_each_with_its_source():
    assert len(FILES) >= 24
    assert sorted(MANIFEST) == [p.name for p in FILES]
    for name, entry in MANIFEST.items():
        assert re.fullmatch(r"[\w.-]+/[\w.-]+:\S+", entry["source"]), name
        assert re.fullmatch(r"[0-9a-f]{40}", entry["commit"]), name
    kinds = {entry["kind"].split("-")[0] for entry in MANIFEST.values()}
    assert {"cursor", "humanlayer", "codex", "kiro", "prd", "claude", "superpowers"} <= kinds


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_real_plan_imports_into_the_hand_counted_steps(path: Path):
    plan = parse_plan(path.read_text(encoding="utf-8"))
    assert len(plan.chunks) == MANIFEST[path.name]["steps"]
    assert all(chunk.title for chunk in plan.chunks)
    assert len({chunk.number for chunk in plan.chunks}) == len(plan.chunks)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_real_plan_round_trips_exactly(path: Path):
    text = path.read_text(encoding="utf-8")
    assert render_plan(parse_plan(text)) == text


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_each_named_check_is_found_as_a_proposal(path: Path):
    plan = parse_plan(path.read_text(encoding="utf-8"))
    expected = {int(k): v for k, v in MANIFEST[path.name].get("checks", {}).items()}
    found = {i: c.verify for i, c in enumerate(plan.chunks, start=1) if c.verify}
    assert found == expected
    for i in expected:
        assert plan.chunks[i - 1].verify_source == "imported"
        assert plan.chunks[i - 1].check_is_imported


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_long_running_commands_are_flagged_never_runnable(path: Path):
    plan = parse_plan(path.read_text(encoding="utf-8"))
    expected = {int(k): v for k, v in MANIFEST[path.name].get("flagged", {}).items()}
    flagged = {i: [cmd for cmd, _ in c.flagged] for i, c in enumerate(plan.chunks, start=1) if c.flagged}
    assert flagged == expected
    for chunk in plan.chunks:
        for command, why in chunk.flagged:
            assert why and command not in (chunk.verify or "").split(" && ")


def test_corpus_figures():
    """The figures the report quotes: files, steps, checks found, flagged."""
    plans = [parse_plan(p.read_text(encoding="utf-8")) for p in FILES]
    with_checks = sum(1 for plan in plans if any(c.verify for c in plan.chunks))
    assert sum(len(p.chunks) for p in plans) == sum(e["steps"] for e in MANIFEST.values())
    assert with_checks == sum(1 for e in MANIFEST.values() if e.get("checks"))


def test_mangled_real_plans_either_parse_and_round_trip_or_name_a_line():
    """Random line drops, duplications, cuts and stray fences never crash the importer."""
    import random

    from pairtui.errors import PlanError

    rng = random.Random(20261130)
    texts = [p.read_text(encoding="utf-8") for p in FILES]
    for _ in range(300):
        lines = rng.choice(texts).splitlines(keepends=True)
        for _ in range(rng.randint(1, 5)):
            i = rng.randrange(len(lines))
            action = rng.choice(["drop", "dup", "cut", "quote", "fence"])
            if action == "drop" and len(lines) > 1:
                del lines[i]
            elif action == "dup":
                lines.insert(i, lines[i])
            elif action == "cut":
                lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)]
            elif action == "quote":
                lines[i] = lines[i].replace("`", "'", 1)
            else:
                lines.insert(i, "```\n")
        text = "".join(lines)
        try:
            plan = parse_plan(text)
        except PlanError as exc:
            assert exc.line is not None and "\n" not in str(exc)
            continue
        assert render_plan(plan) == text
