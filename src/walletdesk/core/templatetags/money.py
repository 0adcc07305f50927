from __future__ import annotations

from django import template

from walletdesk.core import hant
from walletdesk.core.money import format_minor

register = template.Library()


@register.filter
def money(amount: int | None, currency: str) -> str:
    return format_minor(int(amount or 0), currency)


@register.filter
def signed_money(amount: int, currency: str) -> str:
    text = format_minor(abs(int(amount)), currency)
    return ("+" if amount > 0 else "−") + text


@register.filter
def pick_lang(obj: object, field: str) -> str:
    """``obj.<field>_zh`` or ``obj.<field>_en`` by the active language (``hant.localized``)."""
    return hant.localized(obj, field)
