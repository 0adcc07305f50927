"""Wallet facts in words: a fee policy ("0.1%, at least ¥0.10, at most ¥25.00") and a
statement month ("December 2026", "2026年12月"); the key of a fee announcement's markup."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from walletdesk.core.money import format_minor

register = template.Library()


@register.filter
def fee_terms(policy: Any) -> str:
    """The rate and the fixed part joined, then the floor and the cap; "Free" when all are 0."""
    parts = []
    if policy.basis_points:
        parts.append(format((Decimal(policy.basis_points) / 100).normalize(), "f") + "%")
    if policy.fixed:
        parts.append(format_minor(policy.fixed, policy.currency))
    if not parts and not policy.minimum:
        return _("Free")
    text = " + ".join(parts) if parts else format_minor(0, policy.currency)
    limits = []
    if policy.minimum:
        limits.append(_("at least %(amount)s") % {"amount": format_minor(policy.minimum, policy.currency)})
    if policy.maximum is not None:
        limits.append(_("at most %(amount)s") % {"amount": format_minor(policy.maximum, policy.currency)})
    return _(", ").join([text, *limits])


@register.filter
def month_label(value: str) -> str:
    """``"2026-12"`` as the active language writes a month, or the value unchanged."""
    try:
        year, month = (int(part) for part in value.split("-"))
        return date_format(date(year, month, 1), "YEAR_MONTH_FORMAT")
    except ValueError:
        return value


@register.simple_tag
def announcement_key(policy: Any) -> tuple[Any, ...]:
    """Everything a fee announcement's markup on the wallet home shows, for its
    ``{% fragment %}`` (which adds the language): the policy, the day it applies from in the
    active time zone, and the announcement's texts, so an edited text or another zone is drawn
    anew (issue #16: the markup was about a tenth of the page's template time)."""
    note = policy.announcement
    return (policy.pk, policy.effective_from, timezone.get_current_timezone_name(),
            note.title_zh, note.title_en, note.body_zh, note.body_en)
