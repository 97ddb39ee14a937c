"""Patch values -> patch bytes that git accepts: the exact inverse of parse.py for git's own
output (`render_patch(read_patch(x)) == x`), and a valid patch for any filtered Patch."""

from __future__ import annotations

from pairtui.diff.model import FileDiff, FileStatus, Hunk, Patch

_ESCAPES = {7: "a", 8: "b", 9: "t", 10: "n", 11: "v", 12: "f", 13: "r", 34: '"', 92: "\\"}


def quote_path(path: str) -> bytes:
    """A path as git writes it in headers: C-quoted when it holds special bytes."""
    raw = path.encode("utf-8", "surrogateescape")
    if not any(b < 32 or b >= 127 or b in (34, 92) for b in raw):
        return raw
    out = bytearray(b'"')
    for b in raw:
        if b in _ESCAPES:
            out += b"\\" + _ESCAPES[b].encode()
        elif b < 32 or b >= 127:
            out += b"\\%03o" % b
        else:
            out.append(b)
    return bytes(out + b'"')


def _prefixed(prefix: bytes, path: str) -> bytes:
    quoted = quote_path(path)
    if quoted.startswith(b'"'):
        return b'"' + prefix + quoted[1:]
    return prefix + quoted


def render_patch(patch: Patch) -> bytes:
    """The Patch as a git patch (a/ b/ prefixes), byte-exact for every line it carries;
    `git apply` of this output is the reference that `apply_patch` matches."""
    out: list[bytes] = []
    for f in patch.files:
        out.append(_render_file(f))
    return b"".join(out)


def _render_file(f: FileDiff) -> bytes:
    old = f.old_path if f.old_path is not None else f.new_path or ""
    new = f.new_path if f.new_path is not None else f.old_path or ""
    parts = [b"diff --git " + _prefixed(b"a/", old) + b" " + _prefixed(b"b/", new) + b"\n"]
    if f.old_path is None:
        parts.append(f"new file mode {f.new_mode or '100644'}\n".encode())
    elif f.new_path is None:
        parts.append(f"deleted file mode {f.old_mode or '100644'}\n".encode())
    elif f.mode_changed:
        parts.append(f"old mode {f.old_mode}\nnew mode {f.new_mode}\n".encode())
    if f.old_path is not None and f.new_path is not None and f.old_path != f.new_path:
        verb = "copy" if f.status is FileStatus.COPIED else "rename"
        if f.similarity is not None:
            parts.append(f"similarity index {f.similarity}%\n".encode())
        parts.append(f"{verb} from ".encode() + quote_path(f.old_path) + b"\n")
        parts.append(f"{verb} to ".encode() + quote_path(f.new_path) + b"\n")
    if f.old_oid or f.new_oid or f.is_binary:
        width = len(f.old_oid or f.new_oid or "0" * 40)
        line = f"index {f.old_oid or '0' * width}..{f.new_oid or '0' * width}"
        if f.old_path is not None and f.new_path is not None and not f.mode_changed and f.new_mode:
            line += f" {f.new_mode}"
        parts.append(line.encode() + b"\n")
    minus = b"/dev/null" if f.old_path is None else _prefixed(b"a/", f.old_path)
    plus = b"/dev/null" if f.new_path is None else _prefixed(b"b/", f.new_path)
    if f.is_binary:
        if f.binary is None:
            parts.append(b"Binary files " + minus + b" and " + plus + b" differ\n")
        else:
            parts.append(b"GIT binary patch\n")
            for block in (f.binary.forward, f.binary.reverse):
                if block is not None:
                    method, size, data = block
                    parts.append(f"{method} {size}\n".encode() + data + b"\n\n")
    elif f.hunks:
        # git ends a name holding a space with a tab, so the name's end is unambiguous
        parts.append(b"--- " + minus + (b"\t" if b" " in minus else b"") + b"\n+++ " + plus
                     + (b"\t" if b" " in plus else b"") + b"\n")
        for h in f.hunks:
            parts.append(_render_hunk(h))
    return b"".join(parts)


def _render_hunk(h: Hunk) -> bytes:
    head = h.header.encode()
    if h.section:
        head += b" " + h.section.encode("utf-8", "surrogateescape")
    parts = [head, b"\n"]
    for line in h.lines:
        parts.append(line.kind.encode())
        parts.append(line.raw)
        parts.append(b"\n\\ No newline at end of file\n" if line.no_newline else b"\n")
    return b"".join(parts)
