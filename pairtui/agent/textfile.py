"""Text files as the model sees them, written back byte-faithfully.

A file is decoded once with its own encoding (UTF-8, UTF-8 with BOM, UTF-16 with BOM, or a
single-byte fallback that round-trips every byte) and its own line ending; edits are encoded
back the same way, so untouched bytes stay identical. Binary files are refused, never mangled.
Writes are atomic: temp file in the same directory, fsync, rename.
"""

from __future__ import annotations

import codecs
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pairtui.errors import PairtuiError

MAX_TEXT_BYTES = 8 * 1024 * 1024
_SNIFF_BYTES = 8192


class FileContentError(PairtuiError):
    """A file a tool cannot treat as text (binary, too large, undecodable)."""


@dataclass(frozen=True)
class TextFile:
    """Decoded content of a file; `text` keeps the file's own line endings."""

    text: str
    encoding: str  # codec name used to write the file back
    newline: str   # "\r\n" when the file mostly uses CRLF, else "\n"
    size: int

    @property
    def is_crlf(self) -> bool:
        return self.newline == "\r\n"


def looks_binary(data: bytes) -> bool:
    head = data[:_SNIFF_BYTES]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    return b"\0" in head


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def dominant_newline(text: str) -> str:
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf >= text.count("\n") - crlf else "\n"


def read_text_file(path: Path, display: str | None = None) -> TextFile:
    """Decode `path`; FileContentError for binary, oversized or unreadable files."""
    name = display or str(path)
    if path.is_dir():
        raise FileContentError(f"{name} is a directory; use list_files to see what it holds")
    if not path.exists():
        raise FileContentError(f"{name} does not exist")
    size = path.stat().st_size
    if size > MAX_TEXT_BYTES:
        raise FileContentError(
            f"{name} is too large for a text tool ({size // 1024} KB, limit "
            f"{MAX_TEXT_BYTES // (1024 * 1024)} MB)"
        )
    data = path.read_bytes()
    if looks_binary(data):
        raise FileContentError(f"{name} is a binary file; text tools do not read or edit it")
    try:
        text, encoding = _decode(data)
    except UnicodeDecodeError as exc:
        raise FileContentError(f"{name} cannot be decoded as text: {exc.reason}") from exc
    return TextFile(text=text, encoding=encoding, newline=dominant_newline(text), size=size)


def to_file_newlines(text: str, newline: str) -> str:
    """Text written by the model (LF) converted to the file's own line ending.
    Text that already carries CR characters is taken as meant."""
    if newline == "\n" or "\r" in text:
        return text
    return text.replace("\n", newline)


def encode_like(text: str, like: TextFile | None, display: str) -> bytes:
    """Encode `text` with the encoding of `like` (UTF-8 for new files)."""
    encoding = like.encoding if like else "utf-8"
    try:
        return text.encode(encoding)
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start:exc.end]
        raise FileContentError(
            f"{display} is {encoding}-encoded and cannot hold {bad!r}; use characters that "
            "encoding supports"
        ) from exc


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` all at once, keeping its permission bits."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode: int | None = None
    if path.exists():
        mode = path.stat().st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
