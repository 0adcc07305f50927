"""``{{ text|space_latin }}``: a Latin name filled into Chinese text gets its spaces
(``core.cjkspace``)."""

from __future__ import annotations

from django import template

from walletdesk.core.cjkspace import space_latin as _space_latin

register = template.Library()


@register.filter(is_safe=True)
def space_latin(value: str) -> str:
    return _space_latin(str(value))
