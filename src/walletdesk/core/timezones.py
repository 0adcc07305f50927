"""Time zones in people's words: "China time (UTC+8)" / "北京时间（UTC+8）", never an IANA name.

``zone_name`` gives the zone's everyday name in the active language ("Hong Kong time"), or its
offset from UTC when the zone has none here ("UTC+5:30"); ``zone_label`` adds the offset
("Hong Kong time (UTC+8)"). Offsets are read at a moment (now by default), so a zone with
daylight saving says which offset is in force ("UK time (UTC+1)" in summer). Templates use the
``zone_names`` library (``core/templatetags/zone_names.py``).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import clock

CHINA = _("China time")
NAMES: dict[str, Promise] = {
    "Asia/Shanghai": CHINA, "Asia/Chongqing": CHINA, "Asia/Chungking": CHINA,
    "Asia/Harbin": CHINA, "Asia/Urumqi": _("Xinjiang time"), "PRC": CHINA,
    "Asia/Hong_Kong": _("Hong Kong time"), "Hongkong": _("Hong Kong time"),
    "Asia/Macau": _("Macao time"), "Asia/Macao": _("Macao time"),
    "Asia/Taipei": _("Taipei time"), "Asia/Singapore": _("Singapore time"),
    "Singapore": _("Singapore time"), "Asia/Kuala_Lumpur": _("Malaysia time"),
    "Asia/Tokyo": _("Japan time"), "Asia/Seoul": _("Korea time"),
    "Asia/Bangkok": _("Bangkok time"), "Asia/Dubai": _("Dubai time"),
    "Europe/London": _("UK time"), "Europe/Paris": _("Paris time"),
    "Europe/Berlin": _("Berlin time"), "America/New_York": _("New York time"),
    "America/Los_Angeles": _("Los Angeles time"), "America/Vancouver": _("Vancouver time"),
    "America/Toronto": _("Toronto time"), "Australia/Sydney": _("Sydney time"),
    "Australia/Melbourne": _("Melbourne time"), "Pacific/Auckland": _("New Zealand time"),
}


def offset(zone: str, at: datetime | None = None) -> str:
    """The zone's offset from UTC at ``at`` (now): "UTC+8", "UTC+5:30", "UTC−3", "UTC+0"."""
    try:
        delta = (at or clock.now()).astimezone(ZoneInfo(zone)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return ""
    minutes = int(delta.total_seconds() // 60) if delta is not None else 0
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_name(zone: str | None, at: datetime | None = None) -> str:
    """The zone's everyday name in the active language; its UTC offset when it has none here
    (an unknown name gives "")."""
    if not zone:
        return ""
    known = NAMES.get(zone)
    return str(known) if known is not None else offset(zone, at)


def zone_label(zone: str | None, at: datetime | None = None) -> str:
    """The name with its offset: "China time (UTC+8)"; the offset alone for other zones."""
    if not zone:
        return ""
    known = NAMES.get(zone)
    shift = offset(zone, at)
    if known is None or not shift:
        return shift if known is None else str(known)
    return gettext("%(zone)s (%(offset)s)") % {"zone": str(known), "offset": shift}
