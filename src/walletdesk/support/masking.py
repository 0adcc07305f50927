"""Secrets typed into a chat are masked before they are stored or delivered.

Three kinds, in both directions (customer and agent):

* ``card``: a run of 13–19 digits (single spaces or dashes allowed between
  groups) that passes the Luhn check becomes ``•••• 1234``. Runs that fail
  Luhn (order numbers, phone numbers) are left alone.
* ``code``: digits after a word such as 验证码 / code / OTP, or a message that
  is nothing but 6–8 digits (the typical answer to "what code did you get?").
* ``password``: the word after 密码 / password / PIN (with 是, 为, :, = or
  "is" between) becomes ``••••••``.

The sender gets the list of kinds back so that the client can warn them. The
original text is never stored; masking is deliberately eager (a false positive
costs a retype, a false negative leaks a secret into a record agents read).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

DOTS = "••••••"

_CARD = re.compile(r"(?<![\d])(?:\d[ \-]?){12,18}\d(?![\d])")
_CODE = re.compile(
    r"(?P<kw>验证码|校验码|动态码|短信码|确认码|verification\s+code|security\s+code|one[-\s]?time\s+code|"
    r"otp|code)(?P<sep>[^\d\n]{0,12}?)(?P<val>\d{4,8})(?!\d)",
    re.IGNORECASE)
_ONLY_CODE = re.compile(r"^\s*(\d{6,8})\s*$")
_PASSWORD = re.compile(
    r"(?P<kw>支付密码|登录密码|密码|口令|password|passwd|passcode|pwd|\bpin\b)"
    r"(?P<sep>\s*(?:是|为|:|：|=|\bis\b)?\s*)(?P<val>[^\s，。,;；]{3,})",
    re.IGNORECASE)


@dataclass
class Masked:
    text: str
    kinds: list[str] = field(default_factory=list)


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _cards(text: str, kinds: set[str]) -> str:
    def repl(m: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", m.group(0))
        if 13 <= len(digits) <= 19 and luhn_ok(digits):
            kinds.add("card")
            return f"•••• {digits[-4:]}"
        return m.group(0)

    return _CARD.sub(repl, text)


def _keyed(pattern: re.Pattern[str], kind: str, text: str, kinds: set[str]) -> str:
    def repl(m: re.Match[str]) -> str:
        value = m.group("val")
        if kind == "password" and value.startswith("•"):
            return m.group(0)
        kinds.add(kind)
        return f"{m.group('kw')}{m.group('sep')}{DOTS}"

    return pattern.sub(repl, text)


def mask(text: str) -> Masked:
    kinds: set[str] = set()
    out = _cards(text, kinds)
    out = _keyed(_CODE, "code", out, kinds)
    out = _keyed(_PASSWORD, "password", out, kinds)
    if _ONLY_CODE.match(out):
        kinds.add("code")
        out = DOTS
    return Masked(out, sorted(kinds))
