"""Repository context: project instructions, @mentions and skills, as the models see them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pairtui.agent.context import (
    MAX_INSTRUCTION_CHARS,
    build_context,
    find_mentions,
)
from pairtui.agent.skills import FrontMatterError, parse_front_matter
from pairtui.agent.tools import Toolbox
from pairtui.models.base import ToolCall


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def skill(base: Path, folder: str, front: str, body: str = "Steps.\n") -> Path:
    return write(base / folder / "SKILL.md", f"---\n{front}---\n\n{body}")


# -- project instructions ----------------------------------------------------------------

def test_root_agents_md_is_always_given(git_repo):
    write(git_repo / "AGENTS.md", "Use tabs.\n")
    context = build_context(git_repo)
    assert [f.path for f in context.instruction_files] == ["AGENTS.md"]
    assert "## AGENTS.md (applies to the whole repository)\n\nUse tabs." in context.render()


def test_nearest_instruction_file_comes_last_and_is_said_to_win(git_repo):
    write(git_repo / "AGENTS.md", "Indent with tabs.\n")
    write(git_repo / "src" / "AGENTS.md", "Indent with 4 spaces here.\n")
    write(git_repo / "src" / "api" / "CLAUDE.md", "Never rename endpoints.\n")
    write(git_repo / "docs" / "AGENTS.md", "Wrap at 80 columns.\n")
    context = build_context(git_repo, files=["src/api/routes.py"])
    assert [f.path for f in context.instruction_files] == [
        "AGENTS.md", "src/AGENTS.md", "src/api/CLAUDE.md"]
    rendered = context.render()
    assert "nearest to the code being changed wins" in rendered
    assert rendered.index("tabs") < rendered.index("4 spaces") < rendered.index("endpoints")
    assert "Wrap at 80" not in rendered


def test_instruction_files_for_several_touched_folders(git_repo):
    write(git_repo / "src" / "AGENTS.md", "src rules\n")
    write(git_repo / "docs" / "AGENTS.md", "docs rules\n")
    context = build_context(git_repo, files=["src/app.py", "docs/guide.md"])
    assert [f.path for f in context.instruction_files] == ["docs/AGENTS.md", "src/AGENTS.md"]


def test_claude_md_identical_to_agents_md_is_given_once(git_repo):
    write(git_repo / "AGENTS.md", "Same rules.\n")
    os.symlink("AGENTS.md", git_repo / "CLAUDE.md")
    assert [f.path for f in build_context(git_repo).instruction_files] == ["AGENTS.md"]
    (git_repo / "CLAUDE.md").unlink()
    write(git_repo / "CLAUDE.md", "Also: run the linter.\n")
    assert [f.path for f in build_context(git_repo).instruction_files] == [
        "AGENTS.md", "CLAUDE.md"]


def test_long_instruction_file_is_cut_with_a_visible_note(git_repo):
    write(git_repo / "AGENTS.md", "".join(f"rule {n}: be careful\n" for n in range(3000)))
    context = build_context(git_repo)
    item = context.instruction_files[0]
    assert item.cut and len(item.text) < MAX_INSTRUCTION_CHARS + 200
    assert "[... AGENTS.md cut here" in context.render()
    assert any("AGENTS.md is long" in note for note in context.notes)


def test_instruction_file_linking_outside_the_repo_is_not_read(git_repo, tmp_path):
    secret = write(tmp_path / "secret.txt", "private key material\n")
    os.symlink(secret, git_repo / "AGENTS.md")
    context = build_context(git_repo)
    assert "private key" not in context.render()
    assert any("links outside the repository" in note for note in context.notes)


def test_touched_files_outside_the_repo_add_no_instructions(git_repo, tmp_path):
    write(tmp_path / "AGENTS.md", "outside rules\n")
    context = build_context(git_repo, files=["../other/x.py", "/etc/passwd"])
    assert context.instruction_files == ()


# -- @mentions ---------------------------------------------------------------------------

def test_find_mentions_skips_emails_and_trailing_punctuation():
    text = "Fix @src/app.py, see @docs/ and mail bob@example.com (about @README.md)."
    assert find_mentions(text) == ("src/app.py", "docs/", "README.md")


def test_mentioned_files_are_attached_and_directories_listed(git_repo):
    write(git_repo / "src" / "util.py", "X = 1\n")
    context = build_context(git_repo, text="Tidy @src/app.py and everything in @src please")
    rendered = context.render()
    assert "## src/app.py\n\n```\ndef hello():\n    return 'hi'\n```" in rendered
    assert "## src/ (directory)\n\nsrc/app.py\nsrc/util.py" in rendered
    assert [(m.path, m.kind) for m in context.mentioned] == [
        ("src/app.py", "file"), ("src", "directory")]


def test_mentions_outside_the_repo_or_into_git_are_refused(git_repo, tmp_path):
    write(tmp_path / "secret.txt", "top secret\n")
    context = build_context(git_repo, text="read @../secret.txt and @.git/config and "
                                           f"@{tmp_path}/secret.txt")
    assert "top secret" not in context.render() and "[core]" not in context.render()
    assert context.mentioned == ()
    assert len(context.notes) == 3
    assert all("not attached" in note for note in context.notes)


def test_missing_paths_are_noted_but_decorators_ignored(git_repo):
    context = build_context(git_repo, text="use @property like @src/missing.py does")
    assert context.notes == ("@src/missing.py not attached: no such file in the repository",)


def test_mentioned_file_with_backticks_keeps_its_fence_intact(git_repo):
    write(git_repo / "doc.md", "Example:\n```python\nprint(1)\n```\n")
    rendered = build_context(git_repo, text="@doc.md").render()
    assert "````\nExample:\n```python" in rendered and rendered.rstrip().endswith("````")


# -- skills ------------------------------------------------------------------------------

def test_repo_and_user_skills_are_discovered_with_names_and_descriptions(git_repo):
    home = Path(os.environ["HOME"])
    skill(git_repo / ".agents" / "skills", "release-notes",
          "name: release-notes\ndescription: Write release notes from the git log.\n")
    skill(git_repo / ".claude" / "skills", "db-migrations",
          'name: db-migrations\ndescription: "Write a reversible migration: up and down."\n')
    skill(home / ".claude" / "skills", "commit-style",
          "name: commit-style\ndescription: >\n  How this person likes\n  commit messages.\n")
    context = build_context(git_repo)
    assert [(s.name, s.scope) for s in context.skills] == [
        ("release-notes", "repo"), ("db-migrations", "repo"), ("commit-style", "user")]
    assert context.skills[2].description == "How this person likes commit messages."
    rendered = context.render()
    assert ("- release-notes: Write release notes from the git log. "
            "(read: .agents/skills/release-notes/SKILL.md)") in rendered
    assert str(home / ".claude" / "skills" / "commit-style" / "SKILL.md") in rendered
    assert "Steps." not in rendered  # bodies stay out until the model reads them


async def test_model_can_read_a_repo_skill_and_a_user_skill(git_repo):
    home = Path(os.environ["HOME"])
    skill(git_repo / ".agents" / "skills", "lint", "name: lint\ndescription: Lint it.\n",
          "Run ruff.\n")
    skill(home / ".agents" / "skills", "mine", "name: mine\ndescription: Mine.\n", "My way.\n")
    context = build_context(git_repo)
    box = Toolbox(git_repo, read_roots=context.read_roots)
    for item, body in zip(context.skills, ("Run ruff.", "My way."), strict=True):
        outcome = await box.call(ToolCall("1", "read_file", {"path": item.path}))
        assert not outcome.is_error and body in outcome.content
    outside = await box.call(ToolCall("2", "read_file", {"path": str(home / ".bashrc")}))
    assert outside.is_error


def test_user_skill_roots_are_the_existing_skill_folders_of_home(tmp_path):
    from pairtui.agent.context import user_skill_roots

    assert user_skill_roots(tmp_path) == ()
    (tmp_path / ".claude" / "skills").mkdir(parents=True)
    assert user_skill_roots(tmp_path) == ((tmp_path / ".claude" / "skills").resolve(),)


@pytest.mark.parametrize("folder, front, reason", [
    ("no-front", None, "no front matter"),
    ("unclosed", "---\nname: unclosed\n", "not closed"),
    ("no-name", "description: x\n", "no 'name'"),
    ("Bad_Name", "name: Bad_Name\ndescription: x\n", "lowercase letters"),
    ("double--dash", "name: double--dash\ndescription: x\n", "lowercase letters"),
    ("mismatch", "name: other\ndescription: x\n", "does not match its folder"),
    ("no-desc", "name: no-desc\n", "no 'description'"),
    ("long-desc", "name: long-desc\ndescription: " + "x" * 1025 + "\n", "limit is 1024"),
    ("x" * 65, f"name: {'x' * 65}\ndescription: x\n", "at most 64"),
])
def test_malformed_skills_are_skipped_with_a_reason(git_repo, folder, front, reason):
    base = git_repo / ".agents" / "skills"
    if front is None:
        write(base / folder / "SKILL.md", "# Just markdown\n")
    elif front.startswith("---"):
        write(base / folder / "SKILL.md", front)
    else:
        skill(base, folder, front)
    skill(base, "good", "name: good\ndescription: Fine.\n")
    context = build_context(git_repo)
    assert [s.name for s in context.skills] == ["good"]
    assert len(context.skipped) == 1 and reason in context.skipped[0].reason
    assert context.skipped[0].path == f".agents/skills/{folder}/SKILL.md"
    assert any(w.startswith(f"skill skipped: .agents/skills/{folder}") for w in context.warnings)


def test_folder_without_skill_md_and_duplicate_names_are_skipped(git_repo):
    home = Path(os.environ["HOME"])
    (git_repo / ".agents" / "skills" / "empty").mkdir(parents=True)
    skill(git_repo / ".agents" / "skills", "dup", "name: dup\ndescription: Repo's.\n")
    skill(home / ".agents" / "skills", "dup", "name: dup\ndescription: Mine.\n")
    context = build_context(git_repo)
    assert [(s.name, s.description) for s in context.skills] == [("dup", "Repo's.")]
    reasons = sorted(s.reason for s in context.skipped)
    assert reasons[0].startswith("duplicate name 'dup'") and reasons[1] == "no SKILL.md in the folder"


def test_repo_skill_linking_outside_the_repo_is_skipped(git_repo, tmp_path):
    skill(tmp_path / "elsewhere", "sneaky", "name: sneaky\ndescription: x\n")
    (git_repo / ".agents" / "skills").mkdir(parents=True)
    os.symlink(tmp_path / "elsewhere" / "sneaky", git_repo / ".agents" / "skills" / "sneaky")
    context = build_context(git_repo)
    assert context.skills == () and "outside the repository" in context.skipped[0].reason


def test_front_matter_parser_handles_block_scalars_quotes_and_nested_maps():
    fields = parse_front_matter(
        "---\n"
        "name: pdf-tools\n"
        "description: |\n  Line one.\n\n  Line two.\n"
        "license: 'Apache-2.0'\n"
        "metadata:\n  author: someone\n  version: \"1.0\"\n"
        "# a comment\n"
        "allowed-tools: Bash(git:*) Read\n"
        "---\nbody\n")
    assert fields["name"] == "pdf-tools"
    assert fields["description"] == "Line one.\n\nLine two."
    assert fields["license"] == "Apache-2.0"
    assert fields["allowed-tools"] == "Bash(git:*) Read"
    assert "author: someone" in fields["metadata"]
    with pytest.raises(FrontMatterError, match="line 2"):
        parse_front_matter("---\n- not a mapping\n---\n")


def test_empty_context_renders_nothing(git_repo):
    context = build_context(git_repo)
    assert context.render() == "" and context.warnings == ()
