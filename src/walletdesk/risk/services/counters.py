"""Per-user counter rows for the velocity rules (ADR 0046): exact, race-free, one statement.

``RiskCounter`` keeps, per user and currency, how many outgoing operations and how much
money went out in the current hour and the current day on the user's clock. Every outgoing
transaction adds itself in the database transaction that writes it (``add``; the ledger's
booking function does the same in SQL), and a failed, expired or given-up one takes itself
back (``take_back``). An interactive request first reads the row with ``lock``: the upsert
takes the row lock, so a parallel request of the same user waits until this one commits or
rolls back and then reads the new totals. Lock order: the counter row before any ledger
account (the booking function keeps it too).
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import connection

from walletdesk.core import clock

TABLE = "risk_riskcounter"
# Add deltas to the row of (user, currency); a period that has ended starts again from zero.
UPSERT_SQL = (
    f"INSERT INTO {TABLE} AS c (user_id, currency, hour_start, hour_count, hour_amount, "  # noqa: S608 (a fixed table name)
    "day_start, day_count, day_amount, misses) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (user_id, currency) DO UPDATE SET "
    "hour_count = CASE WHEN c.hour_start = excluded.hour_start "
    "THEN c.hour_count + excluded.hour_count ELSE excluded.hour_count END, "
    "hour_amount = CASE WHEN c.hour_start = excluded.hour_start "
    "THEN c.hour_amount + excluded.hour_amount ELSE excluded.hour_amount END, "
    "day_count = CASE WHEN c.day_start = excluded.day_start "
    "THEN c.day_count + excluded.day_count ELSE excluded.day_count END, "
    "day_amount = CASE WHEN c.day_start = excluded.day_start "
    "THEN c.day_amount + excluded.day_amount ELSE excluded.day_amount END, "
    "misses = CASE WHEN c.day_start = excluded.day_start "
    "THEN c.misses + excluded.misses ELSE excluded.misses END, "
    "hour_start = excluded.hour_start, day_start = excluded.day_start "
    "RETURNING hour_count, hour_amount, day_count, day_amount, misses")
TAKE_BACK_SQL = (
    f"UPDATE {TABLE} SET "  # noqa: S608 (a fixed table name)
    "hour_count = hour_count - CASE WHEN hour_start = %s THEN 1 ELSE 0 END, "
    "hour_amount = hour_amount - CASE WHEN hour_start = %s THEN %s ELSE 0 END, "
    "day_count = day_count - CASE WHEN day_start = %s THEN 1 ELSE 0 END, "
    "day_amount = day_amount - CASE WHEN day_start = %s THEN %s ELSE 0 END "
    "WHERE user_id = %s AND currency = %s")


@dataclass(frozen=True)
class Totals:
    """What went out in the current periods, before the operation being assessed."""

    hour_count: int = 0
    hour_amount: int = 0
    day_count: int = 0
    day_amount: int = 0
    misses: int = 0


def periods(time_zone: str | None, at: datetime | None = None) -> tuple[datetime, datetime]:
    """The start of the hour and of the day of ``at`` on the user's clock, in UTC."""
    try:
        zone = zoneinfo.ZoneInfo(time_zone or settings.DEFAULT_USER_TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo(settings.DEFAULT_USER_TIME_ZONE)
    local = (at or clock.now()).astimezone(zone)
    hour = local.replace(minute=0, second=0, microsecond=0)
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return hour.astimezone(UTC), day.astimezone(UTC)


def params(user_id: int, currency: str, time_zone: str | None, count: int, amount: int,
           misses: int = 0, at: datetime | None = None) -> list[Any]:
    hour, day = periods(time_zone, at)
    adapt = connection.ops.adapt_datetimefield_value
    return [user_id, currency, adapt(hour), count, amount, adapt(day), count, amount, misses]


def _upsert(values: list[Any]) -> Totals:
    with connection.cursor() as cursor:
        cursor.execute(UPSERT_SQL, values)
        return Totals(*cursor.fetchone())


def lock(user: Any, currency: str) -> Totals:
    """This period's totals, with the row locked until the caller's transaction ends."""
    return _upsert(params(user.pk, currency, user.time_zone, 0, 0))


def add(user_id: int, currency: str, time_zone: str | None, amount: int) -> None:
    """Count one outgoing operation (inside the transaction that writes it)."""
    _upsert(params(user_id, currency, time_zone, 1, amount))


def note_miss(user: Any, currency: str) -> int:
    """Count a transfer to an unknown recipient; returns today's misses."""
    return _upsert(params(user.pk, currency, user.time_zone, 0, 0, misses=1)).misses


def take_back(user_id: int, currency: str, time_zone: str | None, amount: int,
              created_at: datetime) -> None:
    """A counted operation failed, expired or was given up: it no longer counts."""
    hour, day = periods(time_zone, created_at)
    adapt = connection.ops.adapt_datetimefield_value
    h, d = adapt(hour), adapt(day)
    with connection.cursor() as cursor:
        cursor.execute(TAKE_BACK_SQL, [h, h, amount, d, d, amount, user_id, currency])
