"""Apply one file's hunks to its bytes in memory, exactly as `git apply` does by default.

The rules followed (git's apply.c, default options): lines are split at "\\n" only; context
must match byte for byte (no fuzz, no whitespace fixing); each hunk is first tried at its
new-side start line, then at +1, -1, +2, -2 ... lines away; a hunk starting at old line 0 or 1
must match at the top of the file and a hunk without trailing context at the end; a hunk may
not overlap lines written by an earlier hunk of the same file.
"""

from __future__ import annotations

from collections.abc import Sequence

from pairtui.diff.model import Hunk
from pairtui.errors import PatchError


def split_lines(data: bytes) -> list[bytes]:
    """File bytes -> lines, each keeping its "\\n" (the last one may have none)."""
    if not data:
        return []
    if b"\r" not in data:  # bytes.splitlines also splits at "\r"; without one it is exact
        return data.splitlines(keepends=True)
    lines = data.split(b"\n")
    last = lines.pop()
    out = [line + b"\n" for line in lines]
    if last:
        out.append(last)
    return out


def apply_hunks(data: bytes, hunks: Sequence[Hunk], path: str, numbers: Sequence[int]) -> bytes:
    """`data` with `hunks` applied; PatchError naming `path` and the hunk that does not fit."""
    img = split_lines(data)
    patched = bytearray(len(img))
    for hunk, number in zip(hunks, numbers, strict=True):
        lines = hunk.lines
        # (kind, raw, old_no, new_no, no_newline): a line's bytes in the file are raw + "\n"
        # unless it is the unterminated last line.
        contents = [ln[1] if ln[4] else ln[1] + b"\n" for ln in lines]
        kinds = "".join([ln[0] for ln in lines])
        pre = [c for c, k in zip(contents, kinds, strict=True) if k != "+"]
        post = [c for c, k in zip(contents, kinds, strict=True) if k != "-"]
        trailing = len(kinds) - len(kinds.rstrip(" "))  # context lines after the last change
        match_beginning = hunk.old_start <= 1
        match_end = trailing == 0
        pos = hunk.new_start - 1 if hunk.new_start else 0
        at = _find(img, patched, pre, pos, match_beginning, match_end)
        if at < 0:
            where = "does not apply: its context no longer matches"
            if match_end and not match_beginning:
                where = "does not apply at the end of the file"
            raise PatchError(f"{path}: hunk {number} {where}")
        img[at:at + len(pre)] = post
        patched[at:at + len(pre)] = b"\x01" * len(post)
    return b"".join(img)


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
