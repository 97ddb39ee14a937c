from decimal import Decimal

import pytest

from shop import Catalog, Product


def test_products_are_found_by_sku_and_name():
    catalog = Catalog([
        Product("BK-1", "Python Tricks", Decimal("24.00"), "books"),
        Product("MUG-1", "Python Mug", Decimal("9.50")),
        Product("TEA-1", "Earl Grey", Decimal("4.20"), "food"),
    ])
    assert catalog.get("MUG-1").name == "Python Mug"
    assert [p.sku for p in catalog.search("python")] == ["MUG-1", "BK-1"]
    assert "TEA-1" in catalog and len(catalog) == 3


def test_unknown_and_duplicate_skus_are_refused():
    catalog = Catalog([Product("MUG-1", "Mug", Decimal("9.50"))])
    with pytest.raises(KeyError, match="NOPE"):
        catalog.get("NOPE")
    with pytest.raises(ValueError, match="duplicate"):
        catalog.add(Product("MUG-1", "Other mug", Decimal("1.00")))


def test_products_validate_price_and_category():
    with pytest.raises(ValueError, match="negative"):
        Product("X", "Broken", Decimal("-1"))
    with pytest.raises(ValueError, match="category"):
        Product("X", "Broken", Decimal("1"), "toys")
