"""Password policy (NIST SP 800-63B): length 10-128 after NFKC, no composition rules,
not a common password, not close to the user's own details, and strong enough for
zxcvbn (score 3 of 4), with the reason explained in the user's language."""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from walletdesk.core.errors import DomainError

MIN_LENGTH, MAX_LENGTH = 10, 128
MIN_SCORE = 3


class WeakPassword(DomainError):
    status = 422
    code = "weak_password"
    default_message = _("This password is too easy to guess.")


def normalize(raw: object) -> str:
    if not isinstance(raw, str):
        return ""
    return unicodedata.normalize("NFKC", raw)


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    return frozenset(CommonPasswordValidator().passwords)


def _own_parts(inputs: list[str]) -> list[str]:
    parts: list[str] = []
    for value in inputs:
        value = normalize(value).casefold()
        if not value:
            continue
        parts.append(value)
        parts.extend(p for p in re.split(r"[@.\s_+\-]+", value) if p)
        digits = re.sub(r"\D", "", value)
        if len(digits) >= 7:
            parts.extend([digits, digits[-8:], digits[-4:] * 2])
    return [p for p in set(parts) if len(p) >= 4]


def check(password: object, *, user_inputs: list[str] | None = None) -> str:
    """Return the normalized password or raise WeakPassword with the reason."""
    if not isinstance(password, str):
        raise WeakPassword(_("Enter a password."))
    value = normalize(password)
    if len(value) < MIN_LENGTH:
        raise WeakPassword(_("Use at least 10 characters; a few unrelated words work well."))
    if len(value) > MAX_LENGTH:
        raise WeakPassword(_("Use at most 128 characters."))
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise WeakPassword(_("The password contains control characters."))
    folded = value.casefold()
    if folded.strip() in _common():
        raise WeakPassword(_("This is one of the most common passwords."))
    for part in _own_parts(user_inputs or []):
        if part in folded or SequenceMatcher(a=folded, b=part).quick_ratio() >= 0.8:
            raise WeakPassword(_("The password is too close to your email address, "
                                 "mobile number or name."))
    result = strength(value, user_inputs or [])
    if result["score"] < MIN_SCORE:
        raise WeakPassword(result["reason"], suggestions=result["suggestions"])
    return value


def strength(value: str, user_inputs: list[str]) -> dict[str, Any]:
    """zxcvbn's score (0-4) and its feedback, translated."""
    from zxcvbn import zxcvbn

    res = zxcvbn(value[:64], user_inputs=[normalize(v) for v in user_inputs if v][:5])
    feedback = res.get("feedback") or {}
    warning = feedback.get("warning") or ""
    suggestions = [gettext(s) for s in feedback.get("suggestions") or []]
    reason = gettext(warning) if warning else (
        suggestions[0] if suggestions else gettext("This password is too easy to guess."))
    return {"score": int(res["score"]), "reason": reason, "suggestions": suggestions}
