"""Money as integer minor units.

Amounts travel as ``int`` minor units everywhere inside the project (fen for
CNY, cents for HKD and USD). Parsing of user-typed decimals happens here and
only here, and never goes through ``float``.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from .errors import ValidationFailed

# ISO 4217 exponents of the currencies the wallet holds.
CURRENCIES: dict[str, int] = {"CNY": 2, "HKD": 2, "USD": 2}
CURRENCY_CHOICES = [(c, c) for c in CURRENCIES]
SYMBOLS = {"CNY": "¥", "HKD": "HK$", "USD": "US$"}
# The largest single amount any operation accepts (minor units); 10 million.
MAX_AMOUNT_MINOR = 10_000_000_00
PLAIN_DECIMAL = re.compile(r"[0-9]{1,12}(\.[0-9]{1,12})?")
# A minus sign as people type it: ASCII, the typographic minus, the full-width one.
MINUS_SIGNS = ("-", "\u2212", "\uff0d")


def check_currency(currency: object) -> str:
    if not isinstance(currency, str) or currency.upper() not in CURRENCIES:
        raise ValidationFailed(_("Unknown currency."), code="unknown_currency")
    return currency.upper()


def check_amount(amount: object, *, field: str = "amount") -> int:
    """Validate an amount in minor units that arrived through the API.

    Only a JSON integer is accepted; floats, booleans and strings are refused
    with a typed error so that "10.5" or 1e3 can never be half-understood.
    """
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ValidationFailed(
            _("The amount must be a whole number of minor units (for example 1050 for 10.50)."),
            code="invalid_amount",
            field=field,
        )
    if amount <= 0:
        raise ValidationFailed(_("The amount must be greater than zero."),
                               code="invalid_amount", field=field)
    if amount > MAX_AMOUNT_MINOR:
        raise ValidationFailed(_("The amount is above the limit for one operation."),
                               code="amount_above_limit", field=field)
    return amount


def parse_major(text: str, currency: str) -> int:
    """Parse a decimal typed by a person ("12.34") into minor units."""
    exponent = CURRENCIES[check_currency(currency)]
    cleaned = (text or "").strip().replace(",", "").replace("，", "")
    if cleaned.startswith(MINUS_SIGNS) and PLAIN_DECIMAL.fullmatch(cleaned[1:]):
        # "-5" is a number, only not one that can be paid: say so, not "enter an amount".
        raise ValidationFailed(_("The amount must be greater than zero."), code="invalid_amount")
    # Plain digits with an optional decimal part: no sign, exponent, NaN or infinity.
    if not PLAIN_DECIMAL.fullmatch(cleaned):
        raise ValidationFailed(_("Enter an amount such as 12.34."), code="invalid_amount")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationFailed(_("Enter an amount such as 12.34."), code="invalid_amount") from None
    places = value.as_tuple().exponent  # an int: PLAIN_DECIMAL allows no NaN or Infinity
    if isinstance(places, int) and -places > exponent:
        raise ValidationFailed(_("Too many decimal places for this currency."),
                               code="too_many_decimals")
    return check_amount(int(value.scaleb(exponent)))


def format_minor(amount: int, currency: str, *, symbol: bool = True) -> str:
    exponent = CURRENCIES.get(currency, 2)
    sign = "-" if amount < 0 else ""
    whole, frac = divmod(abs(amount), 10**exponent)
    text = f"{whole:,}.{frac:0{exponent}d}" if exponent else f"{whole:,}"
    prefix = SYMBOLS.get(currency, currency + " ") if symbol else ""
    return f"{sign}{prefix}{text}"
