"""The wait forecast: a fixture history with known waits against hand-computed figures.

The International line keeps London hours (weekdays 08:00–20:00, Europe/London);
a chat channel on those hours is added. British Summer Time ended on Sunday
2026-10-25, so "Monday 10:00 London" is 09:00 UTC before that and 10:00 UTC after.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from walletdesk.core import clock
from walletdesk.core.services import jobs
from walletdesk.directory import forecast, services
from walletdesk.directory.models import Channel, Region, ServiceHours, WaitForecast
from walletdesk.support.models import Conversation

pytestmark = pytest.mark.usefixtures("demo_directory")

# Wednesday 2026-11-04 12:00 UTC (12:00 GMT).
NOW = datetime(2026, 11, 4, 12, 0, tzinfo=UTC)
MON_10 = 0 * 24 + 10
MON_09 = 0 * 24 + 9


def _utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def _chat(start: datetime, wait: int, language: str = "en") -> None:
    n = Conversation.objects.count() + 1
    Conversation.objects.create(reference=f"FC{n:06d}", channel="chat", region="INTL",
                                language=language, status="resolved", created_at=start,
                                queued_at=start, assigned_at=start + timedelta(seconds=wait))


@pytest.fixture
def history(db: Any) -> ServiceHours:
    london = ServiceHours.objects.get(name="intl-hotline")
    services.save_channel(Channel(region=Region.objects.get(code="INTL"), kind="chat",
                                  value="In-app chat", label_zh="在线客服", label_en="Online chat",
                                  hours=london))
    services.set_special_day(london, date(2026, 10, 12), closed=True, name_en="Test holiday")
    # Monday 10:xx London, week of 2 November (GMT, weight 1).
    _chat(_utc(2026, 11, 2, 10, 5), 120)
    _chat(_utc(2026, 11, 2, 10, 20), 180, language="zh-hans")
    _chat(_utc(2026, 11, 2, 10, 40), 600)
    # Week of 26 October (GMT, one week old: weight 0.8).
    _chat(_utc(2026, 10, 26, 10, 10), 60)
    # Week of 19 October (BST: 09:10 UTC is 10:10 in London; two weeks old: weight 0.64).
    _chat(_utc(2026, 10, 19, 9, 10), 900)
    _chat(_utc(2026, 10, 19, 9, 30), 1000)
    # Left out: the holiday, a contact before opening, one older than eight weeks.
    _chat(_utc(2026, 10, 12, 9, 10), 5000)
    _chat(_utc(2026, 11, 2, 7, 30), 4000)
    _chat(_utc(2026, 9, 7, 9, 10), 3000)
    # Monday 09:xx London after the change: only four samples, too few.
    for minute, wait in ((0, 30), (15, 40), (30, 50), (45, 60)):
        _chat(_utc(2026, 11, 2, 9, minute), wait)
    return london


def _row(language: str = "") -> WaitForecast:
    return WaitForecast.objects.get(kind="chat", region="INTL", language=language)


def test_weighted_median_by_hand() -> None:
    # Equal weights, an even count: halfway between the middle two.
    assert forecast.weighted_median([(180, 1), (600, 1), (120, 1), (60, 1)]) == 150
    # Recent weeks outweigh old ones: 1000 s from long ago loses against two recent minutes.
    assert forecast.weighted_median([(60, 1), (120, 1), (1000, 0.64)]) == 120
    assert forecast.weighted_median([(60, 0.2), (1000, 1)]) == 1000


def test_forecast_from_history_across_dst_and_a_holiday(history: ServiceHours) -> None:
    assert services.refresh_forecast(NOW) >= 1
    row = _row()
    assert row.time_zone == "Europe/London"
    # Monday 10: 60 (w .8), 120, 180, 600 (w 1), 900, 1000 (w .64): total 5.08, half 2.54;
    # cumulative .8, 1.8, 2.8 → 180 s (the unweighted median would be 390).
    assert row.counts[MON_10] == 6
    assert row.waits[MON_10] == 180
    # Four samples are too few: no number is invented.
    assert row.counts[MON_09] == 4 and row.waits[MON_09] is None
    assert row.samples == 10
    assert all(w is None for i, w in enumerate(row.waits) if i != MON_10)
    # Per language: English alone has five samples at Monday 10 (60, 120, 600, 900, 1000).
    en = _row("en")
    assert en.counts[MON_10] == 5
    # weights .8, 1, 1, .64, .64: total 4.08, half 2.04; cumulative .8, 1.8, 2.8 → 600.
    assert en.waits[MON_10] == 600
    assert _row("zh-hans").waits[MON_10] is None


def test_refresh_is_idempotent_and_keeps_one_row_per_key(history: ServiceHours) -> None:
    services.refresh_forecast(NOW)
    first = list(WaitForecast.objects.order_by("kind", "region", "language")
                 .values_list("kind", "region", "language", "waits", "counts", "samples"))
    services.refresh_forecast(NOW)
    again = list(WaitForecast.objects.order_by("kind", "region", "language")
                 .values_list("kind", "region", "language", "waits", "counts", "samples"))
    assert first == again
    keys = [(k, r, lang) for k, r, lang, *_ in again]
    assert len(keys) == len(set(keys))
    # Every channel with waits has its pooled row, even without history (all "not enough data").
    cn_phone = WaitForecast.objects.get(kind="phone", region="CN", language="")
    assert cn_phone.samples == 0 and cn_phone.waits == [None] * 168


def test_the_periodic_job_writes_the_table(history: ServiceHours) -> None:
    with clock.frozen(NOW):
        jobs.schedule_periodic()
        jobs.run_pending()
    assert _row().waits[MON_10] == 180


def _callback(line: Channel, slot: datetime, late: int, agent: Any, customer: Any) -> None:
    from walletdesk.phone.models import Call, Callback

    n = Conversation.objects.count() + 1
    conv = Conversation.objects.create(reference=f"FP{n:06d}", channel="phone", region="CN",
                                       language="zh-hans", status="resolved", created_at=slot)
    cb = Callback.objects.create(conversation=conv, customer=customer, line=line,
                                 number="+8613800138000", slot_start=slot, seat=n,
                                 status=Callback.Status.DONE, code_salt="00")
    Call.objects.create(callback=cb, conversation=conv, agent=agent, provider="test",
                        status=Call.Status.COMPLETED, started_at=slot + timedelta(seconds=late))


@pytest.mark.usefixtures("demo_agents")
def test_a_regions_phone_forecast_is_its_first_lines_own(customer: Any) -> None:
    """Callbacks on the merchant line do not make the hotline's figure (nor the other way):
    the forecast learns from the line it is shown on, and no other line shows it."""
    from walletdesk.support.models import Agent

    agent = Agent.objects.first()
    lines = {ch.normalized: ch for ch in Channel.objects.filter(region__code="CN", kind="phone")}
    hotline, merchant = lines["+864008201024"], lines["+862160102048"]
    assert forecast.owners(Channel.objects.filter(region__code="CN")) & {
        ch.pk for ch in lines.values()} == {hotline.pk}
    for minute in (0, 10, 20, 30, 40):  # Monday 2 November, 10:xx in Shanghai (02:xx UTC)
        _callback(hotline, _utc(2026, 11, 2, 2, minute), 120, agent, customer)
        _callback(merchant, _utc(2026, 11, 2, 2, minute), 3000, agent, customer)
    services.refresh_forecast(NOW)
    row = WaitForecast.objects.get(kind="phone", region="CN", language="")
    assert row.waits[MON_10] == 120 and row.counts[MON_10] == 5


# Monday 2026-11-09 10:30 GMT: the Monday-10 forecast applies.
NEXT_MONDAY_1030 = datetime(2026, 11, 9, 10, 30, tzinfo=UTC)


def test_wait_forecast_api_shape(history: ServiceHours, anon_api: Any) -> None:
    services.refresh_forecast(NOW)
    with clock.frozen(NOW):
        r = anon_api.get("/api/v1/contact/wait-forecast", channel="chat", region="intl")
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"channel", "region", "language", "time_zone", "hours", "samples",
                         "updated_at"}
    assert (body["channel"], body["region"], body["language"]) == ("chat", "INTL", None)
    assert body["time_zone"] == "Europe/London" and body["samples"] == 10
    assert body["updated_at"].startswith("2026-11-04T12:00")
    hours = body["hours"]
    assert len(hours) == 168 and [(h["weekday"], h["hour"]) for h in hours[:2]] == [(0, 0), (0, 1)]
    assert set(hours[0]) == {"weekday", "hour", "expected_wait_seconds", "open"}
    assert hours[MON_10] == {"weekday": 0, "hour": 10, "expected_wait_seconds": 180, "open": True}
    # Closed is closed, not "no wait": nights and the weekend.
    assert hours[MON_09 - 2]["open"] is False and hours[MON_09 - 2]["expected_wait_seconds"] is None
    assert not any(h["open"] for h in hours if h["weekday"] >= 5)
    # Too few samples: open, but no number.
    assert hours[MON_09] == {"weekday": 0, "hour": 9, "expected_wait_seconds": None, "open": True}
    en = anon_api.get("/api/v1/contact/wait-forecast", channel="chat", region="INTL",
                      language="en").json()
    assert en["language"] == "en" and en["hours"][MON_10]["expected_wait_seconds"] == 600


def test_a_holiday_next_week_shows_closed(history: ServiceHours, anon_api: Any) -> None:
    services.refresh_forecast(NOW)
    services.set_special_day(history, date(2026, 11, 9), closed=True, name_en="Test holiday")
    with clock.frozen(NOW):
        hours = anon_api.get("/api/v1/contact/wait-forecast", channel="chat",
                             region="INTL").json()["hours"]
    assert hours[MON_10] == {"weekday": 0, "hour": 10, "expected_wait_seconds": None, "open": False}


@pytest.mark.parametrize(("params", "code"), [
    ({"channel": "fax", "region": "INTL"}, "unknown_wait_channel"),
    ({"channel": "", "region": "INTL"}, "unknown_wait_channel"),
    ({"channel": "chat", "region": "XX"}, "unknown_region"),
    ({"channel": "chat", "region": "INTL", "language": "fr"}, "unknown_language"),
    ({"channel": "chat", "region": "HK"}, "no_such_channel"),
])
def test_bad_forecast_queries_get_typed_400s(history: ServiceHours, anon_api: Any,
                                             params: dict[str, str], code: str) -> None:
    services.refresh_forecast(NOW)
    before = list(WaitForecast.objects.values_list("pk", "updated_at", "waits"))
    r = anon_api.get("/api/v1/contact/wait-forecast", **params)
    assert r.status_code == 400
    assert r.json()["code"] == code and r.json()["message"]
    assert list(WaitForecast.objects.values_list("pk", "updated_at", "waits")) == before


def test_channels_gain_the_expected_wait_and_a_quieter_hour(history: ServiceHours,
                                                           anon_api: Any) -> None:
    for minute in (0, 10, 20, 30, 40):  # Monday 14:xx is quick: 30 s
        _chat(_utc(2026, 11, 2, 14, minute), 30)
    services.refresh_forecast(NOW)
    with clock.frozen(NEXT_MONDAY_1030):
        rows = anon_api.get("/api/v1/contact/channels", region="INTL", tz="Asia/Shanghai").json()
    chat = next(row for row in rows if row["kind"] == "chat")
    assert chat["expected_wait_seconds"] == 180
    assert chat["quieter_at"] == "2026-11-09T22:00:00+08:00"  # 14:00 in London
    site = next(row for row in rows if row["kind"] == "website")
    assert site["expected_wait_seconds"] is None and site["quieter_at"] is None
    # Closed now: no wait is promised.
    with clock.frozen(datetime(2026, 11, 9, 21, 0, tzinfo=UTC)):
        rows = anon_api.get("/api/v1/contact/channels", region="INTL").json()
    chat = next(row for row in rows if row["kind"] == "chat")
    assert chat["open_now"] is False and chat["expected_wait_seconds"] is None


def test_the_hub_shows_todays_waits_with_hints(history: ServiceHours, client: Any,
                                               customer: Any) -> None:
    for minute in (0, 10, 20, 30, 40):  # Monday 14:xx is quick: 30 s
        _chat(_utc(2026, 11, 2, 14, minute), 30)
    services.refresh_forecast(NOW)
    customer.region, customer.time_zone = "INTL", "Europe/London"
    customer.save()
    client.force_login(customer)
    with clock.frozen(NEXT_MONDAY_1030):
        en = client.get("/contact/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        zh = client.get("/contact/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'data-testid="forecast-chat"' in en
    # 180 s now against a lower median of 30 s today: busy.
    assert "A busy hour: online chat usually answers in about\u00a03\u00a0minutes." in en
    assert "Quietest time today for Online chat: 14:00–15:00." in en
    assert "繁忙时段：在线客服通常等待约\u00a03\u00a0分钟。" in zh
    assert "今天在线客服最空闲的时段：14:00–15:00。" in zh
    # The current hour is marked, closed hours are drawn as closed.
    assert en.count('class="dfc-marker"') == 1 and en.count("dfc-now") == 1
    assert "dfc-closed" in en


def test_booking_a_callback_offers_the_quietest_free_slots_first(client: Any,
                                                                 make_customer: Any) -> None:
    from zoneinfo import ZoneInfo

    sh = ZoneInfo("Asia/Shanghai")
    thursday = 3 * 24  # 2026-12-03 is a Thursday
    waits: list[int | None] = [None] * 168
    waits[thursday + 11], waits[thursday + 14], waits[thursday + 15] = 600, 120, 300
    WaitForecast.objects.create(kind="phone", region="CN", language="", time_zone="Asia/Shanghai",
                                waits=waits, counts=[5] * 168, samples=840, updated_at=NOW)
    hotline = Channel.objects.get(region__code="CN", kind="phone", normalized="+864008201024")
    client.force_login(make_customer(region="CN", time_zone="Asia/Shanghai"))
    with clock.frozen(datetime(2026, 12, 3, 10, 2, tzinfo=sh)):
        html = client.get(f"/phone/callback/?line={hotline.pk}",
                          HTTP_ACCEPT_LANGUAGE="en").content.decode()
    quiet = html[html.index('data-testid="book-quiet"'):html.index("</optgroup>")]
    expected = ["Today 14:00 · usual wait about\u00a02\u00a0minutes",
                "Today 15:00 · usual wait about\u00a05\u00a0minutes",
                "Today 11:00 · usual wait about\u00a010\u00a0minutes"]
    positions = [quiet.index(e) for e in expected]
    assert positions == sorted(positions)
    assert 'value="2026-12-03T14:00:00+08:00"' in quiet  # the same value as in its day
    # The forecast is learnt from the hotline's callbacks: another line of the region, bookable
    # too, offers its slots by day without borrowing the hotline's figures.
    other = Channel.objects.filter(region__code="CN", kind="phone", hours__isnull=False).exclude(
        pk=hotline.pk).first()
    assert other is not None
    with clock.frozen(datetime(2026, 12, 3, 10, 2, tzinfo=sh)):
        html = client.get(f"/phone/callback/?line={other.pk}",
                          HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'value="2026-12-03T14:00:00+08:00"' in html and 'data-testid="book-quiet"' not in html


def test_backtest_by_hand() -> None:
    """A week ago Monday 10 had five samples of 100 s; this week's Monday-10 waits were
    100, 160, 220, 40 and 400: absolute errors 0, 60, 120, 60, 300 → median 60."""
    tz_now = datetime(2026, 11, 11, 12, 0, tzinfo=UTC)  # Wednesday, GMT
    old = [forecast.Sample(_utc(2026, 10, 26, 10, m), 100) for m in (0, 10, 20, 30, 40)]
    new = [forecast.Sample(_utc(2026, 11, 9, 10, m), w)
           for m, w in ((0, 100), (10, 160), (20, 220), (30, 40), (40, 400))]
    assert forecast.backtest(old + new, time_zone="Europe/London", now=tz_now) == (60, 5)
    # Fewer than five checked waits: no figure.
    assert forecast.backtest(old + new[:4], time_zone="Europe/London", now=tz_now) == (None, 4)


def test_supervisors_see_the_forecast_error_in_the_reports(history: ServiceHours,
                                                          client: Any) -> None:
    from walletdesk.reports.tests.conftest import make_agent

    # Last week's Monday-10 waits against the forecast made a week before them.
    for minute, wait in ((0, 100), (10, 160), (20, 220), (30, 40), (40, 400)):
        _chat(_utc(2026, 11, 9, 10, minute), wait)
    later = datetime(2026, 11, 11, 12, 0, tzinfo=UTC)
    services.refresh_forecast(later)
    row = _row()
    # A week earlier (4 Nov) Monday 10 forecast 180 s (the first test); errors 80, 20, 40,
    # 140, 220 → median 80.
    assert (row.error_seconds, row.error_samples) == (80, 5)
    client.force_login(make_agent("supervisor").user)
    with clock.frozen(later):
        html = client.get("/support/reports/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    table = html[html.index('data-testid="forecast-error-table"'):]
    table = table[:table.index("</table>")]
    assert ('<td>Chat</td><td>International (INTL)</td><td class="num">1 min 20 s</td>'
            '<td class="num">5</td>') in table


@pytest.mark.postgres
def test_bench_forecast_fills_a_scratch_database_and_times_the_job() -> None:
    import io

    from django.core.management import call_command

    out = io.StringIO()
    with clock.frozen(NOW):
        call_command("bench_forecast", count=4000, stdout=out)
    text = out.getvalue()
    assert "inserted 4000 conversations" in text and "refresh 2:" in text
    assert Conversation.objects.filter(reference__startswith="BENCHFC").count() == 4000
    assert WaitForecast.objects.get(kind="chat", region="CN", language="").samples > 0
