"""Demo history for the wait forecast: about eight weeks of finished chats, email first
answers and phone callbacks in every region, busier at lunchtime and in the evening, so that
the contact hub's chart of expected waits has something to show after ``seed_demo``.

It runs after every app's demo (``seed_late``), because the reports demo adds its nine days
of history only to a desk that has none older than a day. This history stops ten days ago,
outside the reports' default week, and belongs to one customer that cannot log in. It is
written in bulk (a few thousand rows in about a second), keyed by region, channel and local
date in each conversation's context, so running it again adds only days not there yet (a demo
database kept for weeks gets the days that entered the window). The forecast is recomputed at
the end, as the hourly job would.
"""

from __future__ import annotations

import random
import secrets
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import F

from walletdesk.accounts.models import User
from walletdesk.core import clock

from . import forecast, services
from . import hours as hours_math

HISTORY_CUSTOMER = "demo.history@walletdesk.example"
NEWEST = timedelta(days=10)  # the reports demo covers the last nine days
MARK = "demo_history"
AGENTS = {"CN": ["WD1024", "WD2048", "WD1001"], "HK": ["WD3007"], "SG": ["WD4012"],
          "INTL": ["WD4012", "WD3007"]}
LANGUAGES = {"CN": ["zh-hans"] * 9 + ["en"], "HK": ["zh-hans", "en"], "SG": ["en", "en", "zh-hans"],
             "INTL": ["en"]}
TOPICS = ["payments", "payments", "refunds", "account_security", "technical", "general"]
# How busy each local hour is (0 quiet, 1 the peak): lunch and the evening.
BUSY = {7: 0.1, 8: 0.2, 9: 0.35, 10: 0.5, 11: 0.75, 12: 1.0, 13: 0.7, 14: 0.35, 15: 0.25,
        16: 0.3, 17: 0.5, 18: 0.65, 19: 0.85, 20: 1.0, 21: 0.8, 22: 0.5, 23: 0.3}


def _busy(local: datetime) -> float:
    level = BUSY.get(local.hour, 0.05)
    return min(1.0, level * (1.2 if local.weekday() >= 5 else 1.0))


def _wait(kind: str, local: datetime, rng: random.Random) -> float:
    """Seconds, around a curve per channel: chat minutes, phone a quarter hour at peak, email hours."""
    busy = _busy(local)
    if kind == "chat":
        base = 45 + 420 * busy
    elif kind == "phone":
        base = 90 + 1000 * busy
    else:
        base = 2400 + 14400 * busy
        if local.hour < 8 or local.hour >= 22:  # left overnight: answered in the morning
            morning = datetime.combine(local.date() + timedelta(days=local.hour >= 22), time(9),
                                       tzinfo=local.tzinfo)
            base = (morning - local).total_seconds()
    return max(5.0, base * rng.uniform(0.6, 1.4))


def _open_hours(table: hours_math.Timetable | None, tz: ZoneInfo, day: date) -> list[datetime]:
    """The local starts of the whole hours of ``day`` when the channel is open."""
    starts = [datetime.combine(day, time(h), tzinfo=tz) for h in range(24)]
    if table is None or table.always_open:
        return starts
    spans = hours_math.intervals(table, day - timedelta(days=1), day)
    return [s for s in starts if any(a <= s < b for a, b in spans)]


def _references(day: str, n: int) -> list[str]:
    """``n`` references of one desk date (ADR 0117) from the same counter as live conversations."""
    from walletdesk.support.models import ReferenceCounter

    ReferenceCounter.objects.get_or_create(day=day)
    ReferenceCounter.objects.filter(day=day).update(value=F("value") + n)
    end = ReferenceCounter.objects.values_list("value", flat=True).get(day=day)
    return [f"CS-{day}-{v:06d}" for v in range(end - n + 1, end + 1)]


def seed() -> list[dict[str, Any]]:
    from walletdesk.phone.models import Call, Callback
    from walletdesk.support.models import Agent, Conversation

    now = clock.now()
    agents = {a.employee_id: a for a in Agent.objects.all()}
    targets = forecast._targets()
    if not agents or not targets:
        return []
    customer = User.objects.filter(email=HISTORY_CUSTOMER).first() or User.objects.create_user(
        HISTORY_CUSTOMER, None, display_name="历史客户", region="CN")
    done = set(Conversation.objects.filter(customer=customer)
               .values_list(f"context__{MARK}", flat=True))
    # The callbacks go to the line whose figure the forecast is (``forecast.owners``).
    lines = {region: t.channel_id for (kind, region), t in targets.items() if kind == "phone"}
    convs: list[Any] = []
    calls: list[tuple[Any, datetime, datetime, Any]] = []  # conversation, slot, first call, agent
    for (kind, region), (_line, zone, table) in sorted(targets.items()):
        staff = [agents[e] for e in AGENTS.get(region, []) if e in agents]
        if not staff or (kind == "phone" and region not in lines):
            continue
        tz = ZoneInfo(zone)
        newest = (now - NEWEST).astimezone(tz).date()
        day = (now - forecast.WINDOW).astimezone(tz).date() + timedelta(days=1)
        while day <= newest:
            key = f"{region}:{kind}:{day.isoformat()}"
            if key not in done:
                rng = random.Random(key)  # the same history wherever it is seeded
                for hour in _open_hours(table, tz, day):
                    busy = _busy(hour)
                    if kind == "email":  # mail comes in around the clock, little of it at night
                        many = int(rng.random() < 0.3 + busy) + int(rng.random() < busy / 2)
                    else:
                        many = 1 + int(rng.random() < busy) + int(rng.random() < busy / 2)
                    for _n in range(many):
                        start = hour + timedelta(minutes=rng.choice((0, 15, 30, 45)) if kind == "phone"
                                                 else rng.randint(0, 59), seconds=0)
                        waited = timedelta(seconds=_wait(kind, start, rng))
                        agent = rng.choice(staff)
                        created = start - (timedelta(hours=rng.randint(1, 30)) if kind == "phone"
                                           else timedelta(0))
                        ended = start + waited + timedelta(minutes=rng.randint(4, 40))
                        conv = Conversation(
                            channel=kind, topic=rng.choice(TOPICS), language=rng.choice(LANGUAGES[region]),
                            region=region, status=Conversation.Status.CLOSED, customer=customer,
                            agent=agent, context={MARK: key}, created_at=created, queued_at=start,
                            assigned_at=start + waited, first_response_at=start + waited,
                            resolved_at=ended, closed_at=ended, updated_at=ended,
                            rating=rng.choices([5, 4, 3, None], weights=[45, 25, 10, 20])[0])
                        convs.append(conv)
                        if kind == "phone":
                            calls.append((conv, start, start + waited, agent))
            day += timedelta(days=1)
    if not convs:
        return []
    by_day: dict[str, list[Any]] = {}
    for conv in convs:
        by_day.setdefault(conv.created_at.astimezone(ZoneInfo(settings.DESK_TIME_ZONE))
                          .strftime("%Y%m%d"), []).append(conv)
    for day_key, group in by_day.items():
        for conv, ref in zip(group, _references(day_key, len(group)), strict=True):
            conv.reference = ref
    Conversation.objects.bulk_create(convs, batch_size=500)  # no signals: these are long closed
    seats: dict[tuple[int, datetime], int] = {}
    callbacks = []
    for conv, slot, _first, _agent in calls:
        line = lines[conv.region]
        seat = seats[(line, slot)] = seats.get((line, slot), 0) + 1
        callbacks.append(Callback(conversation=conv, customer=customer, line_id=line,
                                  number="+8613800138000", slot_start=slot, seat=seat,
                                  status=Callback.Status.DONE, code_salt=secrets.token_hex(8),
                                  attempts=1, created_at=conv.created_at, updated_at=conv.resolved_at))
    Callback.objects.bulk_create(callbacks, batch_size=500)
    Call.objects.bulk_create([
        Call(callback=cb, conversation=conv, agent=agent, provider="demo", status=Call.Status.COMPLETED,
             started_at=first, answered_at=first + timedelta(seconds=15),
             ended_at=first + timedelta(minutes=6), outcome=Call.Outcome.REACHED,
             duration_seconds=345, logged_at=first + timedelta(minutes=7))
        for cb, (conv, _slot, first, agent) in zip(callbacks, calls, strict=True)], batch_size=500)
    services.refresh_forecast(now)
    return []
