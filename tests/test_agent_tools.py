"""Executor tools: what the model can read and change, and what it is refused."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from pairtui.agent.tools import READ_ONLY_TOOLS, Toolbox, ToolOutcome, describe_call
from pairtui.models.base import ToolCall


async def call(box: Toolbox, name: str, **args) -> ToolOutcome:
    return await box.call(ToolCall(id="call_1", name=name, arguments=args))


@pytest.fixture
def box(git_repo: Path) -> Toolbox:
    return Toolbox(git_repo)


# -- confinement -------------------------------------------------------------------------

@pytest.mark.parametrize("name, args", [
    ("write_file", {"path": "../escaped.txt", "content": "x"}),
    ("write_file", {"path": "src/../../escaped.txt", "content": "x"}),
    ("edit_file", {"path": "../escaped.txt", "old_string": "a", "new_string": "b"}),
    ("move_path", {"src": "README.md", "dst": "../escaped.txt"}),
    ("delete_path", {"path": "../escaped.txt"}),
])
async def test_parent_dir_escapes_are_refused_and_nothing_written(box, git_repo, name, args):
    outside = git_repo.parent / "escaped.txt"
    outside.write_text("a")
    outcome = await call(box, name, **args)
    assert outcome.is_error and "outside the repository" in outcome.content
    assert outside.read_text() == "a"
    assert outcome.changed_paths == ()
    assert (git_repo / "README.md").exists()


async def test_absolute_path_outside_is_refused(box, tmp_path):
    target = tmp_path / "elsewhere.txt"
    outcome = await call(box, "write_file", path=str(target), content="x")
    assert outcome.is_error and "outside the repository" in outcome.content
    assert not target.exists()
    assert (await call(box, "read_file", path="/etc/passwd")).is_error


async def test_absolute_path_inside_the_repo_is_accepted(box, git_repo):
    outcome = await call(box, "read_file", path=str(git_repo / "src" / "app.py"))
    assert not outcome.is_error and "def hello" in outcome.content


async def test_symlink_out_of_the_repo_is_refused(box, git_repo, tmp_path):
    secret_dir = tmp_path / "secret"
    secret_dir.mkdir()
    (secret_dir / "key.txt").write_text("hunter2")
    os.symlink(secret_dir, git_repo / "link")
    os.symlink(secret_dir / "key.txt", git_repo / "key-link.txt")
    for outcome in (
        await call(box, "read_file", path="link/key.txt"),
        await call(box, "read_file", path="key-link.txt"),
        await call(box, "write_file", path="link/new.txt", content="x"),
        await call(box, "edit_file", path="key-link.txt", old_string="hunter2", new_string="x"),
    ):
        assert outcome.is_error and "outside the repository" in outcome.content
    assert (secret_dir / "key.txt").read_text() == "hunter2"
    assert not (secret_dir / "new.txt").exists()


async def test_deleting_a_symlink_removes_the_link_not_its_target(box, git_repo, tmp_path):
    target = tmp_path / "keep.txt"
    target.write_text("keep")
    os.symlink(target, git_repo / "link.txt")
    outcome = await call(box, "delete_path", path="link.txt")
    assert not outcome.is_error
    assert not os.path.lexists(git_repo / "link.txt") and target.read_text() == "keep"


@pytest.mark.parametrize("path", [".git/config", ".git", "src/../.git/HEAD", ".GIT/config"])
async def test_git_dir_is_off_limits(box, git_repo, path):
    head = (git_repo / ".git" / "HEAD").read_bytes()
    for outcome in (
        await call(box, "read_file", path=path),
        await call(box, "write_file", path=path, content="x"),
        await call(box, "delete_path", path=path),
    ):
        assert outcome.is_error
    assert (git_repo / ".git" / "HEAD").read_bytes() == head
    assert (git_repo / ".git").is_dir()


async def test_names_that_only_start_with_git_are_fine(box, git_repo):
    for path in (".gitignore", ".github/workflows/ci.yml", "docs/.gitkeep"):
        outcome = await call(box, "write_file", path=path, content="x\n")
        assert not outcome.is_error and outcome.changed_paths == (path,)


async def test_symlink_into_git_dir_is_refused(box, git_repo):
    os.symlink(git_repo / ".git", git_repo / "sneaky")
    outcome = await call(box, "write_file", path="sneaky/hooks/pre-commit", content="evil")
    assert outcome.is_error and ".git" in outcome.content
    assert not (git_repo / ".git" / "hooks" / "pre-commit").exists()


# -- reading -----------------------------------------------------------------------------

async def test_read_file_numbers_lines_and_pages(box, git_repo):
    (git_repo / "long.txt").write_text("".join(f"line {n}\n" for n in range(1, 51)))
    outcome = await call(box, "read_file", path="long.txt", offset=10, limit=5.0)
    lines = outcome.content.splitlines()
    assert lines[0] == "    10\tline 10" and lines[4] == "    14\tline 14"
    assert "offset=15" in lines[-1]


async def test_read_file_caps_huge_output_with_a_note(box, git_repo):
    (git_repo / "big.txt").write_text("x" * 100 + "\n" + ("y" * 900 + "\n") * 1500)
    outcome = await call(box, "read_file", path="big.txt")
    assert len(outcome.content) < 70_000
    assert "call read_file with offset=" in outcome.content


async def test_read_file_refuses_binary_files_clearly(box, git_repo):
    (git_repo / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0rest")
    outcome = await call(box, "read_file", path="logo.png")
    assert outcome.is_error and "binary" in outcome.content


async def test_missing_file_and_bad_arguments_are_results(box):
    assert "does not exist" in (await call(box, "read_file", path="nope.py")).content
    assert "missing required argument 'path'" in (await call(box, "read_file")).content
    assert "must be a str" in (await call(box, "read_file", path=3)).content
    assert (await call(box, "fly_to_moon")).is_error


async def test_list_files_leaves_out_ignored_files_and_filters_by_glob(box, git_repo):
    (git_repo / ".gitignore").write_text("build/\n")
    (git_repo / "build").mkdir()
    (git_repo / "build" / "out.py").write_text("")
    (git_repo / "src" / "new.py").write_text("")
    listed = (await call(box, "list_files")).content.splitlines()
    assert "src/new.py" in listed and "src/app.py" in listed and ".gitignore" in listed
    assert not any(p.startswith("build/") for p in listed)
    assert (await call(box, "list_files", glob="*.py")).content.splitlines() == [
        "src/app.py", "src/new.py"]
    for folder in ("src/**", "src", "src/"):
        assert (await call(box, "list_files", glob=folder)).content.splitlines() == [
            "src/app.py", "src/new.py"]
    assert (await call(box, "list_files", glob="**/app.py")).content == "src/app.py"


async def test_search_finds_lines_and_reports_bad_regex(box, git_repo):
    (git_repo / "src" / "more.py").write_text("def hello_again():\n    pass\n")
    outcome = await call(box, "search", pattern=r"def hello\w*", glob="*.py")
    assert outcome.content.splitlines() == [
        "src/app.py:1: def hello():", "src/more.py:1: def hello_again():"]
    bad = await call(box, "search", pattern="(unclosed")
    assert bad.is_error and "invalid regular expression" in bad.content


async def test_search_caps_results(box, git_repo):
    (git_repo / "many.txt").write_text("hit\n" * 500)
    outcome = await call(box, "search", pattern="hit")
    assert outcome.content.count("many.txt:") == 200 and "300 more matches" in outcome.content


# -- editing -----------------------------------------------------------------------------

async def test_edit_file_replaces_the_single_match(box, git_repo):
    outcome = await call(box, "edit_file", path="src/app.py", old_string="'hi'",
                         new_string="'hello'")
    assert outcome == ToolOutcome("edited src/app.py", False, ("src/app.py",))
    assert (git_repo / "src" / "app.py").read_text() == "def hello():\n    return 'hello'\n"


async def test_edit_file_with_no_match_shows_nearest_lines(box, git_repo):
    (git_repo / "calc.py").write_text(
        "import math\n\n\ndef area(radius):\n    return math.pi * radius ** 2\n\n\n"
        "def volume(r, h):\n    return area(r) * h\n")
    before = (git_repo / "calc.py").read_bytes()
    outcome = await call(box, "edit_file", path="calc.py",
                         old_string="def area(r):\n    return math.pi * r ** 2",
                         new_string="def area(r):\n    return math.tau * r")
    assert outcome.is_error and outcome.changed_paths == ()
    assert "not found" in outcome.content
    assert "lines 4-5" in outcome.content
    assert "     4 | def area(radius):" in outcome.content
    assert (git_repo / "calc.py").read_bytes() == before


async def test_edit_file_mismatch_in_a_large_file_still_points_to_the_right_place(box, git_repo):
    lines = [f"def handler_{n}(request):\n    return respond(request, {n})\n" for n in range(8000)]
    (git_repo / "big.py").write_text("".join(lines))
    started = time.monotonic()
    outcome = await call(box, "edit_file", path="big.py",
                         old_string="def handler_6001(request):\n    return respond(req, 6001)",
                         new_string="pass")
    assert time.monotonic() - started < 3
    assert "lines 12003-12004" in outcome.content


async def test_edit_file_says_when_only_whitespace_differs(box, git_repo):
    (git_repo / "ws.py").write_text("if x:\n\ty = 1\n")
    outcome = await call(box, "edit_file", path="ws.py", old_string="if x:\n    y = 1",
                         new_string="if x:\n    y = 2")
    assert outcome.is_error and "different whitespace or indentation" in outcome.content


async def test_edit_file_with_several_matches_lists_them(box, git_repo):
    (git_repo / "dup.py").write_text("x = 1\ny = 2\nx = 1\n")
    outcome = await call(box, "edit_file", path="dup.py", old_string="x = 1",
                         new_string="x = 3")
    assert outcome.is_error and "matches 2 places" in outcome.content
    assert "     1 | x = 1" in outcome.content and "     3 | x = 1" in outcome.content
    assert (git_repo / "dup.py").read_text() == "x = 1\ny = 2\nx = 1\n"


async def test_edit_file_keeps_crlf_line_endings(box, git_repo):
    (git_repo / "win.py").write_bytes(b"def a():\r\n    return 1\r\n\r\ndef b():\r\n    pass\r\n")
    outcome = await call(box, "edit_file", path="win.py",
                         old_string="def a():\n    return 1\n",
                         new_string="def a():\n    # one\n    return 1\n")
    assert not outcome.is_error, outcome.content
    assert (git_repo / "win.py").read_bytes() == (
        b"def a():\r\n    # one\r\n    return 1\r\n\r\ndef b():\r\n    pass\r\n")
    read = await call(box, "read_file", path="win.py")
    assert "\r" not in read.content.split("[")[0] and "CRLF" in read.content


async def test_single_line_edit_adding_lines_to_a_crlf_file_stays_crlf(box, git_repo):
    (git_repo / "win.txt").write_bytes(b"a = 1\r\nb = 2\r\n")
    outcome = await call(box, "edit_file", path="win.txt", old_string="a = 1",
                         new_string="a = 1\nc = 3")
    assert not outcome.is_error, outcome.content
    assert (git_repo / "win.txt").read_bytes() == b"a = 1\r\nc = 3\r\nb = 2\r\n"


async def test_write_file_over_a_crlf_file_keeps_crlf(box, git_repo):
    (git_repo / "notes.txt").write_bytes(b"a\r\nb\r\n")
    await call(box, "write_file", path="notes.txt", content="a\nb\nc\n")
    assert (git_repo / "notes.txt").read_bytes() == b"a\r\nb\r\nc\r\n"


async def test_edit_file_keeps_the_files_encoding_and_other_bytes(box, git_repo):
    original = "# café\nname = 'Zoë'\n".encode("cp1252")
    (git_repo / "legacy.py").write_bytes(original)
    outcome = await call(box, "edit_file", path="legacy.py", old_string="'Zoë'",
                         new_string="'Chloé'")
    assert not outcome.is_error, outcome.content
    assert (git_repo / "legacy.py").read_bytes() == "# café\nname = 'Chloé'\n".encode("cp1252")
    refused = await call(box, "edit_file", path="legacy.py", old_string="'Chloé'",
                         new_string="'\u2603'")
    assert refused.is_error and "cannot hold" in refused.content


async def test_edit_file_keeps_a_utf8_bom_and_file_mode(box, git_repo):
    script = git_repo / "run.sh"
    script.write_bytes(b"\xef\xbb\xbfecho hi\n")
    script.chmod(0o755)
    await call(box, "edit_file", path="run.sh", old_string="hi", new_string="ho")
    assert script.read_bytes() == b"\xef\xbb\xbfecho ho\n"
    assert script.stat().st_mode & 0o777 == 0o755


async def test_edit_file_refuses_binary_files(box, git_repo):
    (git_repo / "data.bin").write_bytes(b"abc\0def")
    outcome = await call(box, "edit_file", path="data.bin", old_string="abc", new_string="x")
    assert outcome.is_error and "binary" in outcome.content
    assert (git_repo / "data.bin").read_bytes() == b"abc\0def"


async def test_write_move_delete_report_changed_paths(box, git_repo):
    created = await call(box, "write_file", path="pkg/new/mod.py", content="X = 1\n")
    assert created.changed_paths == ("pkg/new/mod.py",)
    assert (git_repo / "pkg" / "new" / "mod.py").read_text() == "X = 1\n"
    moved = await call(box, "move_path", src="pkg", dst="lib/pkg")
    assert moved.changed_paths == ("pkg/new/mod.py", "lib/pkg/new/mod.py")
    assert (git_repo / "lib" / "pkg" / "new" / "mod.py").exists()
    clash = await call(box, "move_path", src="README.md", dst="src/app.py")
    assert clash.is_error and "already exists" in clash.content
    deleted = await call(box, "delete_path", path="lib")
    assert deleted.changed_paths == ("lib/pkg/new/mod.py",) and not (git_repo / "lib").exists()
    assert (await call(box, "delete_path", path=".")).is_error


# -- commands ----------------------------------------------------------------------------

async def test_run_command_refused_without_permission(git_repo):
    outcome = await call(Toolbox(git_repo), "run_command", command="touch made.txt")
    assert outcome.is_error and "not allowed" in outcome.content
    assert not (git_repo / "made.txt").exists()


async def test_run_command_asks_and_respects_a_no(git_repo):
    asked: list[str] = []

    async def ask(question: str) -> bool:
        asked.append(question)
        return False

    outcome = await call(Toolbox(git_repo, ask_permission=ask), "run_command",
                         command="touch made.txt")
    assert asked == ["run_command: touch made.txt"]
    assert outcome.is_error and "declined" in outcome.content
    assert not (git_repo / "made.txt").exists()


async def test_run_command_when_allowed_reports_output_exit_code_and_changes(git_repo):
    box = Toolbox(git_repo, allow_commands=True)
    outcome = await call(box, "run_command", command="echo made > made.txt; echo done; exit 3")
    assert outcome.is_error and "[exit code 3]" in outcome.content and "done" in outcome.content
    assert outcome.changed_paths == ("made.txt",)


async def test_run_command_times_out(git_repo):
    box = Toolbox(git_repo, allow_commands=True, command_timeout=0.5)
    outcome = await call(box, "run_command", command="sleep 30")
    assert outcome.is_error and "timed out" in outcome.content


# -- specs -------------------------------------------------------------------------------

def test_specs_cover_the_design_and_read_only_box_offers_only_reading(git_repo):
    names = [spec.name for spec in Toolbox(git_repo).specs]
    assert names == ["read_file", "list_files", "search", "edit_file", "write_file",
                     "move_path", "delete_path", "run_command"]
    assert {s.name for s in Toolbox(git_repo, read_only=True).specs} == READ_ONLY_TOOLS
    for spec in Toolbox(git_repo).specs:
        assert spec.parameters["type"] == "object"
        assert set(spec.parameters["required"]) <= set(spec.parameters["properties"])


async def test_read_only_box_refuses_writes(git_repo):
    outcome = await call(Toolbox(git_repo, read_only=True), "write_file", path="a.txt",
                         content="x")
    assert outcome.is_error and not (git_repo / "a.txt").exists()


async def test_read_roots_allow_reading_user_skills_only(git_repo, tmp_path):
    skills = tmp_path / "skills"
    skills.mkdir()
    (skills / "SKILL.md").write_text("---\nname: x\n---\n")
    box = Toolbox(git_repo, read_roots=[skills])
    assert not (await call(box, "read_file", path=str(skills / "SKILL.md"))).is_error
    assert (await call(box, "write_file", path=str(skills / "SKILL.md"), content="")).is_error


def test_describe_call_is_one_short_line():
    assert describe_call(ToolCall("1", "edit_file", {"path": "shop/cart.py"})) == (
        "edit_file shop/cart.py")
    assert describe_call(ToolCall("1", "move_path", {"src": "a", "dst": "b"})) == (
        "move_path a -> b")

