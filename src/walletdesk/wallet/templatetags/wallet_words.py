"""Wallet facts in words: a fee policy ("0.1%, at least ¥0.10, at most ¥25.00") and a
statement month ("December 2026", "2026年12月")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import template
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
