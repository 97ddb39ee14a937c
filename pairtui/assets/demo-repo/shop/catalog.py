"""Products and the catalog they are sold from."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

CATEGORIES = ("standard", "books", "food", "gift-card")


@dataclass(frozen=True)
class Product:
    """Something we sell. `price` is the unit price before discounts and VAT."""

    sku: str
    name: str
    price: Decimal
    category: str = "standard"

    def __post_init__(self) -> None:
        if not self.sku:
            raise ValueError("a product needs a SKU")
        if self.price < 0:
            raise ValueError(f"{self.sku}: price cannot be negative")
        if self.category not in CATEGORIES:
            raise ValueError(f"{self.sku}: unknown category {self.category!r}")


class Catalog:
    """Products by SKU. SKUs are unique; lookups of unknown SKUs raise KeyError."""

    def __init__(self, products: Iterable[Product] = ()) -> None:
        self._products: dict[str, Product] = {}
        for product in products:
            self.add(product)

    def add(self, product: Product) -> None:
        if product.sku in self._products:
            raise ValueError(f"duplicate SKU {product.sku}")
        self._products[product.sku] = product

    def get(self, sku: str) -> Product:
        try:
            return self._products[sku]
        except KeyError:
            raise KeyError(f"no product with SKU {sku!r}") from None

    def search(self, text: str) -> list[Product]:
        """Products whose name contains `text`, case-insensitively, sorted by name."""
        needle = text.casefold()
        found = [p for p in self._products.values() if needle in p.name.casefold()]
        return sorted(found, key=lambda p: p.name)

    def __contains__(self, sku: object) -> bool:
        return sku in self._products

    def __iter__(self) -> Iterator[Product]:
        return iter(self._products.values())

    def __len__(self) -> int:
        return len(self._products)
