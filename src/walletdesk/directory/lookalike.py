"""Spotting domains that imitate an official one.

Scam sites use a domain that *reads* like ours: letters from another script
(Cyrillic "а" for Latin "a"), punycode (``xn--``), ASCII look-alikes ("0" for
"o", "rn" for "m"), our name with extra words ("walletdesk-support.com",
"walletdesk.example.verify-now.cc"), our name under another top-level domain,
or a typo. Every check compares a *skeleton*: the domain mapped character by
character to the Latin letter it looks like (Unicode confusables data from
the ``confusable_homoglyphs`` package).
"""

from __future__ import annotations

import contextlib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import idna
from confusable_homoglyphs import confusables

ASCII_LOOKALIKES = (("rn", "m"), ("vv", "w"), ("cl", "d"), ("0", "o"), ("1", "l"), ("i", "l"),
                    ("3", "e"), ("5", "s"), ("_", "-"))


@lru_cache(maxsize=4096)
def _latin(ch: str) -> str:
    if ch.isascii():
        return ch
    found = confusables.is_confusable(ch, preferred_aliases=["latin"], greedy=True) or []
    for hit in found:
        for glyph in hit.get("homoglyphs", []):
            c = str(glyph.get("c", ""))
            if c.isascii() and c.isalnum():
                return c.lower()
    return ch


def skeleton(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).lower()
    out = "".join(_latin(ch) for ch in folded)
    for a, b in ASCII_LOOKALIKES:
        out = out.replace(a, b)
    return out.replace("-", "")


def to_unicode(host: str) -> str:
    """A host name as people read it (punycode labels decoded)."""
    labels = []
    for label in host.split("."):
        if label.startswith("xn--"):
            try:
                label = idna.decode(label)
            except idna.IDNAError:
                with contextlib.suppress(UnicodeError, ValueError):
                    label = label.encode("ascii").decode("punycode")
        labels.append(label)
    return ".".join(labels)


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def is_same_or_subdomain(host: str, official: str) -> bool:
    return host == official or host.endswith("." + official)


@dataclass(frozen=True)
class Lookalike:
    official: str
    reason: str  # punycode | homoglyph | lookalike | extra_words | other_tld | typo


def brand_of(domain: str) -> str:
    """The label that carries the name: "walletdesk" of "app.walletdesk.example"."""
    labels = domain.split(".")
    return labels[-2] if len(labels) >= 2 else labels[0]


def _reason(typed_punycode: bool, shown: str, plain: str) -> str:
    if typed_punycode:
        return "punycode"
    return "homoglyph" if not shown.isascii() else plain


def find_lookalike(host: str, officials: list[str],
                   typed_punycode: bool | None = None) -> Lookalike | None:
    """The official domain that ``host`` (ASCII form) imitates, and how; None if none.

    ``typed_punycode``: whether the person saw the ``xn--`` form (else they saw
    the Unicode letters); by default, whether ``host`` has one.
    """
    punycode = "xn--" in host if typed_punycode is None else typed_punycode
    shown = to_unicode(host)
    tricky_script = "xn--" in host or not shown.isascii()
    host_skel = skeleton(shown)
    labels = host_skel.split(".")
    for official in officials:
        off_skel = skeleton(official)
        brand = skeleton(brand_of(official))
        if len(brand) < 4:
            continue
        if host_skel == off_skel or host_skel.endswith("." + off_skel):
            return Lookalike(official, _reason(punycode, shown, "lookalike"))
        if any(brand in label for label in labels):
            exact_brand = brand in labels[:-1] and labels[-1] != off_skel.split(".")[-1]
            if tricky_script:
                return Lookalike(official, _reason(punycode, shown, "extra_words"))
            if exact_brand and len(labels) == 2:
                return Lookalike(official, "other_tld")
            return Lookalike(official, "extra_words")
        if any(edit_distance(label, brand) <= 2 for label in labels[:-1] if len(label) >= 4):
            return Lookalike(official, _reason(punycode, shown, "typo"))
    return None
