"""Managing the directory in admin: validation, nothing stored on refusal, iCalendar import."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from walletdesk.accounts.models import User
from walletdesk.core.errors import DomainError
from walletdesk.directory import services
from walletdesk.directory.models import Channel, Region, ServiceHours, SpecialDay, WeeklyPeriod


@pytest.fixture
def admin_client(client: Any, db: Any) -> Any:
    admin = User.objects.create_superuser("root@walletdesk.example", "pw-admin-123456")
    client.force_login(admin)
    return client


@pytest.fixture
def hours(db: Any) -> ServiceHours:
    return services.save_hours(ServiceHours(name="test", time_zone="Asia/Singapore"),
                               weekly=[(d, time(9), time(18)) for d in range(5)])


def _hours_form(name: str, tz: str, periods: list[tuple[int, str, str]]) -> dict[str, Any]:
    data: dict[str, Any] = {"name": name, "time_zone": tz,
                            "periods-TOTAL_FORMS": len(periods), "periods-INITIAL_FORMS": 0,
                            "special_days-TOTAL_FORMS": 0, "special_days-INITIAL_FORMS": 0}
    for i, (day, s, e) in enumerate(periods):
        data.update({f"periods-{i}-weekday": day, f"periods-{i}-start": s, f"periods-{i}-end": e})
    return data


def test_admin_creates_hours_with_an_overnight_period(admin_client: Any) -> None:
    r = admin_client.post("/admin/directory/servicehours/add/",
                          _hours_form("night", "Asia/Hong_Kong", [(0, "22:00", "02:00"),
                                                                  (1, "22:00", "02:00")]))
    assert r.status_code == 302, r.content.decode()[:2000]
    sh = ServiceHours.objects.get(name="night")
    assert sh.periods.count() == 2


@pytest.mark.parametrize("tz,periods", [
    ("Mars/Base", [(0, "09:00", "18:00")]),
    ("Asia/Shanghai", [(0, "09:00", "09:00")]),
    ("Asia/Shanghai", [(0, "09:00", "13:00"), (0, "12:00", "18:00")]),
    ("Asia/Shanghai", [(0, "22:00", "03:00"), (1, "02:00", "05:00")]),
])
def test_admin_refuses_bad_hours_and_stores_nothing(admin_client: Any, tz: str,
                                                    periods: list[tuple[int, str, str]]) -> None:
    r = admin_client.post("/admin/directory/servicehours/add/", _hours_form("bad", tz, periods))
    assert r.status_code == 200 and "errornote" in r.content.decode()
    assert not ServiceHours.objects.exists() and not WeeklyPeriod.objects.exists()


def test_admin_channel_validation(admin_client: Any, db: Any) -> None:
    region = services.save_region(Region(code="SG", name_zh="新加坡", name_en="Singapore",
                                         time_zone="Asia/Singapore"))
    base = {"region": region.pk, "label_zh": "热线", "label_en": "Hotline", "sort_order": 0,
            "is_active": "on", "platform": ""}
    bad = admin_client.post("/admin/directory/channel/add/",
                            {**base, "kind": "phone", "value": "12"})
    assert bad.status_code == 200 and not Channel.objects.exists()
    ok = admin_client.post("/admin/directory/channel/add/",
                           {**base, "kind": "phone", "value": "6100 1024"})
    assert ok.status_code == 302
    assert Channel.objects.get().normalized == "+6561001024"
    dup = admin_client.post("/admin/directory/channel/add/",
                            {**base, "kind": "phone", "value": "+65 6100-1024"})
    assert dup.status_code == 200 and Channel.objects.count() == 1
    social = admin_client.post("/admin/directory/channel/add/",
                               {**base, "kind": "social", "value": "@walletdesk"})
    assert social.status_code == 200 and Channel.objects.count() == 1  # platform is required


def test_region_time_zone_is_checked(db: Any) -> None:
    with pytest.raises(DomainError) as exc:
        services.save_region(Region(code="XX", name_zh="x", name_en="x", time_zone="Nowhere/City"))
    assert exc.value.code == "invalid_time_zone"
    assert not Region.objects.exists()


ICS = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//walletdesk//test//EN
BEGIN:VEVENT
UID:1@test
DTSTART;VALUE=DATE:20261225
DTEND;VALUE=DATE:20261227
SUMMARY:Christmas
END:VEVENT
BEGIN:VEVENT
UID:2@test
DTSTART;TZID=Asia/Singapore:20261224T090000
DTEND;TZID=Asia/Singapore:20261224T120000
SUMMARY:Christmas Eve (half day)
END:VEVENT
END:VCALENDAR
"""


def test_ical_import(hours: ServiceHours) -> None:
    assert services.import_ical(hours, ICS) == 3
    days = {d.date: d for d in SpecialDay.objects.filter(hours=hours)}
    assert days[date(2026, 12, 25)].closed and days[date(2026, 12, 26)].closed
    eve = days[date(2026, 12, 24)]
    assert not eve.closed and (eve.start, eve.end) == (time(9), time(12))
    assert services.import_ical(hours, ICS) == 3  # again: replaced, not doubled
    assert SpecialDay.objects.count() == 3


@pytest.mark.parametrize("data", [b"", b"not a calendar", b"BEGIN:VCALENDAR\nEND:VCALENDAR\n",
                                  ICS.replace(b"DTEND;VALUE=DATE:20261227", b"DTEND;VALUE=DATE:20261220"),
                                  b"X" * (600 * 1024)])
def test_bad_ical_stores_nothing(hours: ServiceHours, data: bytes) -> None:
    with pytest.raises(DomainError) as exc:
        services.import_ical(hours, data)
    assert exc.value.code == "invalid_calendar"
    assert not SpecialDay.objects.exists()


def test_ical_upload_in_admin(admin_client: Any, hours: ServiceHours) -> None:
    url = f"/admin/directory/servicehours/{hours.pk}/import-ical/"
    assert admin_client.get(url).status_code == 200
    r = admin_client.post(url, {"file": SimpleUploadedFile("h.ics", ICS, "text/calendar")})
    assert r.status_code == 302 and SpecialDay.objects.count() == 3
    r = admin_client.post(url, {"file": SimpleUploadedFile("h.ics", b"junk", "text/calendar")})
    assert r.status_code == 200 and SpecialDay.objects.count() == 3


def test_reports_admin_actions(admin_client: Any, demo_directory: Any) -> None:
    report = services.create_report(value="https://walletdesk.com")
    r = admin_client.post("/admin/directory/report/", {"action": "confirm_reports",
                                                       "_selected_action": [report.pk]})
    assert r.status_code == 302
    report.refresh_from_db()
    assert report.status == "confirmed" and report.reviewed_at is not None
    assert admin_client.get("/admin/directory/report/").status_code == 200


def test_import_holidays_command(hours: ServiceHours, tmp_path: Any) -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    good, bad = tmp_path / "h.ics", tmp_path / "bad.ics"
    good.write_bytes(ICS)
    bad.write_bytes(b"BEGIN:VCALENDAR\nnonsense")
    call_command("import_holidays", "test", str(good))
    assert SpecialDay.objects.count() == 3
    with pytest.raises(CommandError, match="invalid_calendar"):
        call_command("import_holidays", "test", str(bad))
    with pytest.raises(CommandError):
        call_command("import_holidays", "nope", str(good))
    assert SpecialDay.objects.count() == 3


@pytest.mark.parametrize("path", ["region", "channel", "servicehours", "report"])
def test_admin_pages_render(admin_client: Any, demo_directory: Any, path: str) -> None:
    from walletdesk.directory import models

    assert admin_client.get(f"/admin/directory/{path}/").status_code == 200
    model = {"region": models.Region, "channel": models.Channel,
             "servicehours": models.ServiceHours, "report": models.Report}[path]
    obj = model._default_manager.first()
    if obj is not None:
        assert admin_client.get(f"/admin/directory/{path}/{obj.pk}/change/").status_code == 200


def test_agent_admin(admin_client: Any, demo_agents: Any) -> None:
    from walletdesk.support.models import Agent

    assert admin_client.get("/admin/support/agent/").status_code == 200
    agent = Agent.objects.get(employee_id="WD2048")
    url = f"/admin/support/agent/{agent.pk}/change/"
    assert admin_client.get(url).status_code == 200
    assert 'value="Liu Yang"' in admin_client.get(url).content.decode()  # from the demo
    form = {"user": agent.user_id, "display_name": "刘洋", "latin_name": "Liu Yang", "employee_id": "2048",
            "skills": '["payments"]', "languages": '["zh-hans"]', "max_concurrent_chats": 3,
            "status": "offline", "region": "CN"}
    assert admin_client.post(url, form).status_code == 200  # refused: not WD + digits
    assert Agent.objects.get(pk=agent.pk).employee_id == "WD2048"
    assert admin_client.post(url, {**form, "employee_id": "wd 2049"}).status_code == 302
    assert Agent.objects.get(pk=agent.pk).employee_id == "WD2049"
    page = admin_client.get(url).content.decode()
    assert 'name="latin_name"' in page and 'value="Liu Yang"' in page  # edited with the display name
    renamed = {**form, "employee_id": "WD2049", "latin_name": "Yang Liu"}
    assert admin_client.post(url, renamed).status_code == 302
    assert Agent.objects.get(pk=agent.pk).latin_name == "Yang Liu"
    assert admin_client.post(url, {**form, "employee_id": "WD2049", "latin_name": ""}).status_code == 302
    assert Agent.objects.get(pk=agent.pk).latin_name == ""  # optional


def test_admin_edits_weekly_periods_and_special_days(admin_client: Any, hours: ServiceHours) -> None:
    xmas = services.set_special_day(hours, date(2026, 12, 25), closed=True, name_en="Christmas")
    eve = services.set_special_day(hours, date(2026, 12, 24), closed=True, name_en="Eve")
    periods = list(hours.periods.all())
    data: dict[str, Any] = {"name": "test", "time_zone": "Asia/Singapore",
                            "periods-TOTAL_FORMS": len(periods) + 1,
                            "periods-INITIAL_FORMS": len(periods),
                            "special_days-TOTAL_FORMS": 2, "special_days-INITIAL_FORMS": 2}
    for i, p in enumerate(periods):
        data.update({f"periods-{i}-id": p.pk, f"periods-{i}-hours": hours.pk,
                     f"periods-{i}-weekday": p.weekday, f"periods-{i}-start": "09:00",
                     f"periods-{i}-end": "18:00"})
    n = len(periods)
    data.update({f"periods-{n}-hours": hours.pk, f"periods-{n}-weekday": 5,
                 f"periods-{n}-start": "10:00", f"periods-{n}-end": "14:00"})
    data.update({"special_days-0-id": xmas.pk, "special_days-0-hours": hours.pk,
                 "special_days-0-date": "2026-12-25", "special_days-0-name_en": "Christmas",
                 "special_days-0-closed": "on", "special_days-0-DELETE": "on",
                 "special_days-1-id": eve.pk, "special_days-1-hours": hours.pk,
                 "special_days-1-date": "2026-12-24", "special_days-1-name_en": "Eve",
                 "special_days-1-start": "09:00", "special_days-1-end": "12:00"})
    r = admin_client.post(f"/admin/directory/servicehours/{hours.pk}/change/", data)
    assert r.status_code == 302, r.content.decode()[:3000]
    assert hours.periods.count() == 6 and hours.periods.filter(weekday=5).exists()
    days = list(SpecialDay.objects.filter(hours=hours))
    assert [(d.date, d.closed, d.start) for d in days] == [(date(2026, 12, 24), False, time(9))]
