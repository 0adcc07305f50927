from __future__ import annotations

from zoneinfo import ZoneInfo

from django import template

from .. import texts
from ..findings import Finding

register = template.Library()


@register.filter
def finding_text(finding: Finding, zone: str = "") -> str:
    """The finding as a sentence in the active language (in ``zone`` when given, else in the
    time zone the request activated)."""
    try:
        tz = ZoneInfo(zone) if zone else None
    except (ValueError, KeyError):
        tz = None
    return texts.text(finding, tz)
