import unittest
from decimal import Decimal

from shop import Catalog, Product


class CatalogTest(unittest.TestCase):
    def test_products_are_found_by_sku_and_name(self):
        catalog = Catalog([
            Product("BK-1", "Python Tricks", Decimal("24.00"), "books"),
            Product("MUG-1", "Python Mug", Decimal("9.50")),
            Product("TEA-1", "Earl Grey", Decimal("4.20"), "food"),
        ])
        self.assertEqual(catalog.get("MUG-1").name, "Python Mug")
        self.assertEqual([p.sku for p in catalog.search("python")], ["MUG-1", "BK-1"])
        self.assertTrue("TEA-1" in catalog and len(catalog) == 3)

    def test_unknown_and_duplicate_skus_are_refused(self):
        catalog = Catalog([Product("MUG-1", "Mug", Decimal("9.50"))])
        with self.assertRaisesRegex(KeyError, "NOPE"):
            catalog.get("NOPE")
        with self.assertRaisesRegex(ValueError, "duplicate"):
            catalog.add(Product("MUG-1", "Other mug", Decimal("1.00")))

    def test_products_validate_price_and_category(self):
        with self.assertRaisesRegex(ValueError, "negative"):
            Product("X", "Broken", Decimal("-1"))
        with self.assertRaisesRegex(ValueError, "category"):
            Product("X", "Broken", Decimal("1"), "toys")
