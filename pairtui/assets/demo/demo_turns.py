"""The demo's replay transcripts as data: the planner's and the executor's turns, keyed by
what they answer (format: README "Replay transcripts"). Text comes from demo_sources.py.

Besides the straight path (plan, chunks 1-3) the script answers what the demo's keys invite:
one plan revision (`r`) and one hunk sent back with a comment (`c`) per file a chunk touches.
It has no fix rounds: a check that fails in the demo goes back to the person.
"""

from __future__ import annotations

from typing import Any

from demo_sources import (
    BUILD_BEFORE,
    BUILD_CHUNK_1,
    BUILD_RETURN_AFTER,
    BUILD_RETURN_BEFORE,
    BUILD_TAIL_AFTER,
    BUILD_TAIL_BEFORE,
    COMMENT_EDITS,
    CSV_AFTER,
    CSV_BEFORE,
    IMPORTS_BEFORE,
    IMPORTS_CHUNK_1,
    IMPORTS_CHUNK_2_AFTER,
    IMPORTS_CHUNK_2_BEFORE,
    PLAN,
    PRICE_LINES_AFTER,
    PRICE_LINES_BEFORE,
    PRICING_PY,
    README_AFTER,
    README_BEFORE,
    REFUND_AFTER,
    REFUND_BEFORE,
    REFUND_LOOP_AFTER,
    REFUND_LOOP_BEFORE,
    REVISED_PLAN,
    TEST_PRICING_PY,
)

PACE = 400  # tokens/s of streamed text: visibly streaming, still quick


def text(value: str) -> dict[str, str]:
    return {"text": value}


def tool(name: str, **args: Any) -> dict[str, Any]:
    return {"tool": name, "args": args}


def edit(path: str, old: str, new: str) -> dict[str, Any]:
    return tool("edit_file", path=path, old_string=old, new_string=new)


def turn(*parts: dict[str, Any], tokens_in: int, tokens_out: int) -> dict[str, Any]:
    return {"turn": list(parts), "pace": PACE,
            "usage": {"input_tokens": tokens_in, "output_tokens": tokens_out}}


def answers(kind: str, why: str, **narrowed: Any) -> dict[str, Any]:
    """The line that starts the turns answering one kind of request (README: keys)."""
    return {"for": kind, **narrowed, "comment": why}


def comment_turns(chunk: int, path: str, plan: str, done: str, tokens_in: int) -> list[dict[str, Any]]:
    old, new = COMMENT_EDITS[(chunk, path)]
    return [
        answers("comment", f"a hunk of chunk {chunk} in {path} sent back", chunk=chunk, path=path),
        turn(text(plan), edit(path, old, new), tokens_in=tokens_in, tokens_out=160),
        turn(text(done), tokens_in=tokens_in + 300, tokens_out=50),
    ]


PLANNER = [
    answers("plan", "pairtui demo: the planner researches with read-only tools, then writes the plan"),
    turn({"thinking": "A refactor of the pricing code; first see how the repo is laid out."},
         text("Let me look at how the shop is laid out first."),
         tool("list_files"), tokens_in=1850, tokens_out=60),
    turn(text("The money logic seems to live in shop/invoice.py; reading it with its tests."),
         tool("read_file", path="shop/invoice.py"),
         tool("read_file", path="tests/test_invoice.py"), tokens_in=2400, tokens_out=70),
    turn(text(PLAN), tokens_in=7900, tokens_out=620),
    answers("revise", "the person asks for a revision (r): whatever they ask, this answers"),
    turn({"thinking": "Keep the three chunks and what they do; say what the plan left unsaid."},
         text("Revised the plan: chunk 1 now says why shop/invoice.py keeps importing COUPONS "
              "until chunk 2, and chunk 3's check runs the whole suite, so a new test cannot "
              "hide a broken old one.\n\n" + REVISED_PLAN), tokens_in=8700, tokens_out=660),
]

EXECUTOR = [
    answers("chunk", "chunk 1: extract the pricing rules into shop/pricing.py", chunk=1),
    turn(text("I'll read the invoice module and the types the rules depend on."),
         tool("read_file", path="shop/invoice.py"),
         tool("read_file", path="shop/catalog.py", limit=30), tokens_in=3100, tokens_out=80),
    turn(text("Writing the rules once, in shop/pricing.py, exactly as build_invoice applies "
              "them today."),
         tool("write_file", path="shop/pricing.py", content=PRICING_PY),
         tokens_in=6200, tokens_out=720),
    turn(text("Now build_invoice uses the new functions; the CSV export and refunds keep "
              "their own copies until chunk 2."),
         edit("shop/invoice.py", IMPORTS_BEFORE, IMPORTS_CHUNK_1),
         edit("shop/invoice.py", BUILD_BEFORE, BUILD_CHUNK_1), tokens_in=7100, tokens_out=640),
    turn(text("Chunk 1 done: `shop/pricing.py` holds the coupon table, tier and VAT rates and "
              "half-up rounding, and `build_invoice` prices every line through "
              "`discount_rate`, `line_discount` and `line_tax`. The invoice totals are "
              "unchanged."), tokens_in=7600, tokens_out=70),
    *comment_turns(1, "shop/pricing.py",
                   "Good point. `round_money` now says why the shop rounds per line.",
                   "Done: the docstring of `round_money` explains the per-line rounding.", 7900),
    *comment_turns(1, "shop/invoice.py",
                   "Understood. I'll make the order of the rules explicit where "
                   "`build_invoice` prices each line.",
                   "Done: one comment line above the discount says the order (discount, "
                   "then VAT) and where the rounding happens.", 7900),
    answers("chunk", "chunk 2: route the CSV export and refunds through the same rules", chunk=2),
    turn(text("Reading the current invoice module before removing the duplicated rules."),
         tool("read_file", path="shop/invoice.py", offset=50), tokens_in=8200, tokens_out=50),
    turn(text("First a `price_lines` helper that both `build_invoice` and the CSV export can "
              "share."),
         edit("shop/invoice.py", PRICE_LINES_BEFORE, PRICE_LINES_AFTER),
         edit("shop/invoice.py", BUILD_TAIL_BEFORE, BUILD_TAIL_AFTER),
         edit("shop/invoice.py", BUILD_RETURN_BEFORE, BUILD_RETURN_AFTER),
         tokens_in=10400, tokens_out=610),
    turn(text("Now the CSV export and refunds drop their private copies of the rules."),
         edit("shop/invoice.py", CSV_BEFORE, CSV_AFTER),
         edit("shop/invoice.py", REFUND_BEFORE, REFUND_AFTER),
         edit("shop/invoice.py", REFUND_LOOP_BEFORE, REFUND_LOOP_AFTER),
         edit("shop/invoice.py", IMPORTS_CHUNK_2_BEFORE, IMPORTS_CHUNK_2_AFTER),
         edit("README.md", README_BEFORE, README_AFTER), tokens_in=11800, tokens_out=830),
    turn(text("Chunk 2 done: `price_lines` prices a cart once for both the invoice and the "
              "CSV export, and `refund_amount` uses the same functions for the returned "
              "quantities. The two duplicated rule sets and their TODOs are gone; refunds "
              "now reject unknown coupons."), tokens_in=12300, tokens_out=80),
    *comment_turns(2, "shop/invoice.py",
                   "Fair question. `refund_amount` prices the returned items at the whole "
                   "order's rate on purpose; I'll say so in the code.",
                   "Done: a comment in `refund_amount` says why it uses the order's rate.", 12600),
    *comment_turns(2, "README.md",
                   "Agreed, the README should say how refunds are priced.",
                   "Done: the pricing section has one more rule, for refunds.", 12600),
    answers("chunk", "chunk 3: tests for the pricing rules", chunk=3),
    turn(text("Reading the pricing module to cover each rule."),
         tool("read_file", path="shop/pricing.py"), tokens_in=12900, tokens_out=40),
    turn(text("Adding tests/test_pricing.py: one unittest TestCase, a test per rule."),
         tool("write_file", path="tests/test_pricing.py", content=TEST_PRICING_PY),
         tokens_in=14100, tokens_out=900),
    turn(text("Chunk 3 done: `tests/test_pricing.py` covers every tier, the wholesale "
              "threshold at exactly 500.00, coupon precedence, unknown coupons (refunds too), "
              "gift cards, tax-exempt customers and half-up rounding."),
         tokens_in=15000, tokens_out=60),
    *comment_turns(3, "tests/test_pricing.py",
                   "Good catch: an empty coupon code should count as no coupon. Adding a test.",
                   "Done: `test_an_empty_coupon_is_no_coupon` pins it down.", 15300),
]
