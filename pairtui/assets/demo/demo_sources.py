"""What the demo's scripted models write: the plan, the new files, and the exact text
each edit replaces and puts in its place (old strings must match assets/demo-repo once).
"""

PRICING_PY = '''\
"""The shop's pricing rules in one place: tier and coupon discounts, VAT, rounding.

Every price the shop shows (invoice, CSV export, refund) goes through these functions,
so the rules cannot drift apart.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from shop.catalog import Product
from shop.customers import Customer

COUPONS = {"WELCOME10": Decimal("0.10"), "SPRING5": Decimal("0.05")}
TIER_RATES = {
    "regular": Decimal("0"),
    "member": Decimal("0.05"),
    "wholesale": Decimal("0.08"),
}
WHOLESALE_BULK_RATE = Decimal("0.12")
WHOLESALE_BULK_THRESHOLD = Decimal("500")
VAT_RATES = {
    "standard": Decimal("0.20"),
    "books": Decimal("0.05"),
    "food": Decimal("0.05"),
    "gift-card": Decimal("0"),
}
PENNY = Decimal("0.01")


def round_money(amount: Decimal) -> Decimal:
    """Round half-up to the penny (the shop rounds once per invoice line)."""
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def discount_rate(customer: Customer, subtotal: Decimal, coupon: str | None = None) -> Decimal:
    """The order's discount rate: the customer's tier rate, or the coupon's if better.

    Raises ValueError for an unknown coupon code.
    """
    rate = TIER_RATES[customer.tier]
    if customer.tier == "wholesale" and subtotal >= WHOLESALE_BULK_THRESHOLD:
        rate = WHOLESALE_BULK_RATE
    if coupon:
        code = coupon.strip().upper()
        if code not in COUPONS:
            raise ValueError(f"unknown coupon {coupon!r}")
        rate = max(rate, COUPONS[code])  # coupons never stack with tier discounts
    return rate


def line_discount(product: Product, gross: Decimal, rate: Decimal) -> Decimal:
    """The discount on one line, rounded; gift cards are never discounted."""
    if product.category == "gift-card":
        return Decimal("0.00")
    return round_money(gross * rate)


def vat_rate(product: Product, customer: Customer) -> Decimal:
    """VAT rate by product category; tax-exempt customers pay none."""
    if customer.tax_exempt:
        return Decimal("0")
    return VAT_RATES[product.category]


def line_tax(product: Product, customer: Customer, net: Decimal) -> Decimal:
    """VAT on one line's discounted amount, rounded."""
    return round_money(net * vat_rate(product, customer))
'''

TEST_PRICING_PY = '''\
import unittest
from decimal import Decimal

from shop import Cart, Catalog, Customer, Product, refund_amount
from shop.pricing import discount_rate, line_discount, line_tax, round_money, vat_rate

MUG = Product("MUG-1", "Mug", Decimal("9.99"))
BOOK = Product("BK-1", "Book", Decimal("24.00"), "books")
GIFT = Product("GC-50", "Gift card", Decimal("50.00"), "gift-card")
REGULAR = Customer("c1", "Ada")
MEMBER = Customer("c2", "Bo", tier="member")
WHOLESALE = Customer("w1", "Trade Ltd", tier="wholesale")


class PricingTest(unittest.TestCase):
    def test_tier_rates_and_the_wholesale_threshold(self):
        for customer, subtotal, rate in [
            (REGULAR, Decimal("100"), Decimal("0")),
            (MEMBER, Decimal("100"), Decimal("0.05")),
            (WHOLESALE, Decimal("499.99"), Decimal("0.08")),
            (WHOLESALE, Decimal("500.00"), Decimal("0.12")),
        ]:
            with self.subTest(tier=customer.tier, subtotal=subtotal):
                self.assertEqual(discount_rate(customer, subtotal), rate)

    def test_the_better_of_coupon_and_tier_wins(self):
        self.assertEqual(discount_rate(MEMBER, Decimal("10"), "welcome10"), Decimal("0.10"))
        self.assertEqual(discount_rate(MEMBER, Decimal("10"), "SPRING5"), Decimal("0.05"))
        self.assertEqual(discount_rate(WHOLESALE, Decimal("900"), " WELCOME10 "), Decimal("0.12"))

    def test_unknown_coupons_are_refused(self):
        with self.assertRaisesRegex(ValueError, "unknown coupon 'FREE'"):
            discount_rate(REGULAR, Decimal("10"), "FREE")

    def test_gift_cards_are_never_discounted_or_taxed(self):
        self.assertEqual(line_discount(GIFT, Decimal("50.00"), Decimal("0.12")), Decimal("0"))
        self.assertEqual(line_tax(GIFT, REGULAR, Decimal("50.00")), Decimal("0"))

    def test_vat_by_category_and_for_tax_exempt_customers(self):
        self.assertEqual(vat_rate(MUG, REGULAR), Decimal("0.20"))
        self.assertEqual(vat_rate(BOOK, REGULAR), Decimal("0.05"))
        self.assertEqual(vat_rate(MUG, Customer("x", "Export Ltd", tax_exempt=True)), Decimal("0"))

    def test_money_rounds_half_up_to_the_penny(self):
        self.assertEqual(round_money(Decimal("0.125")), Decimal("0.13"))
        self.assertEqual(round_money(Decimal("0.124")), Decimal("0.12"))
        self.assertEqual(line_discount(MUG, Decimal("29.97"), Decimal("0.05")), Decimal("1.50"))
        self.assertEqual(line_tax(MUG, REGULAR, Decimal("28.47")), Decimal("5.69"))

    def test_refunds_refuse_unknown_coupons_like_everything_else(self):
        cart = Cart(Catalog([MUG]))
        cart.add("MUG-1")
        with self.assertRaisesRegex(ValueError, "unknown coupon"):
            refund_amount(cart, REGULAR, {"MUG-1": 1}, coupon="FREE")
'''

PLAN = """\
# Goal: Put the shop's pricing rules in one place

The tier discount, coupon and VAT rules are written out three times in shop/invoice.py
(build_invoice, invoice_csv and refund_amount), and the copies have started to drift:
refund_amount silently ignores unknown coupons. Move the rules into a new module, make
every caller use it, then pin the rules down with tests.

## Chunk 1: Extract the pricing rules into shop/pricing.py
Files: shop/pricing.py, shop/invoice.py
Verify: python3 -m unittest -q tests/test_invoice.py

Create shop/pricing.py with the coupon table, the tier and VAT rates and half-up rounding
to the penny, as small functions: discount_rate(customer, subtotal, coupon),
line_discount(product, gross, rate), vat_rate(product, customer) and
line_tax(product, customer, net). Make build_invoice use them. Leave invoice_csv and
refund_amount alone for now; no invoice total may change by a penny.

## Chunk 2: Price the CSV export and refunds through the same rules
Files: shop/invoice.py, README.md
Verify: python3 -m unittest -q

Add price_lines(cart, customer, coupon) to shop/invoice.py, returning the priced invoice
lines, and build both build_invoice and invoice_csv on it. Make refund_amount price the
returned quantities with discount_rate, line_discount and line_tax. Delete the two copies
of the rules and their TODO comments; refunds now reject unknown coupons like the rest of
the shop. Point the README's pricing section at shop/pricing.py.

## Chunk 3: Add tests for the pricing rules
Files: tests/test_pricing.py
Verify: python3 -m unittest -q tests/test_pricing.py tests/test_invoice.py

Test shop/pricing.py directly: each tier's rate, the wholesale threshold at exactly
500.00, coupons that win or lose against the tier, unknown coupons (refunds included),
gift cards never discounted or taxed, tax-exempt customers, and half-up rounding
(0.125 becomes 0.13). One unittest TestCase, standard library only, as AGENTS.md
asks.
"""

# The plan as the planner revises it when the person presses `r` (whatever they ask, the
# script answers this): chunk 1 says why invoice.py keeps COUPONS for now, and chunk 3's check
# runs the whole suite.
REVISED_PLAN = PLAN.replace(
    "refund_amount alone for now; no invoice total may change by a penny.\n",
    "refund_amount alone for now (they still read COUPONS, so shop/invoice.py imports it\n"
    "from shop/pricing.py until chunk 2); no invoice total may change by a penny.\n",
).replace(
    "Verify: python3 -m unittest -q tests/test_pricing.py tests/test_invoice.py\n",
    "Verify: python3 -m unittest -q\n",
).replace(
    "(0.125 becomes 0.13). One unittest TestCase, standard library only, as AGENTS.md\nasks.\n",
    "(0.125 becomes 0.13). One unittest TestCase, standard library only, as AGENTS.md\n"
    "asks. The check runs the whole suite, so a new test cannot hide a broken old one.\n",
)

# Chunk 1 ---------------------------------------------------------------------------------

IMPORTS_BEFORE = '''\
from shop.cart import Cart
from shop.customers import Customer

COUPONS = {"WELCOME10": Decimal("0.10"), "SPRING5": Decimal("0.05")}
'''
IMPORTS_CHUNK_1 = '''\
from shop.cart import Cart
from shop.customers import Customer
from shop.pricing import COUPONS, discount_rate, line_discount, line_tax
'''

BUILD_BEFORE = '''\
    subtotal = cart.subtotal()

    rate = Decimal("0")
    if customer.tier == "member":
        rate = Decimal("0.05")
    elif customer.tier == "wholesale" and subtotal >= Decimal("500"):
        rate = Decimal("0.12")
    elif customer.tier == "wholesale":
        rate = Decimal("0.08")
    if coupon:
        code = coupon.strip().upper()
        if code not in COUPONS:
            raise ValueError(f"unknown coupon {coupon!r}")
        rate = max(rate, COUPONS[code])  # coupons never stack with tier discounts

    lines = []
    for line in cart.lines():
        gross = line.gross
        if line.product.category == "gift-card":
            discount = Decimal("0.00")  # gift cards are never discounted
        else:
            discount = (gross * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        net = gross - discount
        if customer.tax_exempt or line.product.category == "gift-card":
            tax_rate = Decimal("0")
        elif line.product.category in ("books", "food"):
            tax_rate = Decimal("0.05")
        else:
            tax_rate = Decimal("0.20")
        tax = (net * tax_rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        lines.append(
'''
BUILD_CHUNK_1 = '''\
    subtotal = cart.subtotal()
    rate = discount_rate(customer, subtotal, coupon)

    lines = []
    for line in cart.lines():
        discount = line_discount(line.product, line.gross, rate)
        net = line.gross - discount
        tax = line_tax(line.product, customer, net)
        lines.append(
'''

# Chunk 2 ---------------------------------------------------------------------------------

PRICE_LINES_BEFORE = '''\
def build_invoice(
    number: str, cart: Cart, customer: Customer, coupon: str | None = None
) -> Invoice:
    """Price `cart` for `customer`: tier or coupon discount, then VAT, rounded per line."""
    if cart.is_empty():
        raise ValueError("cannot invoice an empty cart")
    subtotal = cart.subtotal()
    rate = discount_rate(customer, subtotal, coupon)

    lines = []
    for line in cart.lines():
'''
PRICE_LINES_AFTER = '''\
def price_lines(
    cart: Cart, customer: Customer, coupon: str | None = None
) -> tuple[InvoiceLine, ...]:
    """Every cart line priced for `customer`: discount, then VAT, rounded per line."""
    rate = discount_rate(customer, cart.subtotal(), coupon)
    lines = []
    for line in cart.lines():
'''
BUILD_TAIL_BEFORE = '''\
                total=net + tax,
            )
        )

    discount_total = sum((line.discount for line in lines), Decimal("0"))
'''
BUILD_TAIL_AFTER = '''\
                total=net + tax,
            )
        )
    return tuple(lines)


def build_invoice(
    number: str, cart: Cart, customer: Customer, coupon: str | None = None
) -> Invoice:
    """Price `cart` for `customer`: tier or coupon discount, then VAT, rounded per line."""
    if cart.is_empty():
        raise ValueError("cannot invoice an empty cart")
    subtotal = cart.subtotal()
    lines = price_lines(cart, customer, coupon)
    discount_total = sum((line.discount for line in lines), Decimal("0"))
'''
BUILD_RETURN_BEFORE = "        lines=tuple(lines),\n"
BUILD_RETURN_AFTER = "        lines=lines,\n"

CSV_BEFORE = '''\
    # TODO: this repeats the pricing rules of build_invoice; keep the two in sync!
    subtotal = cart.subtotal()
    tier_rates = {"regular": Decimal("0"), "member": Decimal("0.05")}
    if customer.tier == "wholesale":
        rate = Decimal("0.12") if subtotal >= 500 else Decimal("0.08")
    else:
        rate = tier_rates[customer.tier]
    if coupon:
        code = coupon.strip().upper()
        if code not in COUPONS:
            raise ValueError(f"unknown coupon {coupon!r}")
        rate = max(rate, COUPONS[code])

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\\n")
    writer.writerow(["sku", "name", "quantity", "unit_price", "discount", "tax", "total"])
    total = Decimal("0")
    for line in cart.lines():
        category = line.product.category
        gross = line.product.price * line.quantity
        discount = Decimal("0.00")
        if category != "gift-card":
            discount = (gross * rate).quantize(Decimal("0.01"), ROUND_HALF_UP)
        vat = {"books": Decimal("0.05"), "food": Decimal("0.05"), "gift-card": Decimal("0")}
        tax_rate = Decimal("0") if customer.tax_exempt else vat.get(category, Decimal("0.20"))
        tax = ((gross - discount) * tax_rate).quantize(Decimal("0.01"), ROUND_HALF_UP)
        line_total = gross - discount + tax
        total += line_total
        writer.writerow(
            [line.product.sku, line.product.name, line.quantity, line.product.price,
             discount, tax, line_total]
        )
    writer.writerow(["TOTAL", "", "", "", "", "", total])
'''
CSV_AFTER = '''\
    lines = price_lines(cart, customer, coupon)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\\n")
    writer.writerow(["sku", "name", "quantity", "unit_price", "discount", "tax", "total"])
    for line in lines:
        writer.writerow(
            [line.sku, line.name, line.quantity, line.unit_price,
             line.discount, line.tax, line.total]
        )
    total = sum((line.total for line in lines), Decimal("0"))
    writer.writerow(["TOTAL", "", "", "", "", "", total])
'''

REFUND_BEFORE = '''\
    # TODO: a third copy of the pricing rules (see build_invoice and invoice_csv).
    subtotal = cart.subtotal()
    rate = Decimal("0")
    if customer.tier == "member":
        rate = Decimal("0.05")
    if customer.tier == "wholesale":
        rate = Decimal("0.08")
        if subtotal >= Decimal("500"):
            rate = Decimal("0.12")
    if coupon and coupon.strip().upper() in COUPONS:
        rate = max(rate, COUPONS[coupon.strip().upper()])

    refund = Decimal("0")
'''
REFUND_AFTER = '''\
    rate = discount_rate(customer, cart.subtotal(), coupon)
    refund = Decimal("0")
'''
REFUND_LOOP_BEFORE = '''\
        gross = line.product.price * quantity
        if line.product.category == "gift-card":
            refund += gross
            continue
        net = gross - (gross * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if customer.tax_exempt:
            refund += net
        elif line.product.category in ("books", "food"):
            refund += net + (net * Decimal("0.05")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        else:
            refund += net + (net * Decimal("0.20")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
'''
REFUND_LOOP_AFTER = '''\
        gross = line.product.price * quantity
        net = gross - line_discount(line.product, gross, rate)
        refund += net + line_tax(line.product, customer, net)
'''

IMPORTS_CHUNK_2_BEFORE = '''\
from decimal import ROUND_HALF_UP, Decimal

from shop.cart import Cart
from shop.customers import Customer
from shop.pricing import COUPONS, discount_rate, line_discount, line_tax
'''
IMPORTS_CHUNK_2_AFTER = '''\
from decimal import Decimal

from shop.cart import Cart
from shop.customers import Customer
from shop.pricing import discount_rate, line_discount, line_tax
'''

README_BEFORE = "## Pricing rules\n\n"
README_AFTER = "## Pricing rules\n\nAll of them live in `shop/pricing.py`:\n\n"

# What a hunk sent back with a comment (`c`) changes, by chunk and file ------------------------

COMMENT_EDITS = {
    (1, "shop/pricing.py"): (
        '    """Round half-up to the penny (the shop rounds once per invoice line)."""\n',
        '    """Round half-up to the penny. The shop rounds each invoice line, never the grand\n'
        "    total, so an invoice's total is always the sum of the lines it shows.\"\"\"\n",
    ),
    (1, "shop/invoice.py"): (
        "        discount = line_discount(line.product, line.gross, rate)\n",
        "        # the discount first, then VAT on what is left; each rounded on its own line\n"
        "        discount = line_discount(line.product, line.gross, rate)\n",
    ),
    (2, "shop/invoice.py"): (
        '    rate = discount_rate(customer, cart.subtotal(), coupon)\n    refund = Decimal("0")\n',
        "    # the whole order's rate: returning part of it keeps the discount the order earned\n"
        '    rate = discount_rate(customer, cart.subtotal(), coupon)\n    refund = Decimal("0")\n',
    ),
    (2, "README.md"): (
        "- Money is rounded half-up to the penny on each invoice line.\n",
        "- Money is rounded half-up to the penny on each invoice line.\n"
        "- Refunds are priced at the original order's rate and refuse unknown coupons.\n",
    ),
    (3, "tests/test_pricing.py"): (
        "    def test_unknown_coupons_are_refused(self):\n",
        "    def test_an_empty_coupon_is_no_coupon(self):\n"
        '        self.assertEqual(discount_rate(MEMBER, Decimal("10"), ""), Decimal("0.05"))\n'
        "\n"
        "    def test_unknown_coupons_are_refused(self):\n",
    ),
}
