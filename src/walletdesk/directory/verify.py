"""Is this phone number, address, website, social account or employee ID ours?

``check(text)`` classifies the input, compares its normal form with the
official directory and, when it is not official, says why it may be a trap
(a domain that imitates ours, a number one digit away from ours). It only
reads; reports of fakes are written by ``services.create_report``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from walletdesk.support import services as support
from walletdesk.support.models import name_for

from . import lookalike, normalize
from .errors import EmptyInput, InputTooLong, InvalidChannelValue, UnrecognizedInput
from .models import Channel
from .queries import channel_public

MAX_INPUT = 300
EMPLOYEE = re.compile(r"^(?:工号|employee\s*id|id)?\s*[:：#]?\s*(WD[\s\-_]?\d{4,6})$", re.I)
PHONE_CHARS = re.compile(r"^[+\d\s\-().]{5,32}$")
SOCIAL_PREFIX = re.compile(r"^(wechat|weixin|微信|weibo|微博|douyin|抖音|facebook|instagram|x|twitter|"
                           r"whatsapp|linkedin)\s*[:：]\s*@?(.+)$", re.I)
PLATFORM_ALIASES = {"weixin": "wechat", "微信": "wechat", "微博": "weibo", "抖音": "douyin",
                    "twitter": "x"}
SOCIAL_HOSTS = {"weibo.com": "weibo", "douyin.com": "douyin", "facebook.com": "facebook",
                "instagram.com": "instagram", "x.com": "x", "twitter.com": "x",
                "linkedin.com": "linkedin"}

WARNINGS: dict[str, Promise] = {
    "not_in_directory": _("This is not in our official directory. walletdesk never asks for "
                          "passwords, verification codes or transfers to a \"safe account\"."),
    "invalid_number": _("This is not a valid phone number. Compare it with the numbers on our "
                        "official contacts page."),
    "lookalike_number": _("This number looks like one of ours but is different: a common scam trick."),
    "unlisted_address": _("This address uses our domain but is not a support address we list. "
                          "We never ask for passwords or codes by email."),
    "unknown_employee_id": _("No walletdesk agent has this employee ID. End the conversation and "
                             "contact us through an official channel."),
    "lookalike_punycode": _("This domain is written with letters from another alphabet (punycode) "
                            "to look like ours."),
    "lookalike_homoglyph": _("This domain uses characters that look like ours but are different."),
    "lookalike_lookalike": _("This domain swaps letters or digits that look alike to imitate ours."),
    "lookalike_extra_words": _("This domain puts extra words around our name: it is not ours."),
    "lookalike_other_tld": _("This is our name under another ending (top-level domain): it is not ours."),
    "lookalike_typo": _("This domain is a misspelling of ours."),
    "disguised_url": _("This link shows our name before an @ but leads to another site."),
    "lookalike_handle": _("This account imitates our name but is not one of our accounts."),
}


@dataclass
class Result:
    official: bool
    kind: str
    normalized: str = ""
    match: dict[str, Any] | None = None
    similar_to: dict[str, Any] | None = None
    warning_code: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def warning(self) -> str:
        return str(WARNINGS[self.warning_code]) if self.warning_code else ""

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"official": self.official, "kind": self.kind,
                               "normalized": self.normalized}
        if self.match is not None:
            out["match"] = self.match
        if self.similar_to is not None:
            out["similar_to"] = self.similar_to
        if self.warning_code:
            out["warning"] = self.warning
            out["warning_code"] = self.warning_code
        out["can_report"] = not self.official
        return out


def _clean(raw: object) -> str:
    if not isinstance(raw, str):
        raise EmptyInput()
    if len(raw) > MAX_INPUT:
        raise InputTooLong()
    text = raw.strip()
    if not text:
        raise EmptyInput()
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        raise UnrecognizedInput()
    return text


def check(raw: object, region_hint: str = "CN") -> Result:
    text = _clean(raw)
    folded = unicodedata.normalize("NFKC", text)
    m = EMPLOYEE.match(folded)
    if m:
        return _employee(m.group(1))
    m = SOCIAL_PREFIX.match(folded)
    if m:
        platform = m.group(1).lower()
        return _social(PLATFORM_ALIASES.get(platform, platform), m.group(2))
    if folded.startswith("@"):
        return _social("", folded[1:])
    if "://" in folded or folded.lower().startswith("www."):
        social = social_from_url(folded if "://" in folded else "https://" + folded)
        return _social(*social) if social else _website(text)
    if "@" in folded:
        return _email(folded)
    if PHONE_CHARS.match(folded) and sum(ch.isdigit() for ch in folded) >= 5:
        return _phone(folded, region_hint)
    if "." in folded and not any(ch.isspace() for ch in folded):
        return _website(text)
    raise UnrecognizedInput()


def _official(kind: str) -> list[Channel]:
    return list(Channel.objects.filter(kind=kind, is_active=True, region__is_active=True)
                .select_related("region"))


def _employee(raw_id: str) -> Result:
    agent = support.public_agent(raw_id)
    eid = support.normalize_employee_id(raw_id)
    if agent is None:
        return Result(False, "employee_id", eid, warning_code="unknown_employee_id")
    return Result(True, "employee_id", eid, match={
        "employee_id": agent.employee_id, "display_name": agent.display_name,
        "latin_name": agent.latin_name,
        # as the asker reads it: English readers see the Latin name when there is one
        "name": name_for(agent.display_name, agent.latin_name),
        "on_duty": agent.on_duty})


def _phone(text: str, region_hint: str) -> Result:
    candidates = normalize.phone_candidates(text, region_hint)
    if not candidates:
        return Result(False, "phone", re.sub(r"[^\d+]", "", text), warning_code="invalid_number")
    officials = _official("phone")
    for ch in officials:
        if ch.normalized in candidates:
            return Result(True, "phone", ch.normalized, match=channel_public(ch))
    for ch in officials:
        if any(len(c) == len(ch.normalized) and lookalike.edit_distance(c, ch.normalized, 2) <= 2
               for c in candidates):
            return Result(False, "phone", candidates[0], similar_to=channel_public(ch),
                          warning_code="lookalike_number")
    return Result(False, "phone", candidates[0], warning_code="not_in_directory")


def _official_hosts() -> list[tuple[str, Channel]]:
    return [(ch.normalized, ch) for ch in _official("website")]


def _domain_verdict(host: str, kind: str, normalized: str, typed: str) -> Result:
    hosts = _official_hosts()
    for official, ch in hosts:
        if lookalike.is_same_or_subdomain(host, official):
            return Result(True, kind, normalized, match=channel_public(ch))
    found = lookalike.find_lookalike(host, [h for h, _ch in hosts], "xn--" in typed.lower())
    if found is not None:
        ch = next(c for h, c in hosts if h == found.official)
        return Result(False, kind, normalized, similar_to=channel_public(ch),
                      warning_code=f"lookalike_{found.reason}",
                      extra={"shown_as": lookalike.to_unicode(host)})
    return Result(False, kind, normalized, warning_code="not_in_directory")


def _website(text: str) -> Result:
    try:
        host = normalize.host(text)
    except InvalidChannelValue:
        raise UnrecognizedInput() from None
    result = _domain_verdict(host, "website", host, text)
    if not result.official:
        try:
            userinfo = urlsplit(text if "://" in text else "http://" + text).username or ""
        except ValueError:
            userinfo = ""
        if userinfo and any(h.split(".")[0] in userinfo.lower() for h, _c in _official_hosts()):
            result.warning_code = "disguised_url"
    return result


def _email(text: str) -> Result:
    try:
        address = normalize.email(text)
    except InvalidChannelValue:
        raise UnrecognizedInput() from None
    for ch in _official("email"):
        if ch.normalized == address:
            return Result(True, "email", address, match=channel_public(ch))
    domain = address.rpartition("@")[2]
    verdict = _domain_verdict(domain, "email", address, text)
    if verdict.official:
        return Result(False, "email", address, similar_to=verdict.match,
                      warning_code="unlisted_address")
    return verdict


def _social(platform: str, raw_handle: str) -> Result:
    handle = raw_handle.strip().lstrip("@").lower()
    if not normalize.HANDLE.match(handle):
        raise UnrecognizedInput()
    normalized = f"{platform}:{handle}" if platform else handle
    officials = _official("social")
    for ch in officials:
        ch_platform, _sep, ch_handle = ch.normalized.partition(":")
        if ch_handle == handle and (not platform or platform == ch_platform):
            return Result(True, "social", ch.normalized, match=channel_public(ch))
    skel = lookalike.skeleton(handle)
    for ch in officials:
        ch_handle = ch.normalized.partition(":")[2]
        brand = lookalike.skeleton(ch_handle).split("_")[0]
        if skel == lookalike.skeleton(ch_handle) or (len(brand) >= 4 and brand in skel):
            return Result(False, "social", normalized, similar_to=channel_public(ch),
                          warning_code="lookalike_handle")
    return Result(False, "social", normalized, warning_code="not_in_directory")


def social_from_url(text: str) -> tuple[str, str] | None:
    """("weibo", "walletdesk") for https://weibo.com/walletdesk, else None."""
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    host = (parts.hostname or "").removeprefix("www.")
    segment = parts.path.strip("/").split("/")[0] if parts.path else ""
    if host in SOCIAL_HOSTS and segment:
        return SOCIAL_HOSTS[host], segment
    return None
