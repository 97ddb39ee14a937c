"""What a chunk's commit says about itself: trailers for a fix round and a reverted chunk, the
switch that turns them off, the round and comment `why` reads back, and the plan kept in the
repo (with the first chunk or as its own commit)."""

from __future__ import annotations

import json

from pairtui.core.plan import parse_plan
from pairtui.git.trailers import pairtui_trailers
from tests.conftest import git
from tests.support_engine import (
    edit_chunk,
    make_pairing,
    run_cli,
    text,
    tool,
    turn,
    write_chunk,
    write_transcript,
)

PLAN = """\
# Goal: Greet people by name

## Chunk 1: Add a greet function
Files: src/app.py
Verify: test -f src/greeted.txt

Add greet(name).

## Chunk 2: Add notes
Files: NOTES.md

Write NOTES.md.
"""

GREET = edit_chunk("src/app.py", "    return 'hi'\n",
                   "    return 'hi'\n\n\ndef greet(name):\n    return f'hello {name}'\n")
FIX = [turn(text("The check wants a marker."), tool("write_file", path="src/greeted.txt", content="yes\n")),
       turn(text("Fixed."))]


def trailers(repo, rev: str = "HEAD") -> dict[str, str]:
    return pairtui_trailers(git(repo, "log", "-1", "--format=%B", rev))


async def land_all(pairing) -> None:
    while await pairing.next_step() != "done":
        pass


async def test_a_fix_round_is_counted_in_the_verify_trailer_and_named_by_why(git_repo, tmp_path, capsys):
    pairing, _, _, _ = make_pairing(git_repo, tmp_path, [], [*GREET, *FIX, *write_chunk("NOTES.md", "n\n")])
    pairing.set_plan_text(PLAN)
    pairing.approve_plan()
    await land_all(pairing)
    first = trailers(git_repo, "HEAD~1")
    assert first["Verify"] == "test -f src/greeted.txt passed after 1 fix round"
    assert first["Chunk"] == "1/2 Add a greet function"
    assert first["Session"] == pairing.session.id
    assert first["Executor"] == "replay:executor" and first["Planner"] == "replay:planner"
    assert trailers(git_repo)["Verify"] == "unverified"  # chunk 2 has no check, none configured
    code, out, _ = run_cli(capsys, "-C", str(git_repo), "why", "src/greeted.txt:1", "--json")
    story = json.loads(out)["stories"][0]
    assert story["call"]["round"] == "fix round 1 of 2 (after `test -f src/greeted.txt` failed)"
    assert story["call"]["said"] == "The check wants a marker."


async def test_rolling_back_a_landed_chunk_makes_a_revert_with_its_reverts_trailer(git_repo, tmp_path):
    pairing, _, _, _ = make_pairing(git_repo, tmp_path, [], [*GREET, *FIX, *write_chunk("NOTES.md", "n\n")])
    pairing.set_plan_text(PLAN)
    pairing.approve_plan()
    await land_all(pairing)
    landed = git(git_repo, "rev-parse", "HEAD~1").strip()
    pairing.rollback(1)
    assert git(git_repo, "log", "-1", "--format=%s").strip() == 'Revert "Add a greet function"'
    revert = trailers(git_repo)
    assert revert == {"Session": pairing.session.id, "Chunk": "1/2 Add a greet function", "Reverts": landed}


async def test_trailers_off_leaves_only_the_title_and_plan_text(git_repo, tmp_path, capsys):
    pairing, _, _, _ = make_pairing(git_repo, tmp_path, [], [*GREET, *FIX, *write_chunk("NOTES.md", "n\n")],
                                    trailers=False)
    pairing.set_plan_text(PLAN)
    pairing.approve_plan()
    await land_all(pairing)
    assert git(git_repo, "log", "-1", "--format=%B", "HEAD~1") == "Add a greet function\n\nAdd greet(name).\n\n"
    assert "Pairtui-" not in git(git_repo, "log", "--format=%B")
    # The store still knows which session landed the commit, so why can tell the story.
    code, out, _ = run_cli(capsys, "-C", str(git_repo), "why", "src/app.py:5")
    assert code == 0 and "written by pairtui: chunk 1" in out and "edit_file" in out


async def test_a_hunk_comment_is_named_as_what_led_to_the_revised_line(git_repo, tmp_path, capsys):
    plan = PLAN.replace("Verify: test -f src/greeted.txt\n", "")
    executor = [*GREET, turn(tool("edit_file", path="src/app.py", old_string="f'hello {name}'",
                                  new_string="f'hello {name}!'")), turn(text("Added the mark."))]
    pairing, _, _, _ = make_pairing(git_repo, tmp_path, [], [*executor, *write_chunk("NOTES.md", "n\n")])
    pairing.set_plan_text(plan)
    pairing.approve_plan()
    await pairing.execute(1)
    await pairing.send_back(1, (0, 0), "add an exclamation mark")
    await land_all(pairing)
    code, out, _ = run_cli(capsys, "-C", str(git_repo), "why", "src/app.py:6", "--json")
    story = json.loads(out)["stories"][0]
    assert story["call"]["number"] == 3
    assert story["call"]["round"] == "revision after your comment on src/app.py"
    assert story["comments"] == [{"path": "src/app.py", "comment": "add an exclamation mark",
                                  "first_call": 3, "until": 10**9, "led_here": True}]
    code, out, _ = run_cli(capsys, "-C", str(git_repo), "why", "src/app.py:5")
    assert "comment   on src/app.py: add an exclamation mark\n" in out  # shown, but it did not lead there


async def test_plan_lands_with_the_first_chunk(git_repo, tmp_path):
    pairing, _, _, _ = make_pairing(git_repo, tmp_path, [], [*GREET, *FIX, *write_chunk("NOTES.md", "n\n")],
                                    plans_dir="docs/plans")
    pairing.set_plan_text(PLAN.replace("Add greet(name).", "Add greet."))
    pairing.set_plan_text(PLAN)
    pairing.approve_plan()
    [kept] = list((git_repo / "docs" / "plans").iterdir())
    rel = f"docs/plans/{kept.name}"
    assert kept.name.endswith("-greet-people-by-name.md")
    assert git(git_repo, "log", "--format=%s").splitlines() == ["initial"], "nothing committed yet"
    await land_all(pairing)
    assert rel in git(git_repo, "show", "--name-only", "--format=", "HEAD~1").split()
    assert trailers(git_repo, "HEAD~1")["Plan"] == rel
    text_kept = git(git_repo, "show", f"HEAD~1:{rel}")
    assert text_kept.startswith(PLAN) and "Version 1:" in text_kept and "Add greet." in text_kept
    assert [c.title for c in parse_plan(text_kept).chunks] == ["Add a greet function", "Add notes"]
    assert git(git_repo, "status", "--porcelain") == ""


async def test_plan_in_its_own_commit_with_plan_out(git_repo, tmp_path):
    pairing, _, _, _ = make_pairing(git_repo, tmp_path, [], [*GREET, *FIX, *write_chunk("NOTES.md", "n\n")],
                                    plan_out=str(git_repo / "PLAN.md"), plans_commit="own-commit")
    (git_repo / "README.md").write_text("# demo\nmine\n")
    pairing.set_plan_text(PLAN)
    pairing.approve_plan()
    assert git(git_repo, "log", "-1", "--format=%s").strip() == "Plan: Greet people by name"
    assert git(git_repo, "show", "HEAD:PLAN.md") == PLAN
    assert git(git_repo, "show", "--name-only", "--format=", "HEAD").split() == ["PLAN.md"]
    assert git(git_repo, "status", "--porcelain") == " M README.md\n", "the person's edit stays theirs"
    await land_all(pairing)
    assert "PLAN.md" not in git(git_repo, "show", "--name-only", "--format=", "HEAD~1")


async def test_a_plan_path_outside_the_repo_is_refused_before_approval(git_repo, tmp_path):
    pairing, _, _, _ = make_pairing(git_repo, tmp_path, [], GREET, plan_out=str(tmp_path / "elsewhere.md"))
    pairing.set_plan_text(PLAN)
    try:
        pairing.approve_plan()
    except Exception as err:  # noqa: BLE001 - the type and message are what is checked
        assert type(err).__name__ == "UsageError" and "inside the repository" in str(err)
    else:
        raise AssertionError("approve_plan accepted a plan path outside the repo")
    assert str(pairing.session.phase) == "planning"


RUN_PLAN = PLAN.replace("Verify: test -f src/greeted.txt\n", "")


def test_run_plan_out_lands_the_plan_with_the_first_chunk(git_repo, tmp_path, capsys, monkeypatch):
    plan = tmp_path / "plan.md"
    plan.write_text(RUN_PLAN)
    executor = write_transcript(tmp_path / "executor.jsonl", [*GREET, *write_chunk("NOTES.md", "n\n")])
    monkeypatch.chdir(git_repo / "src")  # --plan-out is relative to where the person is
    code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan), "--yes",
                           "--plan-out", "../docs/greet.md", "--executor", f"replay:{executor}")
    assert code == 0, err
    assert "docs/greet.md" in git(git_repo, "show", "--name-only", "--format=", "HEAD~1").split()
    assert git(git_repo, "show", "HEAD~1:docs/greet.md") == RUN_PLAN
    assert trailers(git_repo, "HEAD~1")["Plan"] == "docs/greet.md"


def test_run_refuses_a_plan_out_outside_the_repo_before_anything_runs(git_repo, tmp_path, capsys):
    plan = tmp_path / "plan.md"
    plan.write_text(RUN_PLAN)
    executor = write_transcript(tmp_path / "executor.jsonl", GREET)
    code, _, err = run_cli(capsys, "-C", str(git_repo), "run", "--plan", str(plan), "--yes",
                           "--plan-out", str(tmp_path / "out.md"), "--executor", f"replay:{executor}")
    assert code == 2 and "inside the repository" in err and err.count("\n") == 1
    assert git(git_repo, "log", "--format=%s").splitlines() == ["initial"]
    assert not (git_repo / ".git" / "pairtui").exists(), "no session was started"


async def test_trace_hunk_tells_a_hunk_in_review_like_why_tells_a_line(git_repo, tmp_path):
    pairing, _, _, _ = make_pairing(git_repo, tmp_path, [], [*GREET, *FIX])
    pairing.set_plan_text(PLAN)
    pairing.approve_plan()
    await pairing.execute(1)
    await pairing.verify(1)
    patch = pairing.chunk_patch(1)
    app = next(f for f in patch.files if f.path == "src/app.py")
    story = pairing.trace_hunk(1, "src/app.py", app.hunks[0])
    assert story.splitlines()[:2] == [
        "Chunk 1: Add a greet function",
        "call #2 edit_file src/app.py (replaced 1 line with 5) (first run, turn 2, replay:executor.jsonl)",
    ]
    assert "check: test -f src/greeted.txt passed (exit 0)" in story
    marker = pairing.trace_hunk(1, "src/greeted.txt")
    assert "call #3 write_file src/greeted.txt (1 line) (fix round 1 of 2" in marker
    assert 'the model said: "The check wants a marker."' in marker


def test_why_finds_the_repo_as_git_does_in_a_subfolder_and_a_linked_worktree(git_repo, tmp_path):
    from pairtui.git import blame

    git(git_repo, "worktree", "add", "-q", str(tmp_path / "linked"))
    for where in (git_repo / "src", tmp_path / "linked"):
        fast = blame.find_repo_fast(where)
        asked = blame.read_repo(blame.start_repo(where), where)
        assert fast is not None
        assert fast.root.resolve() == asked.root.resolve()
        assert [d.resolve() for d in fast.git_dirs] == [d.resolve() for d in asked.git_dirs]


def test_trace_config_keys_are_checked(git_repo, monkeypatch):
    from pairtui.config import load_config
    from pairtui.errors import ConfigError

    (git_repo / ".pairtui.toml").write_text('trailers = false\nplans_dir = "docs/plans"\nplans_commit = "own-commit"\n')
    config = load_config(git_repo)
    assert (config.trailers, config.plans_dir, config.plans_commit) == (False, "docs/plans", "own-commit")
    for bad, said in (('plans_commit = "later"', "plans_commit: expected one of"),
                      ('trailers = "no"', "trailers: expected true or false"),
                      ('plan_out = "x.md"', "command-line flag only")):
        (git_repo / ".pairtui.toml").write_text(bad + "\n")
        try:
            load_config(git_repo)
        except ConfigError as err:
            assert said in err.message
        else:
            raise AssertionError(f"{bad} was accepted")
