"""The planner: research with read-only tools, a plan that parses (one retry), revisions."""

from __future__ import annotations

import pytest

from pairtui.agent.events import Notice, ToolFinished
from pairtui.agent.planner import extract_plan_text
from pairtui.errors import PlanError
from tests.support_engine import make_pairing, of_kind, text, tool, turn

PLAN = """\
# Goal: Greet people by name

## Chunk 1: Add a greet function
Files: src/app.py
Verify: python -c "print('ok')"

Add greet(name).

## Chunk 2: Test greet
Files: tests/test_app.py

Add a test.
"""


async def test_planner_researches_with_read_only_tools_then_plans(git_repo, tmp_path):
    planner = [
        turn(text("Looking around."), tool("list_files"), tool("read_file", path="src/app.py")),
        turn(text(PLAN)),
    ]
    pairing, model, _, events = make_pairing(git_repo, tmp_path, planner, [])
    plan = await pairing.make_plan()
    assert [c.title for c in plan.chunks] == ["Add a greet function", "Test greet"]
    assert {t.name for t in model.requests[0].tools} == {"read_file", "list_files", "search"}
    assert "def hello():" in model.seen_text()  # the file it read came back to it
    assert pairing.session.plan_versions == (PLAN,)
    assert pairing.plan_path().read_text() == PLAN
    assert pairing.plan_path().is_relative_to(git_repo / ".git")


async def test_planner_cannot_write_files(git_repo, tmp_path):
    planner = [turn(tool("write_file", path="evil.txt", content="x")), turn(text(PLAN))]
    pairing, _, _, events = make_pairing(git_repo, tmp_path, planner, [])
    await pairing.make_plan()
    assert not (git_repo / "evil.txt").exists()
    assert of_kind(events, ToolFinished)[0].is_error


async def test_unparseable_reply_gets_one_retry_with_the_error(git_repo, tmp_path):
    planner = [turn(text("Sure! I would split it up.")), turn(text(PLAN))]
    pairing, model, _, events = make_pairing(git_repo, tmp_path, planner, [])
    plan = await pairing.make_plan()
    assert len(plan.chunks) == 2
    retry = model.requests[1].messages[-1].text
    assert "could not be read as a plan" in retry and "## Chunk 1:" in retry
    assert any("did not parse" in n.text for n in of_kind(events, Notice))


async def test_second_bad_reply_is_a_plan_error_and_nothing_is_accepted(git_repo, tmp_path):
    planner = [turn(text("no plan here")), turn(text("still no plan"))]
    pairing, _, _, _ = make_pairing(git_repo, tmp_path, planner, [])
    with pytest.raises(PlanError, match="not a plan"):
        await pairing.make_plan()
    assert pairing.plan is None
    assert pairing.session.plan_versions == ()


async def test_revision_makes_a_new_version_and_keeps_the_old(git_repo, tmp_path):
    revised = PLAN.replace("## Chunk 2: Test greet", "## Chunk 2: Test greet with two names")
    planner = [turn(text(PLAN)), turn(text(revised))]
    pairing, model, _, _ = make_pairing(git_repo, tmp_path, planner, [])
    await pairing.make_plan()
    plan = await pairing.revise_plan("test two names, and look at @src/app.py")
    assert plan.chunk(2).title == "Test greet with two names"
    assert pairing.session.plan_versions == (PLAN, revised)
    asked = model.requests[1].messages[0].text
    assert "test two names" in asked and "## Chunk 1: Add a greet function" in asked
    assert "def hello():" in asked  # the @mention was attached


def test_person_edit_of_the_plan_is_parsed_and_kept(git_repo, tmp_path):
    pairing, _, _, _ = make_pairing(git_repo, tmp_path, [], [])
    with pytest.raises(PlanError):
        pairing.set_plan_text("# Goal: x\n\nno chunks\n")
    pairing.set_plan_text(PLAN)
    assert pairing.plan.chunk(1).verify == "python -c \"print('ok')\""


async def test_skill_is_listed_by_name_and_read_when_used(git_repo, tmp_path):
    skill = git_repo / ".agents" / "skills" / "release-notes"
    skill.mkdir(parents=True)
    (skill / "SKILL.md").write_text(
        "---\nname: release-notes\ndescription: How this project writes release notes.\n---\n\n"
        "Write notes in CHANGES.md, newest first.\n")
    planner = [turn(tool("read_file", path=".agents/skills/release-notes/SKILL.md")), turn(text(PLAN))]
    pairing, model, _, events = make_pairing(git_repo, tmp_path, planner, [])
    await pairing.make_plan()
    first = model.requests[0].cache_prefix
    assert "release-notes" in first and "How this project writes release notes." in first
    assert "newest first" not in first  # only name and description, until the model reads it
    read = of_kind(events, ToolFinished)[0]
    assert not read.is_error and "newest first" in read.result


def test_extract_plan_text_unwraps_fences_and_drops_chatter():
    reply = f"Here is the plan:\n\n```markdown\n{PLAN}```\nLet me know!"
    assert extract_plan_text(reply) == PLAN
    assert extract_plan_text(f"Sure.\n\n{PLAN}") == PLAN
