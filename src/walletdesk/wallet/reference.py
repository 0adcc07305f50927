"""A transaction's reference: the 16 digits a customer reads out to support.

The internal id (``tx_`` and 20 hex digits) is not for people. The reference is the id's last
12 hex digits (48 bits) written as a 15-digit number, then a Luhn check digit, shown in groups
of four like a card number ("0123 4567 8901 2345"). It is derived, not stored: the same id
always gives the same reference, and a reference gives back the id's tail, so a transaction is
found with ``public_id`` ending in that tail. 48 bits do not make a reference unique among all
transactions, only among one customer's: an agent looks it up within the conversation's
customer (``casework``), where two transactions sharing one is about one in five million for
a customer with ten thousand transactions; a lookup that finds two finds none.
"""

from __future__ import annotations

import re

TAIL = 12  # hex digits of the id that the reference carries (48 bits)
BODY = 15  # decimal digits that hold 48 bits (2**48 - 1 has 15)
_HEX = re.compile(r"[0-9a-f]{12}")
_SEPARATORS = re.compile(r"[\s\-.·]+")


def _luhn_digit(body: str) -> int:
    """The check digit that makes ``body + digit`` pass the Luhn test."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:  # doubled: the digit next to the check digit, then every second one
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return (10 - total % 10) % 10


def of(public_id: str) -> str:
    """The 16 reference digits of an id; an id without a hex tail is its own reference."""
    tail = public_id[-TAIL:].lower()
    if not _HEX.fullmatch(tail):
        return public_id
    body = f"{int(tail, 16):0{BODY}d}"
    return body + str(_luhn_digit(body))


def grouped(reference: str) -> str:
    """"0123 4567 8901 2345": digits in fours; anything else as it is."""
    if not reference.isdigit():
        return reference
    return " ".join(reference[i:i + 4] for i in range(0, len(reference), 4))


def tail_of(text: str) -> str | None:
    """The id tail a typed reference names (spaces, dashes and dots ignored), or None when the
    text is not 16 digits that pass the check digit (a digit misheard or mistyped)."""
    digits = _SEPARATORS.sub("", text)
    if len(digits) != BODY + 1 or not digits.isascii() or not digits.isdigit():
        return None
    body, check = digits[:BODY], int(digits[BODY])
    value = int(body)
    if _luhn_digit(body) != check or value >= 16 ** TAIL:
        return None
    return f"{value:0{TAIL}x}"
