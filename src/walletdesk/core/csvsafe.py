"""CSV cells a spreadsheet will not run as formulas (CSV injection, OWASP): used by the
reports exports and the wallet history."""

from __future__ import annotations

from typing import Any

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula starts with a quote."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value
