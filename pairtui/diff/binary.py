"""Binary files in patches: git's blob ids, and the "GIT binary patch" payload (base85 lines
of zlib data, a literal file or a delta against the old one), decoded in memory.

A binary change applies whole or not at all, with the same safety checks as `git apply`:
the current content must hash to the patch's old blob id, and the result to its new one.
"""

from __future__ import annotations

import base64
import hashlib
import zlib
from collections.abc import Callable

from pairtui.diff.model import FileDiff
from pairtui.errors import PatchError


def blob_id(data: bytes, width: int = 40) -> str:
    """The id git gives a blob with these bytes (SHA-1, or SHA-256 for 64-digit ids)."""
    algo = hashlib.sha256 if width == 64 else hashlib.sha1
    return algo(b"blob %d\0" % len(data) + data).hexdigest()


def decode_base85_lines(data: bytes) -> bytes:
    """Git's base85 block: each line is a length letter (A-Z = 1-26, a-z = 27-52) + data."""
    out = bytearray()
    for line in data.split(b"\n"):
        if not line:
            continue
        c = line[0]
        if 65 <= c <= 90:
            length = c - 64
        elif 97 <= c <= 122:
            length = c - 96 + 26
        else:
            raise ValueError("bad base85 length byte")
        chunk = base64.b85decode(line[1:])
        if len(chunk) < length:
            raise ValueError("short base85 line")
        out += chunk[:length]
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


ReadBlob = Callable[[str], bytes | None]


def apply_binary(old: bytes, f: FileDiff, number: int, read_blob: ReadBlob | None = None
                 ) -> bytes:
    """The new bytes of binary file `f` given its current bytes `old`.

    `read_blob(oid) -> bytes | None` may supply the new blob when the patch carries no data
    ("Binary files ... differ"), as `git apply` does from the object database.
    """
    path = f.path
    if not f.old_oid and f.old_path is not None or not f.new_oid and f.new_path is not None:
        raise PatchError(f"{path}: hunk {number}: binary patch without full index line")
    width = len(f.old_oid or f.new_oid or "x" * 40)
    if f.old_path is not None:
        if blob_id(old, width) != f.old_oid:
            raise PatchError(f"{path}: hunk {number}: binary file does not match the patch's "
                             "original (it changed since the diff was made)")
    elif old:
        raise PatchError(f"{path}: hunk {number}: binary patch creates a file that is not empty")
    if f.new_path is None or f.new_oid is None:
        return b""
    if f.binary is None:
        data = read_blob(f.new_oid) if read_blob is not None else None
        if data is None:
            raise PatchError(f"{path}: hunk {number}: binary change carries no data "
                             "(make the patch with --binary)")
        return data
    method, size, payload = f.binary.forward
    try:
        raw = zlib.decompress(decode_base85_lines(payload))
        if len(raw) != size:
            raise ValueError("inflated size mismatch")
        new = raw if method == "literal" else apply_delta(old, raw)
    except (ValueError, zlib.error, IndexError) as err:
        raise PatchError(f"{path}: hunk {number}: corrupt binary patch ({err})") from err
    if blob_id(new, width) != f.new_oid:
        raise PatchError(f"{path}: hunk {number}: binary patch gives a wrong result")
    return new
