"""``{% load zone_names %}``: a time zone as people name it (``core.timezones``).

``{{ zone|zone_name }}`` gives "China time", ``{{ zone|zone_label }}`` "China time (UTC+8)";
both in the active language, the offset alone for a zone without a name here.
"""

from __future__ import annotations

from django import template

from .. import timezones

register = template.Library()


@register.filter
def zone_name(zone: object) -> str:
    return timezones.zone_name(str(zone) if zone else "")


@register.filter
def zone_label(zone: object) -> str:
    return timezones.zone_label(str(zone) if zone else "")
