"""Shopping carts: what a customer is about to buy."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from shop.catalog import Catalog, Product


@dataclass(frozen=True)
class CartLine:
    product: Product
    quantity: int

    @property
    def gross(self) -> Decimal:
        """Price of the line before any discount or VAT."""
        return self.product.price * self.quantity


class Cart:
    """Quantities by SKU, kept in the order products were first added."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self._quantities: dict[str, int] = {}

    def add(self, sku: str, quantity: int = 1) -> None:
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        self._catalog.get(sku)  # unknown SKUs fail here, not at checkout
        self._quantities[sku] = self._quantities.get(sku, 0) + quantity

    def remove(self, sku: str, quantity: int | None = None) -> None:
        """Remove `quantity` items of `sku`, or all of them when quantity is None."""
        if sku not in self._quantities:
            raise KeyError(f"{sku!r} is not in the cart")
        left = 0 if quantity is None else self._quantities[sku] - quantity
        if left > 0:
            self._quantities[sku] = left
        else:
            del self._quantities[sku]

    def lines(self) -> list[CartLine]:
        return [CartLine(self._catalog.get(sku), qty) for sku, qty in self._quantities.items()]

    def quantity(self, sku: str) -> int:
        return self._quantities.get(sku, 0)

    def subtotal(self) -> Decimal:
        return sum((line.gross for line in self.lines()), Decimal("0"))

    def is_empty(self) -> bool:
        return not self._quantities
