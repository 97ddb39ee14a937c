"""Patch bytes -> Patch values: a focused, bytes-exact parser for git's diff output.
(The way back, `render_patch`, is in render.py and offered here too.)

Why not unidiff: unidiff 1.0.1 decodes the whole patch to str and runs regexes on every body
line; on the 10,000-line benchmark it alone takes longer than `git diff` takes to produce the
patch (benchmarks/diff_parse_bench.py prints both). This parser looks at one byte per body line
and keeps every line's raw bytes (CRLF, latin-1, anything), which is what apply needs.

Understood: `git diff`/`format-patch` output with or without prefixes (`--no-prefix`,
mnemonic prefixes), quoted paths, renames/copies with and without edits, mode changes,
new/deleted/empty files, "\\ No newline at end of file", `GIT binary patch` (literal/delta,
forward and reverse) and "Binary files ... differ"; plain unified diffs (`---`/`+++` only).

Every line is understood or is an error naming its line. Text that git itself skips is skipped
too: anything before the first file header (a commit message, an email), format-patch's "-- "
signature and whatever follows a file until the next header (the next email of a series). But
a line right after a hunk that looks like hunk body (" ", "+", "-", "\\") means the header
counted too few lines, and a "@@ -" header outside a file is a fragment without its file: both
are errors, where skipping them would silently drop the file's later hunks.
"""

from __future__ import annotations

import gc
import re

from pairtui.diff.model import (
    BinaryPatch,
    DiffLine,
    FileDiff,
    FileStatus,
    Hunk,
    Patch,
)
from pairtui.diff.patch_lines import PatchLines
from pairtui.diff.render import quote_path, render_patch
from pairtui.errors import PatchError

__all__ = ["quote_path", "read_patch", "render_patch"]  # render_patch lives in render.py

_HUNK = re.compile(rb"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)")
_PREFIX_LETTERS = b"abciow12"
_NULL_OID = re.compile(r"^0+$")


def read_patch(data: bytes) -> Patch:
    """Parse patch bytes into a Patch; PatchError (naming file and hunk) if malformed."""
    # Tens of thousands of small immutable tuples are built here; the cyclic collector can
    # find nothing among them, and pausing it saves about a fifth of the time.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _Parser(data).parse()
    finally:
        if was_enabled:
            gc.enable()


class _Parser:
    def __init__(self, data: bytes) -> None:
        lines = data.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        self.lines = lines
        # Every line's first byte ("?" for an empty line), so a hunk's extent and counts are
        # checked at C speed; its DiffLine values are built only when asked for (Hunk.lines).
        self.kinds = b"".join([line[:1] or b"?" for line in lines])
        self.i = 0
        self.hunk_no = 0  # global 1-based hunk number, as `Patch.hunk_refs` counts
        self.files: list[FileDiff] = []

    def parse(self) -> Patch:
        lines, n = self.lines, len(self.lines)
        while self.i < n:
            line = lines[self.i]
            if line.startswith(b"diff --git "):
                self._git_file(line)
            elif (line.startswith(b"--- ") and self.i + 1 < n
                  and lines[self.i + 1].startswith(b"+++ ")):
                self._plain_file()
            else:
                if line.startswith(b"@@ -") and _HUNK.match(line):
                    raise PatchError(f"line {self.i + 1}: hunk header without a file header "
                                     "before it (a hunk above counted too few lines?)")
                self.i += 1
        return Patch(tuple(self.files))

    def _after_hunks(self, path: str) -> None:
        """The first non-blank line after a file's last hunk must not look like hunk body:
        that is a header that counted too few lines, or text pasted between hunks."""
        lines, n = self.lines, len(self.lines)
        i = self.i
        while i < n and not lines[i]:
            i += 1
        if i >= n:
            return
        line = lines[i]
        c = line[:1]
        if c in (b" ", b"+", b"\\") or (c == b"-" and line != b"-- " and not (
                line.startswith(b"--- ") and i + 1 < n and lines[i + 1].startswith(b"+++ "))):
            raise PatchError(f"{path}: hunk {self.hunk_no}: line {i + 1} is not part of any "
                             "hunk (the @@ header counts fewer lines than its body)")

    # -- file headers -------------------------------------------------------------------
    def _git_file(self, first: bytes) -> None:
        lines, n = self.lines, len(self.lines)
        old_raw, new_raw = _split_git_names(first[11:])
        info: dict[str, str | None] = {}
        self.i += 1
        while self.i < n:
            line = lines[self.i]
            key = _header_key(line)
            if key is None:
                break
            value = line[len(key) + 1:]
            if key in _CHECKED and not _CHECKED[key].fullmatch(value):
                name = _decode(new_raw if new_raw != b"/dev/null" else old_raw)
                raise PatchError(f"{name}: hunk {self.hunk_no + 1}: malformed header line "
                                 f"{key!r}")
            info[key] = value.decode() if key in _CHECKED else _decode(value)
            self.i += 1
        minus = plus = None
        if self.i + 1 < n and lines[self.i].startswith(b"--- ") and lines[self.i + 1].startswith(b"+++ "):
            minus, plus = _name_field(lines[self.i][4:]), _name_field(lines[self.i + 1][4:])
            self.i += 2
        strip = _has_prefixes(old_raw, new_raw)
        old_path = _path(minus if minus is not None else old_raw, strip)
        new_path = _path(plus if plus is not None else new_raw, strip)
        if "rename from" in info or "copy from" in info:
            old_path = info.get("rename from") or info.get("copy from")
            new_path = info.get("rename to") or info.get("copy to")
        old_mode = info.get("old mode") or info.get("deleted file mode")
        new_mode = info.get("new mode") or info.get("new file mode")
        old_oid = new_oid = None
        if "index" in info:
            oids, _, mode = (info["index"] or "").partition(" ")
            old_oid, _, new_oid = oids.partition("..")
            if mode and old_mode is None and new_mode is None:
                old_mode = new_mode = mode
        if "new file mode" in info or minus == b"/dev/null":
            old_path = None
        if "deleted file mode" in info or plus == b"/dev/null":
            new_path = None
        self._body(old_path, new_path, old_mode, new_mode, old_oid or None, new_oid or None,
                   renamed="rename from" in info, copied="copy from" in info,
                   similarity=_percent(info.get("similarity index")))

    def _plain_file(self) -> None:
        minus = _name_field(self.lines[self.i][4:])
        plus = _name_field(self.lines[self.i + 1][4:])
        self.i += 2
        strip = _has_prefixes(minus, plus)
        old_path = None if minus == b"/dev/null" else _path(minus, strip)
        new_path = None if plus == b"/dev/null" else _path(plus, strip)
        self._body(old_path, new_path, None, None, None, None, False, False, None)

    def _body(self, old_path: str | None, new_path: str | None, old_mode: str | None,
              new_mode: str | None, old_oid: str | None, new_oid: str | None,
              renamed: bool, copied: bool, similarity: int | None) -> None:
        lines, n = self.lines, len(self.lines)
        path = new_path or old_path or "?"
        hunks: list[Hunk] = []
        binary: BinaryPatch | None = None
        is_binary = False
        if self.i < n and lines[self.i] == b"GIT binary patch":
            self.i += 1
            binary = self._binary(path)
            is_binary = True
        elif self.i < n and lines[self.i].startswith(b"Binary files "):
            self.i += 1
            is_binary = True
        else:
            hunks = self._hunks(path)
            if hunks:
                self._after_hunks(path)
        if is_binary:
            self.hunk_no += 1
        elif not hunks:
            self.hunk_no += 1
        if old_path is None:
            status = FileStatus.ADDED
        elif new_path is None:
            status = FileStatus.DELETED
        elif renamed:
            status = FileStatus.RENAMED
        elif copied:
            status = FileStatus.COPIED
        elif is_binary:
            status = FileStatus.BINARY
        elif old_mode and new_mode and old_mode != new_mode:
            status = FileStatus.MODE_CHANGED
        else:
            status = FileStatus.MODIFIED
        self.files.append(FileDiff(
            old_path, new_path, status, tuple(hunks), old_mode, new_mode, is_binary,
            None if old_oid is None or _NULL_OID.match(old_oid) else old_oid,
            None if new_oid is None or _NULL_OID.match(new_oid) else new_oid,
            similarity, binary))

    def _binary(self, path: str) -> BinaryPatch:
        forward = self._binary_block(path)
        if forward is None:
            raise PatchError(f"{path}: hunk {self.hunk_no + 1}: binary patch has no data")
        return BinaryPatch(forward, self._binary_block(path))

    def _binary_block(self, path: str) -> tuple[str, int, bytes] | None:
        lines, n = self.lines, len(self.lines)
        if self.i >= n:
            return None
        method, _, size = lines[self.i].partition(b" ")
        if method not in (b"literal", b"delta") or not size.isdigit():
            return None
        self.i += 1
        start = self.i
        try:  # the blank line that ends the block, found at C speed (blocks run to 10^4 lines)
            self.i = lines.index(b"", start)
        except ValueError:
            self.i = n
        if start == self.i:
            raise PatchError(f"{path}: hunk {self.hunk_no + 1}: truncated binary patch")
        data = b"\n".join(lines[start:self.i])
        self.i += 1  # the blank line that ends the block
        return method.decode(), int(size), data

    # -- hunks: the hot loop ------------------------------------------------------------
    def _hunks(self, path: str) -> list[Hunk]:
        """The file's hunks from line `self.i` on. Each body's extent and counts are checked
        from its lines' first bytes (`self.kinds`) at C speed; its DiffLine values are left
        to be built when asked for. A body that is not plain (a "\\ No newline" marker, an
        empty context line, a miscount, truncation) goes through `_checked_body`."""
        lines, kinds, n = self.lines, self.kinds, len(self.lines)
        match, search, count = _HUNK.match, _NOT_BODY.search, kinds.count
        lazy, make = Hunk.from_patch_lines, tuple.__new__
        hunks: list[Hunk] = []
        i = self.i
        while i < n and kinds[i] == 64 and lines[i].startswith(b"@@ "):  # "@"
            self.hunk_no += 1
            m = match(lines[i])
            if m is None:
                raise PatchError(f"{path}: hunk {self.hunk_no}: malformed header")
            a, b, c, d, section = m.groups()
            old_start, new_start = int(a), int(c)
            old_len = 1 if b is None else int(b)
            new_len = 1 if d is None else int(d)
            start = i + 1
            stop = min(start + old_len + new_len, n)
            found = search(kinds, start, stop)
            end = stop if found is None else found.start()
            context = count(b" ", start, end)
            if (context + count(b"-", start, end) == old_len
                    and context + count(b"+", start, end) == new_len
                    and (end >= n or kinds[end] != 92)):  # no "\\" marker follows
                hunks.append(lazy(old_start, old_len, new_start, new_len,
                                  section.decode("utf-8", "surrogateescape"), self.hunk_no,
                                  make(PatchLines, (lines, kinds, start, end, old_start,
                                                    new_start))))
                i = end
                continue
            body, i = self._checked_body(path, start, old_start, old_len, new_start, new_len)
            hunks.append(Hunk(old_start, old_len, new_start, new_len,
                              section.decode("utf-8", "surrogateescape"), tuple(body),
                              self.hunk_no))
        self.i = i
        return hunks

    def _checked_body(self, path: str, i: int, old_no: int, old_len: int, new_no: int,
                      new_len: int) -> tuple[list[DiffLine], int]:
        """Line by line, counting: handles "\\ No newline" markers and trailing junk, and
        says exactly where a malformed or truncated hunk goes wrong."""
        lines = self.lines
        n = len(lines)
        old_left, new_left = old_len, new_len
        body: list[DiffLine] = []
        append = body.append
        make = tuple.__new__
        while old_left > 0 or new_left > 0:
            if i >= n:
                raise PatchError(f"{path}: hunk {self.hunk_no}: truncated patch at line {i + 1}"
                                 f" ({old_left + new_left} line(s) missing)")
            line = lines[i]
            c = line[:1]
            if c == b" " or not line:
                if old_left <= 0 or new_left <= 0:
                    break
                append(make(DiffLine, (" ", line[1:], old_no, new_no, False)))
                old_no += 1
                new_no += 1
                old_left -= 1
                new_left -= 1
            elif c == b"-":
                if old_left <= 0:
                    break
                append(make(DiffLine, ("-", line[1:], old_no, None, False)))
                old_no += 1
                old_left -= 1
            elif c == b"+":
                if new_left <= 0:
                    break
                append(make(DiffLine, ("+", line[1:], None, new_no, False)))
                new_no += 1
                new_left -= 1
            elif c == b"\\" and body:
                body[-1] = body[-1]._replace(no_newline=True)
            else:
                break
            i += 1
        if old_left > 0 or new_left > 0:
            raise PatchError(f"{path}: hunk {self.hunk_no}: malformed patch at line {i + 1} "
                             "(line counts do not match the @@ header)")
        if i < n and lines[i][:1] == b"\\" and body:
            body[-1] = body[-1]._replace(no_newline=True)
            i += 1
        return body, i


_NOT_BODY = re.compile(rb"[^ +\-]")


_MODE = re.compile(rb"[0-7]{6}")
_CHECKED = {
    "index": re.compile(rb"[0-9a-f]{4,64}\.\.[0-9a-f]{4,64}(?: [0-7]{6})?"),
    "old mode": _MODE, "new mode": _MODE, "deleted file mode": _MODE, "new file mode": _MODE,
    "similarity index": re.compile(rb"\d{1,3}%"), "dissimilarity index": re.compile(rb"\d{1,3}%"),
}

_HEADER_KEYS = (
    "old mode", "new mode", "deleted file mode", "new file mode", "copy from", "copy to",
    "rename from", "rename to", "similarity index", "dissimilarity index", "index",
)
_HEADER_BYTES = tuple((k, k.encode() + b" ") for k in _HEADER_KEYS)


def _header_key(line: bytes) -> str | None:
    for key, prefix in _HEADER_BYTES:
        if line.startswith(prefix):
            return key
    return None


def _percent(value: str | None) -> int | None:
    return int(value.rstrip("%")) if value and value.rstrip("%").isdigit() else None


def _name_field(raw: bytes) -> bytes:
    """The file name of a ---/+++ line: unquoted, without a trailing tab and timestamp."""
    if raw.startswith(b'"'):
        return _unquote(raw)[0]
    tab = raw.find(b"\t")
    return raw if tab < 0 else raw[:tab]


def _split_git_names(rest: bytes) -> tuple[bytes, bytes]:
    """The two names of a "diff --git A B" line (ambiguous with spaces; git's own rule:
    when no rename, both halves name the same file)."""
    if rest.startswith(b'"'):
        first, end = _unquote(rest)
        second = rest[end + 1:]
        return first, _unquote(second)[0] if second.startswith(b'"') else second
    quoted = rest.find(b' "')
    if quoted >= 0:
        return rest[:quoted], _unquote(rest[quoted + 1:])[0]
    half = len(rest) // 2
    if len(rest) % 2 == 1 and rest[half:half + 1] == b" ":
        a, b = rest[:half], rest[half + 1:]
        if a == b or (a[1:2] == b"/" and a[2:] == b[2:]):
            return a, b
    sep = rest.find(b" b/")
    if sep < 0:
        sep = rest.find(b" ")
    return (rest[:sep], rest[sep + 1:]) if sep >= 0 else (rest, rest)


def _has_prefixes(old: bytes | None, new: bytes | None) -> bool:
    """True for "a/x b/x" style names (also i/ w/ c/ o/ 1/ 2/), False for --no-prefix."""
    olds = [old] if old not in (None, b"/dev/null") else []
    news = [new] if new not in (None, b"/dev/null") else []
    if not olds and not news:
        return False
    names = olds + news
    if not all(nm[1:2] == b"/" and nm[:1] in _PREFIX_LETTERS and len(nm) > 2 for nm in names):
        return False
    return not (olds and news and olds[0][:1] == news[0][:1])


def _path(raw: bytes | None, strip: bool) -> str | None:
    if raw is None or raw == b"/dev/null":
        return None
    return _decode(raw[2:] if strip else raw)


def _decode(raw: bytes) -> str:
    if raw.startswith(b'"'):
        raw = _unquote(raw)[0]
    return raw.decode("utf-8", "surrogateescape")


_ESCAPES = {ord("a"): 7, ord("b"): 8, ord("t"): 9, ord("n"): 10, ord("v"): 11, ord("f"): 12,
            ord("r"): 13, ord('"'): 34, ord("\\"): 92}


def _unquote(raw: bytes) -> tuple[bytes, int]:
    """Git's C-style quoted name -> (bytes, index just past the closing quote)."""
    out = bytearray()
    i = 1
    n = len(raw)
    while i < n:
        c = raw[i]
        if c == 34:
            return bytes(out), i + 1
        if c == 92 and i + 1 < n:
            nxt = raw[i + 1]
            digits = raw[i + 1:i + 4]
            if len(digits) == 3 and all(48 <= d <= 55 for d in digits):
                out.append(int(digits, 8) & 0xFF)
                i += 4
                continue
            out.append(_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        out.append(c)
        i += 1
    raise PatchError(f"malformed quoted file name: {raw.decode('utf-8', 'replace')}")
