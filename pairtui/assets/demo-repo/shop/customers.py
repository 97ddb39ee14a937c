"""Customers and their pricing tier."""

from __future__ import annotations

from dataclasses import dataclass

TIERS = ("regular", "member", "wholesale")


@dataclass(frozen=True)
class Customer:
    """A buyer. Tax-exempt customers (exports, charities) are invoiced without VAT."""

    id: str
    name: str
    tier: str = "regular"
    tax_exempt: bool = False

    def __post_init__(self) -> None:
        if self.tier not in TIERS:
            raise ValueError(f"{self.id}: unknown tier {self.tier!r}")
