"""Agent Skills discovery (https://agentskills.io): folders holding a SKILL.md.

Only each skill's name, description and SKILL.md path reach the prompt (progressive
disclosure); the model reads the files with read_file when it decides a skill fits.
A malformed skill is skipped with a reason the person can act on, never fatal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SKILL_DIRS = (".agents/skills", ".claude/skills")
MAX_NAME_CHARS = 64
MAX_DESCRIPTION_CHARS = 1024
_MAX_SKILL_BYTES = 256 * 1024
_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_KEY = re.compile(r"([A-Za-z_][\w-]*)\s*:(.*)\Z")


@dataclass(frozen=True)
class Skill:
    """A usable skill. `path` is how read_file reaches its SKILL.md: repo-relative for the
    repository's skills, absolute for the person's own (~/.agents/skills, ~/.claude/skills)."""

    name: str
    description: str
    path: str
    scope: str  # "repo" | "user"


@dataclass(frozen=True)
class SkippedSkill:
    path: str
    reason: str


class FrontMatterError(ValueError):
    """SKILL.md front matter that cannot be read."""


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        inner = value[1:-1]
        return inner.replace("''", "'") if value[0] == "'" else inner.replace('\\"', '"')
    return value


def parse_front_matter(text: str) -> dict[str, str]:
    """Top-level `key: value` pairs of a `---` block at the top of `text`.

    Handles what SKILL.md files use: plain and quoted scalars, `|` and `>` block scalars,
    plain values continued on indented lines; nested mappings are kept as raw text.
    """
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        raise FrontMatterError("no front matter (a '---' block at the top of SKILL.md)")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
    except StopIteration:
        raise FrontMatterError("front matter is not closed by a '---' line") from None
    fields: dict[str, str] = {}
    key: str | None = None
    style = ""
    pieces: list[str] = []

    def finish() -> None:
        if key is None:
            return
        if style == "|":
            fields[key] = "\n".join(pieces).strip("\n")
        else:
            fields[key] = " ".join(p.strip() for p in pieces if p.strip())

    for number, line in enumerate(lines[1:end], start=2):
        if not line.strip() or (line.startswith("#") and style != "|"):
            if key is not None and style == "|":
                pieces.append("")
            continue
        if line[0] in " \t":
            if key is None:
                raise FrontMatterError(f"line {number}: indented line outside a field")
            pieces.append(line.strip() if style != "|" else line)
            continue
        match = _KEY.match(line.rstrip())
        if not match:
            raise FrontMatterError(f"line {number}: expected 'key: value', got {line.strip()!r}")
        finish()
        key, raw = match.group(1), match.group(2).strip()
        if raw[:1] in ("|", ">"):
            style, pieces = raw[0], []
        else:
            style, pieces = "", [_unquote(raw)] if raw else []
    finish()
    return {k: _dedent_block(v) for k, v in fields.items()}


def _dedent_block(value: str) -> str:
    lines = value.split("\n")
    indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    cut = min(indents, default=0)
    return "\n".join(line[cut:] for line in lines).strip()


def validate_skill(fields: dict[str, str], folder_name: str) -> str | None:
    """The reason a skill's front matter breaks the spec, or None when it is fine."""
    name = fields.get("name", "").strip()
    description = fields.get("description", "").strip()
    if not name:
        return "front matter has no 'name'"
    if len(name) > MAX_NAME_CHARS or not _NAME.match(name):
        return (f"name {name!r} must be lowercase letters, digits and single hyphens, "
                f"at most {MAX_NAME_CHARS} characters")
    if name != folder_name:
        return f"name {name!r} does not match its folder {folder_name!r}"
    if not description:
        return "front matter has no 'description'"
    if len(description) > MAX_DESCRIPTION_CHARS:
        return (f"description is {len(description)} characters; the limit is "
                f"{MAX_DESCRIPTION_CHARS}")
    return None


def _load_skill(folder: Path) -> tuple[str, str] | str:
    """(name, description), or the reason the folder is not a usable skill."""
    skill_file = folder / "SKILL.md"
    if not skill_file.is_file():
        return "no SKILL.md in the folder"
    data = skill_file.read_bytes()[:_MAX_SKILL_BYTES]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "SKILL.md is not UTF-8 text"
    try:
        fields = parse_front_matter(text)
    except FrontMatterError as exc:
        return str(exc)
    reason = validate_skill(fields, folder.name)
    if reason:
        return reason
    return fields["name"].strip(), " ".join(fields["description"].split())


def user_skill_roots(home: Path | None = None) -> tuple[Path, ...]:
    """The person's own skill folders that exist (~/.agents/skills, ~/.claude/skills),
    resolved: the directories read_file may read outside the repository."""
    user_home = (home or Path.home()).expanduser()
    return tuple((user_home / d).resolve() for d in SKILL_DIRS if (user_home / d).is_dir())


def discover_skills(repo_root: Path, home: Path | None = None
                    ) -> tuple[tuple[Skill, ...], tuple[SkippedSkill, ...]]:
    """Skills of the repository (.agents/skills, .claude/skills), then the person's own.

    When two skills share a name the first found wins (the repository's over the person's)
    and the other is listed as skipped.
    """
    root = repo_root.resolve()
    user_home = (home or Path.home()).expanduser()
    places = [(root / d, "repo") for d in SKILL_DIRS] + [(user_home / d, "user")
                                                           for d in SKILL_DIRS]
    skills: list[Skill] = []
    skipped: list[SkippedSkill] = []
    seen: dict[str, str] = {}
    for base, scope in places:
        if not base.is_dir():
            continue
        for folder in sorted(p for p in base.iterdir() if p.is_dir()
                             and not p.name.startswith(".")):
            shown = (folder / "SKILL.md").relative_to(root).as_posix() if scope == "repo" \
                else str(folder / "SKILL.md")
            if scope == "repo" and not folder.resolve().is_relative_to(root):
                skipped.append(SkippedSkill(shown, "links outside the repository"))
                continue
            try:
                loaded = _load_skill(folder)
            except OSError as exc:
                loaded = f"cannot be read: {exc.strerror or exc}"
            if isinstance(loaded, str):
                skipped.append(SkippedSkill(shown, loaded))
                continue
            name, description = loaded
            if name in seen:
                skipped.append(SkippedSkill(shown, f"duplicate name {name!r}, already "
                                                   f"provided by {seen[name]}"))
                continue
            seen[name] = shown
            skills.append(Skill(name, description, shown, scope))
    return tuple(skills), tuple(skipped)
