"""Secrets typed into a chat are masked before they are stored or delivered.

Three kinds, in both directions (customer and agent):

* ``card``: a run of 13–19 digits (single spaces or dashes allowed between
  groups) that passes the Luhn check becomes ``•••• 1234``. Runs that fail
  Luhn (order numbers, phone numbers) are left alone.
* ``code``: digits after a word such as 验证码 / code / OTP, or a message that
  is nothing but 6–8 digits (the typical answer to "what code did you get?").
* ``password``: the word after 密码 / password / PIN (with 是, 为, :, = or
  "is" between) becomes ``••••••``. Words that say something *about* the
  password are not one: a verb or state after it (密码输错被锁, 密码忘了,
  "password is wrong"), or, with nothing between, a plain word
  ("the wrong password yesterday"); with nothing between, a value is taken
  only if it has a digit or a sign (or Latin letters after a Chinese keyword).

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
# What follows 密码 / password when the words are about it, not it: a verb or a state.
_ABOUT_CJK = re.compile(
    r"^(?:输错|输入错|输了|错|对|不|没|忘|被|锁|已|过期|失效|修改|改|重置|找回|设置|设|输入|"
    r"输|太|多次|次数|一直|总|老|还|也|都|怎么|如何|无法|不能|可以|提示|验证|框|栏|登录|强度|"
    r"泄露|有误|正确|的|了|吗|呢|啊)")
_ABOUT_EN = re.compile(
    r"^(?:wrong|incorrect|correct|right|not|isn|doesn|didn|won|invalid|locked|expired|changed|"
    r"reset|blocked|forgotten|too|still|the|my|your|a|an|and|or|for|to|again|field|box|"
    r"was|has|had|does|did|yesterday|today|twice|many|several)\b", re.IGNORECASE)
_MARKED = re.compile(r"是|为|:|：|=|\bis\b", re.IGNORECASE)


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


def _about_password(m: re.Match[str]) -> bool:
    """The words after the keyword talk about the password (a false positive to leave alone)."""
    value, marked = m.group("val"), bool(_MARKED.search(m.group("sep")))
    if not marked and value[:1] in ("是", "为"):  # "密码是错的": the marker, then too short a value
        value, marked = value[1:], True
    if value.startswith("•") or _ABOUT_CJK.match(value) or _ABOUT_EN.match(value):
        return True
    if marked:
        return False
    if re.search(r"[\d\W_]", value, re.ASCII):  # a digit or a sign: looks typed, not said
        return False
    return not (re.search(r"[A-Za-z]", value) and not m.group("kw").isascii())


def _keyed(pattern: re.Pattern[str], kind: str, text: str, kinds: set[str]) -> str:
    def repl(m: re.Match[str]) -> str:
        if kind == "password" and _about_password(m):
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


def mask_contact(value: str) -> str:
    """An e-mail address or phone number shown where it need not be read in full (a list row, a
    "we sent a code to" line): the first letter and the domain of an address, the first three
    and last four digits of a number; nothing for no contact."""
    if not value:
        return ""
    if "@" in value:
        local, _sep, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    return f"{value[:3]}****{value[-4:]}" if len(value) > 7 else "****"
