"""Apply one file's hunks to its bytes in memory, exactly as `git apply` does by default.

The rules followed (git's apply.c, default options): lines are split at "\\n" only; context
must match byte for byte (no fuzz, no whitespace fixing); each hunk is first tried at its
new-side start line, then at +1, -1, +2, -2 ... lines away; a hunk starting at old line 0 or 1
must match at the top of the file and a hunk without trailing context at the end; a hunk may
not overlap lines written by an earlier hunk of the same file.

A hunk without any context line (`git diff -U0`) follows `git apply --unidiff-zero` instead:
its lack of trailing context says nothing about the end of the file, so it is tied to the top
only when it starts at old line 0 and otherwise goes where its header says (a pure insertion
`@@ -3,0 +4,2 @@` lands after line 3, never at the end).
"""

from __future__ import annotations

from collections.abc import Sequence

from pairtui.diff.model import Hunk
from pairtui.errors import PatchError


def split_lines(data: bytes) -> list[bytes]:
    """File bytes -> lines without their "\\n"; an unterminated last line ends in "\\n" instead
    (no line split at "\\n" holds one, so it never equals a terminated line; `Hunk.images`)."""
    lines = data.split(b"\n")
    last = lines.pop()
    if last:
        lines.append(last + b"\n")
    return lines


def join_lines(lines: list[bytes], unterminated: bool = True) -> bytes:
    """The inverse of split_lines; `unterminated=False` promises no line ends in "\\n"."""
    if unterminated:
        return b"".join([line[:-1] if line[-1:] == b"\n" else line + b"\n" for line in lines])
    return b"\n".join(lines) + b"\n" if lines else b""


def has_context(hunk: Hunk) -> bool:
    """False for a hunk made without context (`-U0`), applied as `--unidiff-zero` would."""
    return " " in hunk.kinds


def apply_hunks(data: bytes, hunks: Sequence[Hunk], path: str, numbers: Sequence[int]) -> bytes:
    """`data` with `hunks` applied; PatchError naming `path` and the hunk that does not fit."""
    img = split_lines(data)
    unterminated = data[-1:] not in (b"\n", b"")
    patched = bytearray(len(img))
    for hunk, number in zip(hunks, numbers, strict=True):
        kinds, pre, post = hunk.images()
        if not unterminated and b"\n" in b"".join(post):  # "\\ No newline" in the patch
            unterminated = True
        if " " in kinds:
            match_beginning = hunk.old_start <= 1
            match_end = kinds[-1] != " "  # no context after the last change
        else:  # no context at all: git apply --unidiff-zero
            match_beginning = hunk.old_start == 0
            match_end = False
        pos = hunk.new_start - 1 if hunk.new_start else 0
        at = _find(img, patched, pre, pos, match_beginning, match_end)
        if at < 0:
            where = "does not apply: its context no longer matches"
            if " " not in kinds:
                where = (f"does not apply: the lines it removes are not at line {pos + 1} or "
                         "near it (a hunk without context, applied as git apply --unidiff-zero)")
            elif match_end and not match_beginning:
                where = "does not apply at the end of the file"
            raise PatchError(f"{path}: hunk {number} {where}")
        img[at:at + len(pre)] = post
        patched[at:at + len(pre)] = b"\x01" * len(post)
    return join_lines(img, unterminated)


def _find(img: list[bytes], patched: bytearray, pre: list[bytes], line: int,
          match_beginning: bool, match_end: bool) -> int:
    n, k = len(img), len(pre)
    if k > n:
        return -1
    if match_beginning:
        line = 0
    elif match_end:
        line = n - k
    if line > n or line < 0:
        line = n
    back = fwd = current = line
    i = 0
    while True:
        if _matches(img, patched, pre, current, n, k, match_beginning, match_end):
            return current
        while True:
            if back == 0 and fwd == n:
                return -1
            if i & 1:
                if back == 0:
                    i += 1
                    continue
                back -= 1
                current = back
            else:
                if fwd == n:
                    i += 1
                    continue
                fwd += 1
                current = fwd
            break
        i += 1


def _matches(img: list[bytes], patched: bytearray, pre: list[bytes], at: int, n: int, k: int,
             match_beginning: bool, match_end: bool) -> bool:
    if at + k > n:
        return False
    if match_end and at + k != n:
        return False
    if match_beginning and at:
        return False
    if k and (img[at] != pre[0] or 1 in patched[at:at + k]):
        return False
    return img[at:at + k] == pre
