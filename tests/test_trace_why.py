"""Every line traceable: the landed demo's commits carry their story in trailers, and
`pairtui why` tells it for a line the executor wrote, a line the person wrote, after the
session store is pruned, and after the file is renamed. Real demo (replay transcripts), real git.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import git
from tests.support_engine import run_cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def landed_demo(tmp_path_factory) -> Path:
    """The demo, landed once: three chunks, three commits."""
    where = tmp_path_factory.mktemp("demo") / "shop"
    from pairtui.cli import main

    assert main(["demo", "--headless", "--dir", str(where)]) == 0
    return where


@pytest.fixture
def demo(landed_demo: Path, tmp_path: Path) -> Path:
    """A private copy of the landed demo (with its .git and session store) for one test."""
    copy = tmp_path / "shop"
    shutil.copytree(landed_demo, copy, symlinks=True)
    return copy


def line_of(repo: Path, path: str, needle: str) -> int:
    lines = (repo / path).read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def why_json(capsys, repo: Path, target: str) -> dict:
    code, out, err = run_cli(capsys, "-C", str(repo), "why", target, "--json")
    assert code == 0, err
    return json.loads(out)


def test_every_landed_chunk_commit_carries_its_trailers(demo: Path):
    chunks = git(demo, "log", "--format=%(trailers:key=Pairtui-Chunk,valueonly)%x00").split("\0")
    assert [c.strip() for c in chunks if c.strip()] == [
        "3/3 Add tests for the pricing rules",
        "2/3 Price the CSV export and refunds through the same rules",
        "1/3 Extract the pricing rules into shop/pricing.py",
    ]
    for sha in git(demo, "rev-list", "HEAD~3..HEAD").split():
        block = git(demo, "log", "-1", "--format=%(trailers)", sha)
        session = git(demo, "log", "-1", "--format=%(trailers:key=Pairtui-Session,valueonly)", sha).strip()
        assert session and (demo / ".git" / "pairtui" / "sessions" / session / "state.json").is_file()
        assert "Pairtui-Executor: replay:executor.jsonl" in block
        assert "Pairtui-Planner: replay:planner.jsonl" in block
        assert "tokens in" in block  # replay has no price: the cost says tokens only
        verify = git(demo, "log", "-1", "--format=%(trailers:key=Pairtui-Verify,valueonly)", sha).strip()
        assert verify.startswith("python3 -m unittest -q") and verify.endswith(" passed")
        message = git(demo, "log", "-1", "--format=%B", sha)
        parsed = subprocess.run(["git", "interpret-trailers", "--parse"], input=message, text=True,
                                capture_output=True, check=True).stdout
        assert parsed.count("Pairtui-") == 6
    body = git(demo, "log", "-1", "--format=%b", "HEAD~2")
    assert body.startswith("Create shop/pricing.py with the coupon table"), "the body keeps the plan text"
    assert "Pairtui-" not in git(demo, "log", "-1", "--format=%b", "HEAD~3"), "the person's commit is untouched"


def test_why_names_chunk_tool_call_and_check_for_an_executor_line(demo: Path, capsys):
    line = line_of(demo, "shop/pricing.py", "COUPONS = {")
    code, out, _ = run_cli(capsys, "-C", str(demo), "why", f"shop/pricing.py:{line}")
    assert code == 0
    assert "written by pairtui: chunk 1/3 Extract the pricing rules into shop/pricing.py" in out
    assert "#3 write_file shop/pricing.py" in out and "first run" in out
    assert "python3 -m unittest -q tests/test_invoice.py passed (exit 0)" in out
    assert "Put the shop's pricing rules in one place" in out  # the goal, from the store
    assert "## Chunk 1: Extract the pricing rules" in out  # the plan section
    assert "missing" not in out

    story = why_json(capsys, demo, f"shop/pricing.py:{line}")["stories"][0]
    assert story["kind"] == "executor" and story["chunk"] == 1
    assert story["call"]["number"] == 3 and story["call"]["tool"] == "write_file"
    assert story["call"]["said"].startswith("Writing the rules once")
    assert story["verify"]["passed"] is True and story["missing"] == []


def test_why_tells_apart_the_calls_of_an_edited_file(demo: Path, capsys):
    line = line_of(demo, "shop/invoice.py", "def price_lines(")
    story = why_json(capsys, demo, f"shop/invoice.py:{line}")["stories"][0]
    assert story["chunk"] == 2 and story["call"]["tool"] == "edit_file"
    assert story["verify"]["command"] == "python3 -m unittest -q"


def test_why_says_not_written_by_pairtui_for_a_line_the_person_wrote(demo: Path, capsys):
    pricing = demo / "shop" / "pricing.py"
    pricing.write_text(pricing.read_text().replace('PENNY = Decimal("0.01")', 'PENNY = Decimal("0.01")  # one penny'))
    git(demo, "commit", "-qam", "Explain the penny")
    line = line_of(demo, "shop/pricing.py", "# one penny")
    code, out, _ = run_cli(capsys, "-C", str(demo), "why", f"shop/pricing.py:{line}")
    assert code == 0 and "not written by pairtui" in out and "Explain the penny" in out
    assert "chunk" not in out
    first = why_json(capsys, demo, "shop/cart.py:1")["stories"][0]
    assert first["kind"] == "person" and first["summary"] == "The shop before the refactor"


def test_why_answers_from_the_trailers_after_the_store_is_pruned(demo: Path, capsys):
    code, out, _ = run_cli(capsys, "-C", str(demo), "checkpoints", "--prune", "--keep", "0")
    assert code == 0 and "pruned 1 session" in out
    assert not any((demo / ".git" / "pairtui" / "sessions").iterdir())
    line = line_of(demo, "shop/pricing.py", "COUPONS = {")
    code, out, _ = run_cli(capsys, "-C", str(demo), "why", f"shop/pricing.py:{line}")
    assert code == 0
    assert "written by pairtui: chunk 1/3 Extract the pricing rules into shop/pricing.py" in out
    assert "python3 -m unittest -q tests/test_invoice.py passed" in out  # the Verify trailer
    assert "missing   the session store" in out
    assert "Create shop/pricing.py with the coupon table" in out  # plan text from the commit body
    story = why_json(capsys, demo, f"shop/pricing.py:{line}")["stories"][0]
    assert story["call"] is None and story["goal"] is None and story["missing"]
    code, out, _ = run_cli(capsys, "-C", str(demo), "log", "--json")
    [session] = json.loads(out)["sessions"]
    assert session["stored"] is False and session["goal"] == ""
    assert [c["title"] for c in session["chunks"]] == [
        "Extract the pricing rules into shop/pricing.py",
        "Price the CSV export and refunds through the same rules",
        "Add tests for the pricing rules",
    ]
    assert all(c["verify"].endswith(" passed") for c in session["chunks"])


def test_why_follows_a_rename_after_landing(demo: Path, capsys):
    git(demo, "mv", "shop/pricing.py", "shop/rules.py")
    git(demo, "commit", "-qm", "Rename pricing to rules")
    line = line_of(demo, "shop/rules.py", "COUPONS = {")
    story = why_json(capsys, demo, f"shop/rules.py:{line}")["stories"][0]
    assert story["chunk"] == 1 and story["origin_path"] == "shop/pricing.py"
    assert story["call"]["number"] == 3 and story["call"]["summary"].startswith("write_file shop/pricing.py")


def test_why_says_a_line_changed_in_the_working_tree_is_not_committed_yet(demo: Path, capsys):
    pricing = demo / "shop" / "pricing.py"
    pricing.write_text(pricing.read_text().replace("PENNY = ", "PENNY_AMOUNT = PENNY = "))
    line = line_of(demo, "shop/pricing.py", "PENNY_AMOUNT")
    story = why_json(capsys, demo, f"shop/pricing.py:{line}")["stories"][0]
    assert story["kind"] == "uncommitted" and story["commit"] is None
    code, out, _ = run_cli(capsys, "-C", str(demo), "why", f"shop/pricing.py:{line}")
    assert "not committed yet" in out


def test_why_of_a_whole_file_lists_each_origin_once(demo: Path, capsys):
    code, out, _ = run_cli(capsys, "-C", str(demo), "why", "shop/invoice.py")
    assert code == 0
    rows = out.splitlines()[1:]
    assert any("chunk 1/3" in r for r in rows) and any("chunk 2/3" in r for r in rows)
    assert any("not written by pairtui" in r for r in rows)
    total = len((demo / "shop" / "invoice.py").read_text().splitlines())
    assert out.splitlines()[0] == f"shop/invoice.py: {total} lines"


@pytest.mark.parametrize("target", ["shop/nope.py:1", "shop/pricing.py:9999", "shop/pricing.py:5-2"])
def test_why_refuses_bad_input_in_one_line(demo: Path, capsys, target: str):
    code, out, err = run_cli(capsys, "-C", str(demo), "why", target)
    assert code == 2 and out == ""
    assert err.startswith("pairtui: ") and err.count("\n") == 1


def test_log_lists_the_demo_session_with_its_chunks_commits_and_checks(demo: Path, capsys):
    code, out, _ = run_cli(capsys, "-C", str(demo), "log")
    assert code == 0
    assert "Put the shop's pricing rules in one place" in out
    for sha in git(demo, "rev-list", "HEAD~3..HEAD").split():
        assert sha[:10] in out
    assert out.count("passed") == 3
    data = json.loads(run_cli(capsys, "-C", str(demo), "log", "--json")[1])
    session = data["sessions"][0]
    assert [c["status"] for c in session["chunks"]] == ["landed"] * 3
    assert session["chunks"][0]["verify"] == "python3 -m unittest -q tests/test_invoice.py passed"


def test_a_damaged_session_store_is_told_as_missing_never_a_traceback(demo: Path, capsys):
    [store] = (demo / ".git" / "pairtui" / "sessions").iterdir()
    state = json.loads((store / "state.json").read_text())
    state["chunks"] = [{"number": "one"}]
    (store / "state.json").write_text(json.dumps(state))
    (store / "transcript.jsonl").write_text('{"kind": "round", "chunk": 1, "first_call": "x"}\n')
    line = line_of(demo, "shop/pricing.py", "COUPONS = {")
    code, out, err = run_cli(capsys, "-C", str(demo), "why", f"shop/pricing.py:{line}")
    assert code == 0, err
    assert "chunk 1/3" in out and "missing   the session store (pruned, damaged" in out
    code, out, err = run_cli(capsys, "-C", str(demo), "log")
    assert code == 0 and "damaged state" in out
