"""`pairtui plan`."""

from __future__ import annotations

import argparse

from pairtui.errors import NotAvailableError


def run(args: argparse.Namespace) -> int:
    raise NotAvailableError("'pairtui plan' is not available yet in this version")
