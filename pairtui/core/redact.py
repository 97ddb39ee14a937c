"""Masking secrets before anything is written to disk, shown in an error or sent to a model.

Guarantee: every occurrence of each given secret (8 characters or longer; shorter strings
would mask ordinary words), every string shaped like a provider key (`sk-...`, `sk-ant-...`,
`sk_live_...`: 20+ characters after the prefix, unless they read as hyphenated words such as
`sk-learn-compatible`), the value under any key named like a credential (`api_key`,
`authorization`, ...), and in text the value of `NAME=value`, `NAME: value` and
`"name": "value"` where NAME contains API_KEY, SECRET, TOKEN or PASSWORD, comes back as
"[redacted]". Names are kept, so redacted code still reads. Numbers, `None`/`true`-style words
and code (calls, attribute names, type names) after such a name are left alone. The input is
never modified; containers are copied.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

REDACTED = "[redacted]"
MIN_SECRET_LENGTH = 8
# Environment variables pairtui itself reads keys from: kept out of child processes and masked.
KEY_ENV_VARS = ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "OPENAI_API_KEY")

_KEY_SHAPES = re.compile(r"(?<![A-Za-z0-9_-])sk[-_][A-Za-z0-9_-]{20,}")
_WORDY_SEGMENT = re.compile(r"[a-z]{1,15}\d{0,2}")
_CREDENTIAL_NAMES = re.compile(r"api[_-]?key|authorization|secret|password|token$", re.IGNORECASE)
_NAME = r"[A-Za-z0-9_.-]*(?:api[_-]?key|secret|token|passw(?:or)?d)[A-Za-z0-9_.-]*"
_QUOTED_ASSIGNMENT = re.compile(
    rf"""(?P<head>(?<![A-Za-z0-9_.-]){_NAME}["']?\s*[:=]\s*)(?P<q>["'])(?P<value>[^"'\n]+)(?P=q)""",
    re.IGNORECASE,
)
_BARE_ASSIGNMENT = re.compile(
    rf"""(?P<head>(?<![A-Za-z0-9_.-]){_NAME}["']?[ \t]*[:=][ \t]*)(?P<value>[^\s"'`,;)}}\]]+)""",
    re.IGNORECASE,
)
_BEARER = re.compile(r"(?P<head>\bBearer\s+)(?P<value>[A-Za-z0-9._~+/=-]{16,})", re.IGNORECASE)
_ENV_STYLE = re.compile(r"[A-Z0-9_]+=")
_NOT_A_VALUE = re.compile(r"[-+]?\d[\d_.,eE+-]*|none|null|nil|true|false|undefined", re.IGNORECASE)


def _mask_key_shape(match: re.Match[str]) -> str:
    """Keys are long random runs; `sk-learn-compatible-...` is a run of short words."""
    tail = match.group(0)[3:]
    segments = [s for s in re.split(r"[-_]", tail) if s]
    if segments and all(_WORDY_SEGMENT.fullmatch(s) for s in segments):
        return match.group(0)
    return REDACTED


def _mask_bare_value(match: re.Match[str]) -> str:
    """A bare value is a secret when it is a literal: not a number, keyword, call or name."""
    value = match.group("value")
    if value != REDACTED and _ENV_STYLE.fullmatch(match.group("head")):  # .env / shell: API_KEY=x
        return match.group("head") + REDACTED
    if value == REDACTED or _NOT_A_VALUE.fullmatch(value) or "(" in value or "[" in value:
        return match.group(0)
    if not any(c.isdigit() for c in value):  # `token: str`, `password = form_password`
        return match.group(0)
    return match.group("head") + REDACTED


def _mask_quoted_value(match: re.Match[str]) -> str:
    q = match.group("q")
    return f"{match.group('head')}{q}{REDACTED}{q}"


def _redact_text(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    text = _KEY_SHAPES.sub(_mask_key_shape, text)
    text = _BEARER.sub(lambda m: m.group("head") + REDACTED, text)
    text = _QUOTED_ASSIGNMENT.sub(_mask_quoted_value, text)
    return _BARE_ASSIGNMENT.sub(_mask_bare_value, text)


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


def env_secrets(environ: Mapping[str, str]) -> tuple[str, ...]:
    """The values of the key variables pairtui reads (KEY_ENV_VARS) that are set in `environ`."""
    return tuple(environ[name] for name in KEY_ENV_VARS if environ.get(name))
