"""A small shop library: a catalog, carts, customers and invoices."""

from shop.cart import Cart, CartLine
from shop.catalog import Catalog, Product
from shop.customers import Customer
from shop.invoice import Invoice, InvoiceLine, build_invoice, invoice_csv, refund_amount

__all__ = [
    "Cart",
    "CartLine",
    "Catalog",
    "Customer",
    "Invoice",
    "InvoiceLine",
    "Product",
    "build_invoice",
    "invoice_csv",
    "refund_amount",
]
