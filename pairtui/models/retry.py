"""One retry policy for every provider, and the one-line messages of failures that survive it.

Providers classify each failed attempt into a Failure and raise AttemptFailed; this module
decides whether to retry (429, 5xx, overloaded, timeouts, dropped streams: yes; 401/403/404,
refused requests, unreachable hosts: no), how long to wait (exponential backoff with jitter,
honouring `retry-after` but never beyond the cap), and builds the ProviderFailure a person sees.
The SDKs' own retries are disabled (max_retries=0) so this is the only policy.

Partial output: events are streamed live. A retry after text was shown is announced with a
StreamRestarted event (the consumer drops the partial turn), never by silently repeating text.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import aclosing
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

import httpx2

from pairtui.models.base import (
    Event,
    ProviderAuthError,
    ProviderConnectionError,
    ProviderFailure,
    ProviderNotFoundError,
    ProviderOverloadedError,
    ProviderRateLimitError,
    ProviderRequestError,
    StreamRestarted,
    TextDelta,
    ThinkingDelta,
)

RETRYABLE = frozenset({"rate_limit", "overloaded", "server", "timeout", "connection", "dropped"})


@dataclass(frozen=True)
class Failure:
    """What went wrong in one attempt, independent of the SDK that reported it."""

    kind: str  # auth | forbidden | not_found | bad_request | rate_limit | overloaded | server
    #            | timeout | connection | unreachable | dropped
    status: int | None = None
    retry_after: float | None = None
    detail: str = ""  # the server's own one-line reason (already free of secrets)

    @property
    def retryable(self) -> bool:
        return self.kind in RETRYABLE

    def short(self) -> str:
        """A few words for StreamRestarted and logs, e.g. "overloaded (529)"."""
        words = {"rate_limit": "rate limited", "server": "server error",
                 "dropped": "stream dropped", "timeout": "timed out"}.get(self.kind, self.kind)
        return f"{words} ({self.status})" if self.status else words


class AttemptFailed(Exception):
    """Raised by a provider's single attempt; carries the classified failure."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.short())
        self.failure = failure


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded attempts, exponential backoff with jitter, retry-after honoured up to `cap`."""

    max_attempts: int = 4
    base_delay: float = 1.0
    cap: float = 20.0
    jitter: float = 0.25  # each wait is shortened by up to this fraction, to spread clients
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep, compare=False)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
        if retry_after is not None and retry_after >= 0:
            return min(self.cap, retry_after)
        backoff = min(self.cap, self.base_delay * 2 ** (attempt - 1))
        return backoff * (1 - self.jitter * random.random())


def parse_retry_after(headers: Mapping[str, str] | None) -> float | None:
    """Seconds from `retry-after-ms` or `retry-after` (seconds or an HTTP date), else None."""
    if not headers:
        return None
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def failure_for_status(status: int, retry_after: float | None, error_type: str | None,
                       detail: str) -> Failure:
    """Classify an HTTP status, or a mid-stream error event (status 200) by its error type."""
    mid_stream = status == 200
    code = None if mid_stream else status
    if error_type == "overloaded_error" or status == 529:
        return Failure("overloaded", code, retry_after, detail)
    if error_type in ("rate_limit_error", "rate_limit_exceeded") or status == 429:
        return Failure("rate_limit", code, retry_after, detail)
    if mid_stream or status >= 500:
        return Failure("server", code, retry_after, detail)
    if status == 401:
        return Failure("auth", status, None, detail)
    if status == 403:
        return Failure("forbidden", status, None, detail)
    if status == 404:
        return Failure("not_found", status, None, detail)
    if status == 408:
        return Failure("timeout", status, retry_after, detail)
    return Failure("bad_request", status, None, detail)


def classify_transport(exc: BaseException) -> Failure:
    """Timeouts, refused connections and broken streams, whichever SDK wrapped them."""
    chain: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and len(chain) < 8:
        chain.append(cur)
        cur = cur.__cause__ or cur.__context__
    if any(isinstance(e, httpx2.TimeoutException) or type(e).__name__ == "APITimeoutError"
           for e in chain):
        return Failure("timeout")
    if any(isinstance(e, (httpx2.ConnectError, ConnectionRefusedError)) for e in chain):
        return Failure("unreachable")
    return Failure("connection")


def while_streaming(failure: Failure) -> Failure:
    """A connection lost after the response started is a dropped stream."""
    return Failure("dropped") if failure.kind in ("connection", "unreachable") else failure


@dataclass(frozen=True)
class ProviderLabel:
    """Who failed, for messages: never holds the key itself, only the names of where it lives."""

    provider: str
    model: str
    key_env: str  # e.g. "ANTHROPIC_API_KEY"
    host: str = ""  # base URL without credentials, for connection errors


def one_line(text: str, secrets: tuple[str, ...] = (), limit: int = 200) -> str:
    """Collapse to one short line with every secret replaced by ***."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def failure_error(failure: Failure, label: ProviderLabel, attempts: int,
                  partial_text: str = "") -> ProviderFailure:
    """The ProviderFailure a person sees: one line naming provider, model and what to fix."""
    who = f"{label.provider} ({label.model}): "
    status = f" ({failure.status})" if failure.status else ""
    tries = f" after {attempts} attempts" if attempts > 1 else ""
    where = label.host or "the server"
    kind = failure.kind
    detail = f": {failure.detail}" if failure.detail else ""
    if kind == "auth":
        return ProviderAuthError(f"{who}the API key was rejected{status}; set {label.key_env}",
                                 partial_text)
    if kind == "forbidden":
        return ProviderAuthError(f"{who}access denied{status}; check that the key in "
                                 f"{label.key_env} may use this model", partial_text)
    if kind == "not_found":
        return ProviderNotFoundError(f"{who}model or endpoint not found{status}; check the model "
                                     f"name and the base URL ({where})", partial_text)
    if kind == "bad_request":
        return ProviderRequestError(f"{who}the request was refused{status}{detail}", partial_text)
    if kind == "rate_limit":
        return ProviderRateLimitError(f"{who}rate limited{status}{tries}; wait a minute and try "
                                      "again", partial_text)
    if kind in ("overloaded", "server"):
        what = "overloaded" if kind == "overloaded" else "server error"
        return ProviderOverloadedError(f"{who}{what}{status}{tries}; try again later",
                                       partial_text)
    if kind == "unreachable":
        return ProviderConnectionError(f"{who}could not connect to {where}; check that it is up "
                                       "and the base URL is right", partial_text)
    if kind == "timeout":
        return ProviderConnectionError(f"{who}timed out{tries} talking to {where}; check the "
                                       "network and try again", partial_text)
    if kind == "dropped":
        return ProviderConnectionError(f"{who}the stream ended before the response was "
                                       f"complete{tries}; try again", partial_text)
    return ProviderConnectionError(f"{who}connection to {where} failed{tries}; check the network "
                                   "and try again", partial_text)


async def stream_with_retries(
    attempt: Callable[[], AsyncIterator[Event]],
    policy: RetryPolicy,
    label: ProviderLabel,
) -> AsyncIterator[Event]:
    """Run `attempt()` until it completes, retrying retryable failures under `policy`."""
    tries = 0
    while True:
        tries += 1
        partial: list[str] = []
        shown = False
        failure: Failure | None = None
        try:
            async with aclosing(attempt()) as events:
                async for event in events:
                    if type(event) is TextDelta:
                        partial.append(event.text)
                        shown = True
                    elif type(event) is ThinkingDelta:
                        shown = True
                    yield event
            return
        except AttemptFailed as exc:
            failure = exc.failure
        if not failure.retryable or tries >= policy.max_attempts:
            raise failure_error(failure, label, tries, "".join(partial))
        wait = policy.delay(tries, failure.retry_after)
        if shown:
            yield StreamRestarted(failure.short(), tries + 1, wait)
        await policy.sleep(wait)
