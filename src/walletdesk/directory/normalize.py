"""Normal forms of channel values, shared by the admin checks and verification."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import idna
import phonenumbers

from .errors import InvalidChannelValue

DEFAULT_PHONE_REGIONS = ("CN", "HK", "SG", "GB")
EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[^\s@]{1,253}$")
HANDLE = re.compile(r"^[\w.\-\u4e00-\u9fff]{2,50}$")
DOMAIN_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def phone_candidates(raw: str, region_hint: str = "CN") -> list[str]:
    """Every valid E.164 reading of a number; without a country code, the
    region hint first, then the other directory regions (8 digits may be a
    Hong Kong or a Singapore number)."""
    text = raw.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    hints: list[str | None] = [None] if text.startswith("+") else list(
        dict.fromkeys([region_hint.upper()[:2], *DEFAULT_PHONE_REGIONS]))
    found: list[str] = []
    for hint in hints:
        try:
            number = phonenumbers.parse(text, hint)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            if e164 not in found:
                found.append(e164)
    return found


def phone(raw: str, region_hint: str = "CN") -> str:
    """E.164 of a number written in any usual way, or InvalidChannelValue."""
    found = phone_candidates(raw, region_hint)
    if not found:
        raise InvalidChannelValue(code="invalid_phone")
    return found[0]


def pretty_phone(e164: str) -> str:
    number = phonenumbers.parse(e164, None)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def host(raw: str) -> str:
    """The host of a URL or a bare domain, in ASCII (IDNA/UTS 46), lower case."""
    text = raw.strip()
    if "://" not in text:
        text = "http://" + text
    try:
        parts = urlsplit(text)
        name = parts.hostname or ""
    except ValueError:
        raise InvalidChannelValue(code="invalid_domain") from None
    name = name.rstrip(".")
    try:
        ascii_name = idna.encode(name, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        ascii_name = name.lower()
        if not ascii_name or any(ch.isspace() for ch in ascii_name):
            raise InvalidChannelValue(code="invalid_domain") from None
        return ascii_name
    labels = ascii_name.split(".")
    if len(labels) < 2 or not all(DOMAIN_LABEL.match(label) for label in labels):
        raise InvalidChannelValue(code="invalid_domain")
    return ascii_name


def email(raw: str) -> str:
    text = raw.strip()
    if not EMAIL.match(text):
        raise InvalidChannelValue(code="invalid_email")
    local, _sep, domain = text.rpartition("@")
    return f"{local.lower()}@{host(domain)}"


def social(platform: str, raw: str) -> str:
    handle = raw.strip().lstrip("@")
    if not platform or not HANDLE.match(handle):
        raise InvalidChannelValue(code="invalid_social")
    return f"{platform}:{handle.lower()}"


def channel_value(kind: str, value: str, platform: str, region_code: str) -> str:
    if kind == "phone":
        return phone(value, region_code)
    if kind == "email":
        return email(value)
    if kind == "website":
        return host(value)
    if kind == "social":
        return social(platform, value)
    if kind == "chat":
        text = value.strip()
        if not text or len(text) > 200:
            raise InvalidChannelValue()
        return host(text) if "://" in text else text.lower()
    raise InvalidChannelValue(code="unknown_kind")
