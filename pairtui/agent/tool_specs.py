"""JSON-schema descriptions of the executor's tools, as every provider receives them."""

from __future__ import annotations

from typing import Any

from pairtui.models.base import ToolCall, ToolSpec


def _schema(required: list[str], **props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": required,
            "additionalProperties": False}


def _str(description: str) -> dict[str, Any]:
    return {"type": "string", "description": description}


def _int(description: str) -> dict[str, Any]:
    return {"type": "integer", "minimum": 1, "description": description}


_PATH = _str("Path relative to the repository root, e.g. 'shop/cart.py'.")

ALL_TOOL_SPECS: tuple[ToolSpec, ...] = (
    ToolSpec(
        "read_file",
        "Read a text file with numbered lines (line number, tab, text). Long files are shown "
        "in pages: pass offset/limit to read further.",
        _schema(["path"], path=_PATH,
                offset=_int("First line to show (1-based). Default 1."),
                limit=_int("How many lines to show. Default and maximum 2000.")),
    ),
    ToolSpec(
        "list_files",
        "List the repository's files (git-ignored files left out), optionally filtered by a "
        "glob: '*.py' matches at any depth, 'shop/**/*.py' under shop/.",
        _schema([], glob=_str("Optional glob, e.g. 'tests/*.py'.")),
    ),
    ToolSpec(
        "search",
        "Search the repository's text files for a Python regular expression, line by line. "
        "Returns 'path:line: text' for each match.",
        _schema(["pattern"], pattern=_str("Python regular expression."),
                glob=_str("Optional glob limiting which files are searched.")),
    ),
    ToolSpec(
        "edit_file",
        "Replace old_string with new_string in a file. old_string must match the file's "
        "current text exactly once (including indentation); add surrounding lines to make it "
        "unique. Line endings and encoding of the file are kept.",
        _schema(["path", "old_string", "new_string"], path=_PATH,
                old_string=_str("Exact text to replace; must occur exactly once."),
                new_string=_str("Replacement text.")),
    ),
    ToolSpec(
        "write_file",
        "Create a file, or overwrite one entirely, with the given content. Parent "
        "directories are created. Prefer edit_file for changes to existing files.",
        _schema(["path", "content"], path=_PATH, content=_str("The whole new file content.")),
    ),
    ToolSpec(
        "move_path",
        "Move or rename a file or directory inside the repository. The destination must not "
        "exist.",
        _schema(["src", "dst"], src=_str("Existing path."), dst=_str("New path.")),
    ),
    ToolSpec(
        "delete_path",
        "Delete a file or a directory (with its contents) inside the repository.",
        _schema(["path"], path=_PATH),
    ),
    ToolSpec(
        "run_command",
        "Run a shell command in the repository root (the person may be asked first). Returns "
        "the exit code and the tail of the output.",
        _schema(["command"], command=_str("Shell command, e.g. 'python -m pytest -q'.")),
    ),
)

TOOL_SPECS = ALL_TOOL_SPECS
READ_ONLY_TOOLS: frozenset[str] = frozenset({"read_file", "list_files", "search"})


def describe_call(call: ToolCall) -> str:
    """One line naming the call, e.g. "edit_file shop/cart.py" (for progress and the UI)."""
    args = call.arguments if isinstance(call.arguments, dict) else {}
    if call.name == "move_path":
        detail = f"{args.get('src', '?')} -> {args.get('dst', '?')}"
    elif call.name == "run_command":
        detail = str(args.get("command", ""))
    elif call.name in ("search",):
        detail = repr(args.get("pattern", "")) + (f" in {args['glob']}" if args.get("glob") else "")
    elif call.name == "list_files":
        detail = str(args.get("glob") or "")
    elif call.name.startswith("mcp__"):  # an MCP server's tool: its arguments, compactly
        detail = " ".join(f"{k}={v!r}" for k, v in args.items())
    else:
        detail = str(args.get("path", ""))
    line = f"{call.name} {detail}".strip()
    return line if len(line) <= 120 else line[:117] + "..."
