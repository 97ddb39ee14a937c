"""Binary files in patches: git's blob ids, and the "GIT binary patch" payload (base85 lines
of zlib data, a literal file or a delta against the old one), decoded in memory.

A binary change applies whole or not at all, with the same safety checks as `git apply`:
the current content must hash to the patch's old blob id, and the result to its new one.

A change without data ("Binary files ... differ") is rebuilt from the object store. Plain
`git diff` abbreviates the ids on its index line (`index 0000000..46af5dc`), and a prefix can
name another object, so git refuses such a file outright. pairtui takes the blob only when the
prefix names exactly one object and it is a blob, checks the bytes hash to that prefix, and
otherwise refuses the file by name, saying to diff with --binary (or --full-index). An
abbreviated old id is checked as a prefix of the current content's id.
"""

from __future__ import annotations

import subprocess
from operator import itemgetter

from pairtui.diff.model import FileDiff
from pairtui.errors import PatchError

TYPE_CHECKING = False  # not typing's, and pathlib only for hints: see model.py
if TYPE_CHECKING:
    from pathlib import Path


def blob_id(data: bytes, width: int = 40) -> str:
    """The id git gives a blob with these bytes (SHA-1, or SHA-256 for 64-digit ids)."""
    import hashlib  # here: loading OpenSSL costs text-only commands several ms

    algo = hashlib.sha256 if width == 64 else hashlib.sha1
    return algo(b"blob %d\0" % len(data) + data).hexdigest()


_B85 = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~"
_B85_VALUES = bytes.maketrans(_B85, bytes(range(85)))


def _b85_groups(text: bytes) -> bytes:
    """Base85 text (5 digits per 4 bytes) -> bytes, in C-speed steps: with X_k the words
    holding the k-th digit of every group, the bytes are the big number
    ((((X_0 * 85 + X_1) * 85 + X_2) * 85 + X_3) * 85 + X_4). That is exact only when no group
    exceeds 2**32 - 1 (no carry into its neighbour), which is checked first."""
    if len(text) % 5 or text.translate(None, _B85):
        raise ValueError("bad base85 data")
    d = text.translate(_B85_VALUES)
    n = len(d) // 5
    firsts = d[0::5]
    if firsts.translate(None, _BELOW_82):  # only a group starting with digit 82+ can overflow
        if firsts.translate(None, _BELOW_83):
            raise ValueError("base85 group out of range")
        at = firsts.find(82)
        while at >= 0:
            a, b, c, e, g = d[5 * at:5 * at + 5]
            if (((a * 85 + b) * 85 + c) * 85 + e) * 85 + g >= 1 << 32:
                raise ValueError("base85 group out of range")
            at = firsts.find(82, at + 1)
    words = bytearray(4 * n)
    number = 0
    for k in range(5):
        words[3::4] = d[k::5]
        number = number * 85 + int.from_bytes(words, "big")
    return number.to_bytes(4 * n, "big")


_BELOW_82 = bytes(range(82))
_BELOW_83 = bytes(range(83))
_FULL_LINE = 66  # "z" (52 bytes) and 65 digits: git fills every line but the last
_FIRST_BYTE = itemgetter(slice(None, 1))  # line[:1] and line[1:] for map(), at C speed
_AFTER_FIRST = itemgetter(slice(1, None))


def decode_base85_lines(data: bytes) -> bytes:
    """Git's base85 block: each line is a length letter (A-Z = 1-26, a-z = 27-52) + data.

    All lines are decoded at once (see _b85_groups): the standard library's b85decode walks
    every character in Python and took two thirds of the time of applying a release-sized patch
    with two images in it. Git writes every line full but the last; such a block is checked
    and joined without a Python step per line (`_lines_one_by_one` takes any other)."""
    lines = data.split(b"\n")
    while lines and not lines[-1]:
        lines.pop()
    if not lines or not all(lines):
        return _lines_one_by_one(lines)
    head, last = lines[:-1], lines[-1]
    if (head and (set(map(len, head)) != {_FULL_LINE}
                  or b"".join(map(_FIRST_BYTE, head)).strip(b"z"))):
        return _lines_one_by_one(lines)
    length = _length(last[0])
    body = last[1:]
    if len(body) % 5 or len(body) // 5 * 4 < length:
        raise ValueError("short base85 line")
    decoded = _b85_groups(b"".join(map(_AFTER_FIRST, lines)))
    return decoded[:len(head) * 52 + length]


def _length(c: int) -> int:
    if 65 <= c <= 90:
        return c - 64
    if 97 <= c <= 122:
        return c - 96 + 26
    raise ValueError("bad base85 length byte")


def _lines_one_by_one(lines: list[bytes]) -> bytes:
    bodies: list[bytes] = []
    lengths: list[int] = []
    for line in lines:
        if not line:
            continue
        length = _length(line[0])
        body = line[1:]
        if len(body) % 5 or len(body) // 5 * 4 < length:
            raise ValueError("short base85 line")
        bodies.append(body)
        lengths.append(length)
    decoded = _b85_groups(b"".join(bodies))
    if all(n == len(b) // 5 * 4 for n, b in zip(lengths, bodies, strict=True)):
        return decoded
    out = bytearray()
    pos = 0
    for length, body in zip(lengths, bodies, strict=True):
        out += decoded[pos:pos + length]
        pos += len(body) // 5 * 4
    return bytes(out)


def _varint(delta: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = delta[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos


def apply_delta(base: bytes, delta: bytes) -> bytes:
    """Git's pack delta: copy ranges of `base` and insert literal bytes."""
    src_size, pos = _varint(delta, 0)
    dst_size, pos = _varint(delta, pos)
    if src_size != len(base):
        raise ValueError("delta base size mismatch")
    out = bytearray()
    n = len(delta)
    while pos < n:
        cmd = delta[pos]
        pos += 1
        if cmd & 0x80:
            offset = size = 0
            for bit, shift in ((0x01, 0), (0x02, 8), (0x04, 16), (0x08, 24)):
                if cmd & bit:
                    offset |= delta[pos] << shift
                    pos += 1
            for bit, shift in ((0x10, 0), (0x20, 8), (0x40, 16)):
                if cmd & bit:
                    size |= delta[pos] << shift
                    pos += 1
            size = size or 0x10000
            if offset + size > len(base):
                raise ValueError("delta copies past the end of its base")
            out += base[offset:offset + size]
        elif cmd:
            out += delta[pos:pos + cmd]
            pos += cmd
        else:
            raise ValueError("delta opcode 0")
    if len(out) != dst_size:
        raise ValueError("delta result size mismatch")
    return bytes(out)


_WAY_OUT = "make the patch with --binary (or --full-index)"


def _width(f: FileDiff) -> int:
    return 64 if 64 in (len(f.old_oid or ""), len(f.new_oid or "")) else 40


def _names(oid: str, data: bytes, width: int) -> bool:
    """True when `data` is the blob `oid` names (a full id, or an abbreviated prefix)."""
    return blob_id(data, width).startswith(oid) if len(oid) < width else \
        blob_id(data, width) == oid


def find_blob(root: Path | str, oid: str) -> tuple[str | None, str]:
    """(full id, "") when `oid` (full or abbreviated) names exactly one object and it is a
    blob; else (None, why not), in words that fit after "blob X ..."."""
    out = subprocess.run(["git", "cat-file", "--batch-check"], cwd=root, capture_output=True,
                         input=oid.encode() + b"\n")
    fields = out.stdout.split()
    if out.returncode != 0 or len(fields) < 2 or fields[1] == b"missing":
        return None, "is not in this repository"
    if fields[1] == b"ambiguous":
        return None, "names more than one object here; pairtui will not guess"
    if fields[1] != b"blob":
        return None, f"names a {fields[1].decode()}, not a file's content"
    return fields[0].decode(), ""


def stored_blob_note(root: Path | str, f: FileDiff) -> str:
    """For --dry-run: where the new bytes of a binary change without data come from."""
    if f.binary is not None or f.new_path is None or not f.new_oid:
        return ""
    full, why = find_blob(root, f.new_oid)
    if full is None:
        return f"no data, blob {f.new_oid} {why}: refused ({_WAY_OUT})"
    return f"no data: from the object store, blob {f.new_oid} names one blob"


def apply_binary(old: bytes, f: FileDiff, number: int, root: Path | str | None = None) -> bytes:
    """The new bytes of binary file `f` given its current bytes `old`.

    A change without data takes the new blob from the object store of the repository at
    `root` (see the module docstring for when it may).
    """
    path = f.path
    if not f.old_oid and f.old_path is not None or not f.new_oid and f.new_path is not None:
        raise PatchError(f"{path}: hunk {number}: binary patch without full index line")
    width = _width(f)
    if f.old_path is not None and f.old_oid is not None:
        if not _names(f.old_oid, old, width):
            raise PatchError(f"{path}: hunk {number}: binary file does not match the patch's "
                             "original (it changed since the diff was made)")
    elif old:
        raise PatchError(f"{path}: hunk {number}: binary patch creates a file that is not empty")
    if f.new_path is None or f.new_oid is None:
        return b""
    if f.binary is None:
        return _from_store(root, f, number, width)
    import zlib

    method, size, payload = f.binary.forward
    try:
        raw = zlib.decompress(decode_base85_lines(payload))
        if len(raw) != size:
            raise ValueError("inflated size mismatch")
        new = raw if method == "literal" else apply_delta(old, raw)
    except (ValueError, zlib.error, IndexError) as err:
        raise PatchError(f"{path}: hunk {number}: corrupt binary patch ({err})") from err
    if not _names(f.new_oid, new, width):
        raise PatchError(f"{path}: hunk {number}: binary patch gives a wrong result")
    return new


def _from_store(root: Path | str | None, f: FileDiff, number: int, width: int) -> bytes:
    oid = f.new_oid or ""
    full, why = find_blob(root, oid) if root is not None else (None, "cannot be looked up")
    data = None
    if full is not None:
        out = subprocess.run(["git", "cat-file", "blob", full], cwd=root, capture_output=True)
        data = out.stdout if out.returncode == 0 else None
        why = "cannot be read"
    if data is None:
        raise PatchError(f"{f.path}: hunk {number}: binary change without data, and blob "
                         f"{oid} {why} ({_WAY_OUT})")
    if not _names(oid, data, width):
        raise PatchError(f"{f.path}: hunk {number}: blob {oid} in the object store does not "
                         f"hash to its id ({_WAY_OUT})")
    return data
