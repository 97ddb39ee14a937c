"""Invoices: totals, the printable invoice, the CSV export and refunds."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from shop.cart import Cart
from shop.customers import Customer

COUPONS = {"WELCOME10": Decimal("0.10"), "SPRING5": Decimal("0.05")}


@dataclass(frozen=True)
class InvoiceLine:
    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    discount: Decimal
    tax: Decimal
    total: Decimal


@dataclass(frozen=True)
class Invoice:
    number: str
    customer: Customer
    lines: tuple[InvoiceLine, ...]
    subtotal: Decimal
    discount: Decimal
    tax: Decimal
    total: Decimal

    def render(self) -> str:
        """The invoice as plain text, one product per line, totals at the bottom."""
        out = [f"Invoice {self.number}", f"Customer: {self.customer.name}", ""]
        for line in self.lines:
            out.append(
                f"{line.quantity:>3} x {line.name:<24} {line.unit_price:>9} {line.total:>10}"
            )
        out.append("")
        out.append(f"{'Subtotal':<40} {self.subtotal:>10}")
        if self.discount:
            out.append(f"{'Discount':<40} {-self.discount:>10}")
        out.append(f"{'VAT':<40} {self.tax:>10}")
        out.append(f"{'Total':<40} {self.total:>10}")
        return "\n".join(out) + "\n"


def build_invoice(
    number: str, cart: Cart, customer: Customer, coupon: str | None = None
) -> Invoice:
    """Price `cart` for `customer`: tier or coupon discount, then VAT, rounded per line."""
    if cart.is_empty():
        raise ValueError("cannot invoice an empty cart")
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
            InvoiceLine(
                sku=line.product.sku,
                name=line.product.name,
                quantity=line.quantity,
                unit_price=line.product.price,
                discount=discount,
                tax=tax,
                total=net + tax,
            )
        )

    discount_total = sum((line.discount for line in lines), Decimal("0"))
    tax_total = sum((line.tax for line in lines), Decimal("0"))
    return Invoice(
        number=number,
        customer=customer,
        lines=tuple(lines),
        subtotal=subtotal,
        discount=discount_total,
        tax=tax_total,
        total=subtotal - discount_total + tax_total,
    )


def invoice_csv(cart: Cart, customer: Customer, coupon: str | None = None) -> str:
    """The cart priced for the accountants: one CSV row per product and a TOTAL row."""
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
    writer = csv.writer(buffer, lineterminator="\n")
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
    return buffer.getvalue()


def refund_amount(
    cart: Cart, customer: Customer, returned: dict[str, int], coupon: str | None = None
) -> Decimal:
    """What to pay back when `returned` items (SKU -> quantity) of a paid cart come back.

    The refund uses the discount rate of the original order, so returning part of a
    wholesale order over 500.00 still refunds at 12%.
    """
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
    for line in cart.lines():
        quantity = returned.get(line.product.sku, 0)
        if quantity > line.quantity:
            raise ValueError(
                f"cannot return {quantity} x {line.product.sku}: only {line.quantity} bought"
            )
        if quantity <= 0:
            continue
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
    unknown = set(returned) - {line.product.sku for line in cart.lines()}
    if unknown:
        raise ValueError(f"not in this order: {', '.join(sorted(unknown))}")
    return refund
