"""What the models are told about the repository besides the plan.

- Project instructions: AGENTS.md / CLAUDE.md at the root and in every directory between
  the root and the files a chunk touches. They are given from the most general to the most
  specific, and the prompt says the nearest one wins where they disagree. Each is capped in
  size, with a visible note when cut.
- `@path` mentions in the goal or a comment: files attached, directories listed; paths are
  confined to the repository like every tool path.
- Skills (skills.py): names, descriptions and SKILL.md paths only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pairtui.agent.confine import list_repo_files, repo_relative, resolve_in_repo
from pairtui.agent.skills import Skill, SkippedSkill, discover_skills, user_skill_roots
from pairtui.agent.textfile import FileContentError, read_text_file
from pairtui.errors import UnsafePathError

__all__ = [
    "InstructionFile", "Mention", "RepoContext", "Skill", "SkippedSkill", "build_context",
    "find_instruction_files", "find_mentions", "resolve_mentions", "user_skill_roots",
]

INSTRUCTION_NAMES = ("AGENTS.md", "CLAUDE.md")
MAX_INSTRUCTION_CHARS = 16_000
MAX_INSTRUCTIONS_TOTAL = 64_000
MAX_MENTION_CHARS = 32_000
MAX_MENTIONS_TOTAL = 96_000
MAX_DIR_ENTRIES = 200

_MENTION = re.compile(r"(?<![\w@/`])@([\w.~/-][\w.~/+-]*)")


@dataclass(frozen=True)
class InstructionFile:
    path: str  # repo-relative
    text: str  # possibly cut, with the note inside
    cut: bool = False


@dataclass(frozen=True)
class Mention:
    path: str
    kind: str  # "file" | "directory"
    text: str  # file content (possibly cut) or the directory's listing
    cut: bool = False


@dataclass(frozen=True)
class RepoContext:
    """Repository context for a prompt. `render()` is the text for the model; `notes` and
    `skipped` are for the person (cut files, refused mentions, malformed skills)."""

    instructions: str = ""
    mentions: str = ""
    skills: tuple[Skill, ...] = ()
    skipped: tuple[SkippedSkill, ...] = ()
    notes: tuple[str, ...] = ()
    instruction_files: tuple[InstructionFile, ...] = ()
    mentioned: tuple[Mention, ...] = ()

    @property
    def read_roots(self) -> tuple[Path, ...]:
        """Folders of the person's own skills, for Toolbox(read_roots=...)."""
        return tuple(Path(s.path).parent for s in self.skills if s.scope == "user")

    @property
    def warnings(self) -> tuple[str, ...]:
        """Everything worth telling the person, one line each."""
        return self.notes + tuple(f"skill skipped: {s.path}: {s.reason}" for s in self.skipped)

    def render(self) -> str:
        sections = [s for s in (self.instructions, _render_skills(self.skills), self.mentions)
                    if s]
        return "\n\n".join(sections)


def _cut(text: str, limit: int, name: str) -> tuple[str, bool]:
    if len(text) <= limit:
        return text, False
    head = text[:limit]
    newline = head.rfind("\n")
    if newline > limit // 2:
        head = head[:newline + 1]
    note = f"[... {name} cut here: showing {len(head) // 1000} KB of {len(text) // 1000} KB ...]"
    return head.rstrip("\n") + "\n" + note, True


def _fence(text: str) -> str:
    longest = max((len(m) for m in re.findall(r"`{3,}", text)), default=2)
    return "`" * (longest + 1)


def _instruction_dirs(repo_root: Path, files: Iterable[str]) -> list[Path]:
    dirs: dict[Path, None] = {repo_root: None}
    for raw in files:
        try:
            target = resolve_in_repo(repo_root, raw, follow_last=False)
        except UnsafePathError:
            continue
        chain = [p for p in target.parents if p.is_relative_to(repo_root)]
        if target.is_dir():
            chain.insert(0, target)
        for directory in reversed(chain):
            dirs[directory] = None
    return sorted(dirs, key=lambda p: (len(p.parts), p.as_posix()))


def find_instruction_files(repo_root: Path, files: Iterable[str] = ()
                           ) -> tuple[tuple[InstructionFile, ...], tuple[str, ...]]:
    """Instruction files for `files`, most general first, and notes about what was cut."""
    root = repo_root.resolve()
    found: list[InstructionFile] = []
    notes: list[str] = []
    total = 0
    for directory in _instruction_dirs(root, files):
        texts: list[str] = []
        for name in INSTRUCTION_NAMES:
            path = directory / name
            if not path.is_file():
                continue
            rel = repo_relative(root, path)
            if not path.resolve().is_relative_to(root):
                notes.append(f"{rel} not used: it links outside the repository")
                continue
            try:
                text = read_text_file(path, rel).text.strip()
            except (FileContentError, OSError) as exc:
                notes.append(f"{rel} not used: {exc}")
                continue
            if not text or text in texts:
                continue  # e.g. CLAUDE.md as a copy of (or link to) AGENTS.md
            texts.append(text)
            text, cut = _cut(text, MAX_INSTRUCTION_CHARS, rel)
            if cut:
                notes.append(f"{rel} is long: only its first {MAX_INSTRUCTION_CHARS // 1000} "
                             "KB are given to the model")
            if total + len(text) > MAX_INSTRUCTIONS_TOTAL:
                notes.append(f"{rel} left out: project instructions exceed "
                             f"{MAX_INSTRUCTIONS_TOTAL // 1000} KB")
                continue
            total += len(text)
            found.append(InstructionFile(rel, text, cut))
    return tuple(found), tuple(notes)


def _render_instructions(files: tuple[InstructionFile, ...]) -> str:
    if not files:
        return ""
    parts = [
        "# Project instructions",
        "From the most general to the most specific. Where they disagree, the file nearest "
        "to the code being changed wins.",
    ]
    for item in files:
        folder = PurePosixPath(item.path).parent.as_posix()
        scope = "the whole repository" if folder == "." else f"{folder}/"
        parts.append(f"## {item.path} (applies to {scope})\n\n{item.text}")
    return "\n\n".join(parts)


def _render_skills(skills: tuple[Skill, ...]) -> str:
    if not skills:
        return ""
    lines = [
        "# Skills",
        "Skills are folders of instructions for particular tasks. When one fits what you are "
        "doing, read its SKILL.md with read_file first (and any files it points to), then "
        "follow it.",
        "",
    ]
    lines += [f"- {s.name}: {s.description} (read: {s.path})" for s in skills]
    return "\n".join(lines)


def find_mentions(text: str) -> tuple[str, ...]:
    """`@path` mentions in `text`, in order, without repeats or trailing punctuation.
    E-mail addresses and decorators in code spans are not mentions."""
    seen: dict[str, None] = {}
    for match in _MENTION.finditer(text):
        path = match.group(1).rstrip(".,:;!?)]}'\"")
        if path:
            seen[path] = None
    return tuple(seen)


def _looks_like_path(raw: str) -> bool:
    return "/" in raw or "." in raw


def resolve_mentions(repo_root: Path, text: str
                     ) -> tuple[tuple[Mention, ...], tuple[str, ...]]:
    """The files and directories `text` mentions, and notes about refused or missing ones.
    A word like @property that names nothing is ignored silently."""
    root = repo_root.resolve()
    mentions: list[Mention] = []
    notes: list[str] = []
    total = 0
    repo_files: list[str] | None = None
    for raw in find_mentions(text):
        try:
            path = resolve_in_repo(root, raw)
        except UnsafePathError as exc:
            notes.append(f"@{raw} not attached: {exc.message}")
            continue
        rel = repo_relative(root, path)
        if path.is_dir():
            if repo_files is None:
                repo_files = list_repo_files(root)
            prefix = "" if rel == "." else rel + "/"
            inside = [f for f in repo_files if f.startswith(prefix)]
            listing = "\n".join(inside[:MAX_DIR_ENTRIES]) or "(no files)"
            if len(inside) > MAX_DIR_ENTRIES:
                listing += f"\n[... {len(inside) - MAX_DIR_ENTRIES} more files]"
            mentions.append(Mention(rel, "directory", listing, len(inside) > MAX_DIR_ENTRIES))
            continue
        if not path.exists():
            if _looks_like_path(raw):
                notes.append(f"@{raw} not attached: no such file in the repository")
            continue
        try:
            content = read_text_file(path, rel).text
        except (FileContentError, OSError) as exc:
            notes.append(f"@{raw} not attached: {exc}")
            continue
        content, cut = _cut(content, MAX_MENTION_CHARS, rel)
        if total + len(content) > MAX_MENTIONS_TOTAL:
            notes.append(f"@{raw} not attached: mentioned files exceed "
                         f"{MAX_MENTIONS_TOTAL // 1000} KB")
            continue
        if cut:
            notes.append(f"@{raw} is long: only its first {MAX_MENTION_CHARS // 1000} KB "
                         "are attached")
        total += len(content)
        mentions.append(Mention(rel, "file", content, cut))
    return tuple(mentions), tuple(notes)


def _render_mentions(mentions: tuple[Mention, ...]) -> str:
    if not mentions:
        return ""
    parts = ["# Files the person mentioned"]
    for item in mentions:
        if item.kind == "directory":
            parts.append(f"## {item.path}/ (directory)\n\n{item.text}")
        else:
            fence = _fence(item.text)
            parts.append(f"## {item.path}\n\n{fence}\n{item.text.rstrip()}\n{fence}")
    return "\n\n".join(parts)


def build_context(repo_root: Path, files: Iterable[str] = (), text: str = "",
                  home: Path | None = None) -> RepoContext:
    """Everything the prompt needs about the repo for a chunk touching `files`, with the
    `@` mentions of `text` (a goal or a comment). `home` defaults to the user's home."""
    instruction_files, instruction_notes = find_instruction_files(repo_root, files)
    mentioned, mention_notes = resolve_mentions(repo_root, text) if text else ((), ())
    skills, skipped = discover_skills(repo_root, home)
    return RepoContext(
        instructions=_render_instructions(instruction_files),
        mentions=_render_mentions(mentioned),
        skills=skills,
        skipped=skipped,
        notes=instruction_notes + mention_notes,
        instruction_files=instruction_files,
        mentioned=mentioned,
    )
