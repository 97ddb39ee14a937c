import unittest
from decimal import Decimal

from shop import Cart, Catalog, Product


def make_cart() -> Cart:
    return Cart(Catalog([
        Product("MUG-1", "Mug", Decimal("9.50")),
        Product("TEA-1", "Tea", Decimal("4.20"), "food"),
    ]))


class CartTest(unittest.TestCase):
    def test_adding_the_same_product_adds_up_quantities(self):
        cart = make_cart()
        cart.add("MUG-1")
        cart.add("TEA-1", 3)
        cart.add("MUG-1", 2)
        self.assertEqual([(line.product.sku, line.quantity) for line in cart.lines()],
                         [("MUG-1", 3), ("TEA-1", 3)])
        self.assertEqual(cart.subtotal(), Decimal("41.10"))

    def test_removing_some_or_all_of_a_product(self):
        cart = make_cart()
        cart.add("MUG-1", 3)
        cart.remove("MUG-1", 1)
        self.assertEqual(cart.quantity("MUG-1"), 2)
        cart.remove("MUG-1")
        self.assertTrue(cart.is_empty())
        with self.assertRaises(KeyError):
            cart.remove("MUG-1")

    def test_bad_quantities_and_unknown_products_are_refused(self):
        cart = make_cart()
        with self.assertRaises(ValueError):
            cart.add("MUG-1", 0)
        with self.assertRaises(KeyError):
            cart.add("NOPE")
