import unittest
from decimal import Decimal

from shop import Cart, Catalog, Customer, Product, build_invoice, invoice_csv, refund_amount

CATALOG = Catalog([
    Product("BK-1", "Python Tricks", Decimal("24.00"), "books"),
    Product("MUG-1", "Python Mug", Decimal("9.99")),
    Product("GC-50", "Gift card 50", Decimal("50.00"), "gift-card"),
    Product("DESK-1", "Standing desk", Decimal("480.00")),
])


def cart_of(**quantities: int) -> Cart:
    cart = Cart(CATALOG)
    for sku, quantity in quantities.items():
        cart.add(sku.replace("_", "-"), quantity)
    return cart


class InvoiceTest(unittest.TestCase):
    def test_regular_customer_pays_vat_by_category(self):
        invoice = build_invoice("INV-1", cart_of(BK_1=1, MUG_1=2), Customer("c1", "Ada"))
        self.assertEqual(invoice.subtotal, Decimal("43.98"))
        self.assertEqual(invoice.discount, Decimal("0"))
        self.assertEqual([line.tax for line in invoice.lines], [Decimal("1.20"), Decimal("4.00")])
        self.assertEqual(invoice.total, Decimal("49.18"))

    def test_member_discount_is_rounded_per_line_before_vat(self):
        invoice = build_invoice("INV-2", cart_of(MUG_1=3), Customer("c2", "Bo", tier="member"))
        line = invoice.lines[0]
        self.assertEqual(line.discount, Decimal("1.50"))  # 29.97 * 5% = 1.4985
        self.assertEqual(line.tax, Decimal("5.69"))       # (29.97 - 1.50) * 20% = 5.694
        self.assertEqual(invoice.total, Decimal("34.16"))

    def test_wholesale_rate_depends_on_order_size_and_skips_gift_cards(self):
        small = build_invoice("INV-3", cart_of(MUG_1=10), Customer("w", "Wholesale", "wholesale"))
        self.assertEqual(small.discount, Decimal("7.99"))  # 8% of 99.90
        big = build_invoice("INV-4", cart_of(DESK_1=1, GC_50=1), Customer("w", "W", "wholesale"))
        self.assertEqual([line.discount for line in big.lines], [Decimal("57.60"), Decimal("0.00")])
        self.assertEqual([line.tax for line in big.lines], [Decimal("84.48"), Decimal("0")])

    def test_coupons_do_not_stack_with_tier_discounts(self):
        customer = Customer("c2", "Bo", tier="member")
        with_coupon = build_invoice("INV-5", cart_of(BK_1=1), customer, coupon=" welcome10 ")
        self.assertEqual(with_coupon.discount, Decimal("2.40"))
        weaker = build_invoice("INV-6", cart_of(BK_1=1), customer, coupon="SPRING5")
        self.assertEqual(weaker.discount, Decimal("1.20"))
        with self.assertRaisesRegex(ValueError, "unknown coupon"):
            build_invoice("INV-7", cart_of(BK_1=1), customer, coupon="FREE")

    def test_tax_exempt_customers_pay_no_vat(self):
        invoice = build_invoice("INV-8", cart_of(MUG_1=1),
                                Customer("x", "Export Ltd", tax_exempt=True))
        self.assertEqual(invoice.tax, Decimal("0"))
        self.assertEqual(invoice.total, Decimal("9.99"))

    def test_empty_cart_cannot_be_invoiced(self):
        with self.assertRaisesRegex(ValueError, "empty"):
            build_invoice("INV-9", Cart(CATALOG), Customer("c1", "Ada"))

    def test_rendered_invoice_shows_lines_and_totals(self):
        text = build_invoice("INV-10", cart_of(MUG_1=2), Customer("c2", "Bo", "member")).render()
        self.assertEqual(text.splitlines()[:2], ["Invoice INV-10", "Customer: Bo"])
        self.assertIn("  2 x Python Mug", text)
        self.assertEqual(text.splitlines()[-1].split(), ["Total", "22.78"])

    def test_csv_export_matches_the_invoice(self):
        cart = cart_of(BK_1=2, MUG_1=1, GC_50=1)
        customer = Customer("w", "Wholesale", "wholesale")
        invoice = build_invoice("INV-11", cart, customer, coupon="WELCOME10")
        rows = [row.split(",") for row in invoice_csv(cart, customer, "WELCOME10").splitlines()]
        self.assertEqual(rows[0],
                         ["sku", "name", "quantity", "unit_price", "discount", "tax", "total"])
        self.assertEqual([Decimal(row[6]) for row in rows[1:-1]],
                         [line.total for line in invoice.lines])
        self.assertEqual(rows[-1][0], "TOTAL")
        self.assertEqual(Decimal(rows[-1][6]), invoice.total)

    def test_refund_uses_the_original_orders_discount(self):
        cart = cart_of(DESK_1=1, MUG_1=5)
        customer = Customer("w", "Wholesale", "wholesale")
        self.assertEqual(refund_amount(cart, customer, {"MUG-1": 2}),
                         Decimal("21.10"))  # 19.98 - 12%, + VAT
        self.assertEqual(refund_amount(cart, customer, {}), Decimal("0"))

    def test_refund_of_a_whole_order_equals_its_total(self):
        cart = cart_of(BK_1=1, MUG_1=2, GC_50=1)
        customer = Customer("c2", "Bo", "member")
        invoice = build_invoice("INV-12", cart, customer)
        everything = {line.sku: line.quantity for line in invoice.lines}
        self.assertEqual(refund_amount(cart, customer, everything), invoice.total)

    def test_refund_refuses_more_than_bought_or_unknown_items(self):
        cart = cart_of(MUG_1=1)
        with self.assertRaisesRegex(ValueError, "only 1 bought"):
            refund_amount(cart, Customer("c1", "Ada"), {"MUG-1": 2})
        with self.assertRaisesRegex(ValueError, "BK-1"):
            refund_amount(cart, Customer("c1", "Ada"), {"BK-1": 1})
