"""API shapes shared by every router, and the formats the OpenAPI document names.

The formats below only *describe* a field (``json_schema_extra``): the services still check
every value and answer with their own stable codes (``invalid_login``, ``unknown_currency``,
``invalid_amount``…), so adding a description never turns one of those answers into a
generic ``invalid_input``. Each pattern is a subset of what the server accepts, so a value
that matches its schema is never refused for its form."""

from __future__ import annotations

from typing import Any

from ninja import Schema

from .money import CURRENCIES, MAX_AMOUNT_MINOR


class ErrorOut(Schema):
    """Every refusal: a stable ``code`` and a translated ``message``."""

    code: str
    message: str


EMAIL_PATTERN = (r"[A-Za-z0-9_%+-]{1,32}(\.[A-Za-z0-9_%+-]{1,32}){0,3}"
                 r"@([A-Za-z0-9]([A-Za-z0-9-]{0,30}[A-Za-z0-9])?\.){1,3}[A-Za-z]{2,12}")
PHONE_PATTERN = r"\+[1-9][0-9]{6,14}"

# An email address or a mobile number in international format (E.164).
LOGIN: dict[str, Any] = {"pattern": f"^({EMAIL_PATTERN}|{PHONE_PATTERN})$", "maxLength": 254,
                         "examples": ["alice@example.com", "+8613800138000"]}
EMAIL: dict[str, Any] = {"format": "email", "pattern": f"^{EMAIL_PATTERN}$", "maxLength": 254}
# A code from an authenticator app (TOTP, RFC 6238): six digits.
TOTP: dict[str, Any] = {"pattern": "^[0-9]{6}$", "examples": ["123456"]}
# A second factor typed at sign-in or step-up: six TOTP digits, or one of the ten recovery codes
# (ten letters and digits, without 0, 1, i, l and o).
SECOND_FACTOR: dict[str, Any] = {"pattern": "^([0-9]{6}|[a-hjkmnp-z2-9]{10})$",
                                 "examples": ["123456", "k7mq2xw9pa"]}
# A one-time code sent by email or text message: six to eight digits.
SENT_CODE: dict[str, Any] = {"pattern": "^[0-9]{6,8}$", "examples": ["048213"]}
CURRENCY: dict[str, Any] = {"enum": list(CURRENCIES),
                            "description": "ISO 4217 code of a currency the wallet holds"}
# Money in the currency's minor units (fen, cents), a JSON integer, never a decimal.
MINOR_AMOUNT: dict[str, Any] = {"type": "integer", "minimum": 1, "maximum": MAX_AMOUNT_MINOR,
                                "description": "minor units (fen, cents), a JSON integer"}
