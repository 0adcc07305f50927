"""Directory services: the only code that writes regions, channels, hours and reports.

Each function validates everything first and then writes inside one
transaction, so a refused change leaves nothing behind. The admin, the
demo data, the API and the pages all come through here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, time
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from walletdesk.accounts.models import User
from walletdesk.core import clock
from walletdesk.core.errors import Conflict, ValidationFailed

from . import forecast, ical, normalize, verify
from . import hours as hours_math
from .errors import InvalidChannelValue
from .models import Channel, Region, Report, ServiceHours, SpecialDay, WaitForecast, WeeklyPeriod

REGION_CODE = re.compile(r"^[A-Z]{2,8}$")


class DuplicateChannel(Conflict):
    code = "duplicate_channel"
    default_message = _("This channel is already listed for this region.")


# --- validation (also used by the admin forms) -----------------------------------------

def check_region(region: Region) -> None:
    region.code = (region.code or "").strip().upper()
    if not REGION_CODE.match(region.code):
        raise ValidationFailed(code="invalid_region_code")
    if not region.name_zh.strip() or not region.name_en.strip():
        raise ValidationFailed(code="name_required")
    hours_math.check_time_zone(region.time_zone)


def check_channel(channel: Channel, region_code: str) -> None:
    if channel.kind not in Channel.Kind.values:
        raise InvalidChannelValue(code="unknown_kind")
    if channel.kind == Channel.Kind.SOCIAL and channel.platform not in Channel.Platform.values[1:]:
        raise InvalidChannelValue(code="invalid_social")
    if not channel.label_zh.strip() or not channel.label_en.strip():
        raise ValidationFailed(code="name_required")
    channel.normalized = normalize.channel_value(channel.kind, channel.value, channel.platform,
                                                 region_code)


def check_weekly(periods: Iterable[tuple[int, time, time]]) -> None:
    hours_math.check_week((day, hours_math.check_period(s, e)) for day, s, e in periods)


# --- writes ----------------------------------------------------------------------------

def save_region(region: Region) -> Region:
    check_region(region)
    region.save()
    return region


def save_channel(channel: Channel) -> Channel:
    check_channel(channel, channel.region.code)
    try:
        with transaction.atomic():
            channel.save()
    except IntegrityError:
        raise DuplicateChannel() from None
    return channel


def save_hours(sh: ServiceHours, weekly: Iterable[tuple[int, time, time]] | None = None) -> ServiceHours:
    """Create or update service hours; ``weekly`` (if given) replaces every period."""
    if not sh.name.strip():
        raise ValidationFailed(code="name_required")
    hours_math.check_time_zone(sh.time_zone)
    periods = list(weekly) if weekly is not None else None
    if periods is not None:
        check_weekly(periods)
    with transaction.atomic():
        sh.save()
        if periods is not None:
            sh.periods.all().delete()
            WeeklyPeriod.objects.bulk_create(
                WeeklyPeriod(hours=sh, weekday=d, start=s, end=e) for d, s, e in periods)
    return sh


def set_special_day(sh: ServiceHours, day: Any, *, closed: bool, start: time | None = None,
                    end: time | None = None, name_zh: str = "", name_en: str = "") -> SpecialDay:
    hours_math.check_special(closed, start, end)
    with transaction.atomic():
        special, _created = SpecialDay.objects.update_or_create(
            hours=sh, date=day, defaults={"closed": closed, "start": start, "end": end,
                                          "name_zh": name_zh[:80], "name_en": name_en[:80]})
    return special


def remove_special_day(special: SpecialDay) -> None:
    SpecialDay.objects.filter(pk=special.pk).delete()


def import_ical(sh: ServiceHours, data: bytes) -> int:
    """Holidays and special days from an iCalendar file: all of them, or none."""
    entries = ical.parse(data, sh.time_zone)
    for e in entries:
        hours_math.check_special(e.closed, e.start, e.end)
    with transaction.atomic():
        for e in entries:
            set_special_day(sh, e.date, closed=e.closed, start=e.start, end=e.end,
                            name_zh=e.name, name_en=e.name)
    return len(entries)


def create_report(*, value: object, note: object = "", reporter: User | None = None,
                  region_hint: str = "CN") -> Report:
    """A "not official" result reported by a user; reaches the admins' queue."""
    result = verify.check(value, region_hint)
    if result.official:
        raise ValidationFailed(code="already_official")
    text = note if isinstance(note, str) else ""
    if len(text) > 1000:
        raise ValidationFailed(code="note_too_long")
    return Report.objects.create(value=str(value).strip()[:300], kind=result.kind,
                                 normalized=result.normalized[:300],
                                 warning=result.warning_code[:40], note=text.strip(),
                                 reporter=reporter if reporter and reporter.is_authenticated
                                 else None, created_at=clock.now())


def review_report(report: Report, status: str) -> Report:
    if status not in (Report.Status.CONFIRMED, Report.Status.DISMISSED):
        raise ValidationFailed(code="unknown_status")
    Report.objects.filter(pk=report.pk).update(status=status, reviewed_at=clock.now())
    report.status, report.reviewed_at = status, clock.now()
    return report


def refresh_forecast(now: datetime | None = None) -> int:
    """Recompute every wait forecast from the history and replace the stored ones in one
    transaction; returns the number of rows written."""
    rows = forecast.recompute(now or clock.now())
    with transaction.atomic():
        WaitForecast.objects.all().delete()
        WaitForecast.objects.bulk_create(rows)
    return len(rows)
