"""Masking secrets before anything is written to disk or shown in an error.

Guarantee: every occurrence of each given secret (8 characters or longer; shorter strings
would mask ordinary words), every string shaped like a provider key (`sk-...`, `sk-ant-...`),
and the value under any key named like a credential (`api_key`, `authorization`, ...) comes
back as "[redacted]". The input is never modified; containers are copied.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

REDACTED = "[redacted]"
MIN_SECRET_LENGTH = 8

_KEY_SHAPES = re.compile(r"(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{20,}")
_CREDENTIAL_NAMES = re.compile(r"api[_-]?key|authorization|secret|password|token$", re.IGNORECASE)


def _mask_key_shape(match: re.Match[str]) -> str:
    """Real keys are long random runs (digits and capitals); `sk-learn-...` words are not."""
    tail = match.group(0)[3:]
    looks_random = any(c.isdigit() for c in tail) and any(c.isupper() for c in tail)
    return REDACTED if looks_random else match.group(0)


def _redact_text(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return _KEY_SHAPES.sub(_mask_key_shape, text)


def _is_credential_name(key: Any) -> bool:
    return isinstance(key, str) and bool(_CREDENTIAL_NAMES.search(key))


def _walk(value: Any, secrets: tuple[str, ...]) -> Any:
    if isinstance(value, str):
        return _redact_text(value, secrets)
    if isinstance(value, dict):
        return {
            _walk(key, secrets): REDACTED
            if _is_credential_name(key) and isinstance(item, str) and item
            else _walk(item, secrets)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_walk(item, secrets) for item in value]
    if isinstance(value, tuple):
        return tuple(_walk(item, secrets) for item in value)
    return value


def redact(value: Any, secrets: Iterable[str | None] = ()) -> Any:
    """A copy of `value` (str, or dicts/lists/tuples nesting them) with secrets masked."""
    usable = sorted(
        {s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH}, key=len, reverse=True
    )
    return _walk(value, tuple(usable))
