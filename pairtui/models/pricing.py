"""Cost of model calls from a price table: dollars per million tokens (input, output).

Config.prices overrides and extends DEFAULT_PRICES (list prices at the time of writing; check
your provider's page). A model matches its own name or the longest table entry it starts with
("claude-sonnet-4-5-20250929" uses "claude-sonnet-4-5"; a "-" must follow the family name). Cache reads cost 10% of the input
price and cache writes 125%, Anthropic's rule, used for every provider as a close estimate.
Unknown models cost 0.0; `price_of` returns None for them so a status bar can say "?".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pairtui.models.base import Usage

Prices = Mapping[str, tuple[float, float]]

CACHE_READ_FACTOR = 0.1
CACHE_WRITE_FACTOR = 1.25

DEFAULT_PRICES: dict[str, tuple[float, float]] = {
    "claude-opus-4": (15.0, 75.0),
    "claude-opus-4-1": (15.0, 75.0),
    "claude-opus-4-5": (5.0, 25.0),
    "claude-sonnet-4": (3.0, 15.0),
    "claude-sonnet-4-5": (3.0, 15.0),
    "claude-haiku-4-5": (1.0, 5.0),
    "claude-3-5-haiku": (0.8, 4.0),
    "gpt-5": (1.25, 10.0),
    "gpt-5-mini": (0.25, 2.0),
    "gpt-5-nano": (0.05, 0.4),
    "gpt-4.1": (2.0, 8.0),
    "gpt-4.1-mini": (0.4, 1.6),
    "gpt-4o": (2.5, 10.0),
    "gpt-4o-mini": (0.15, 0.6),
    "o3": (2.0, 8.0),
    "o3-mini": (1.1, 4.4),
    "o4-mini": (1.1, 4.4),
}


def price_of(model: str, prices: Prices | None = None) -> tuple[float, float] | None:
    """($/Mtok in, $/Mtok out) for "PROVIDER:MODEL" or a bare model name, or None if unknown.
    Dated ids ("claude-sonnet-4-5-20250929") match their family; only "-" continues a family,
    so "gpt-5.1" is not priced as "gpt-5"."""
    table = {**DEFAULT_PRICES, **(prices or {})}
    for name in (model, model.split(":", 1)[-1]):
        if name in table:
            return table[name]
    name = model.split(":", 1)[-1].rsplit("/", 1)[-1]
    if name in table:
        return table[name]
    families = [key for key in table if name.startswith(key + "-")]
    return table[max(families, key=len)] if families else None


def cost_usd(model: str, usage: Usage, prices: Prices | None = None) -> float:
    """Dollars for one call's (or an accumulated) usage; 0.0 for unknown models."""
    price = price_of(model, prices)
    if price is None:
        return 0.0
    per_in, per_out = price
    return (usage.input_tokens * per_in
            + usage.cache_read_tokens * per_in * CACHE_READ_FACTOR
            + usage.cache_write_tokens * per_in * CACHE_WRITE_FACTOR
            + usage.output_tokens * per_out) / 1_000_000


@dataclass(frozen=True)
class UsageTotals:
    """Usage and cost accumulated over calls (a chunk, a session). Immutable: add() returns new."""

    usage: Usage = Usage()
    cost: float = 0.0
    calls: int = 0

    def add(self, model: str, usage: Usage, prices: Prices | None = None) -> UsageTotals:
        return UsageTotals(self.usage + usage, self.cost + cost_usd(model, usage, prices),
                           self.calls + 1)
