"""The public contract: /api/v1/contact/channels, /verify, /reports; rate limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from walletdesk.core import clock
from walletdesk.directory import waits
from walletdesk.directory.models import Channel, Report

pytestmark = pytest.mark.usefixtures("demo_directory")

# Wednesday 2026-11-25 03:00 UTC = 11:00 in Shanghai, Hong Kong and Singapore.
WEDNESDAY_11 = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


def test_channels_contract(anon_api: Any) -> None:
    with clock.frozen(WEDNESDAY_11):
        r = anon_api.get("/api/v1/contact/channels", region="CN")
    assert r.status_code == 200
    rows = r.json()
    assert rows and {row["region"] for row in rows} == {"CN"}
    for row in rows:
        assert {"region", "kind", "value", "open_now", "next_open_at"} <= row.keys()
        assert row["kind"] in {"phone", "email", "chat", "website", "social"}
    hotline = next(row for row in rows if row["normalized"] == "+864008201024")
    assert hotline["open_now"] is True and hotline["next_open_at"] is None
    assert hotline["closes_at"] == "2026-11-25T22:00:00+08:00"
    assert hotline["estimated_wait_seconds"] is None


def test_next_open_is_given_in_the_callers_time_zone(anon_api: Any) -> None:
    """The London line is closed at 03:00 UTC; it opens 08:00 GMT, shown in Shanghai time."""
    with clock.frozen(WEDNESDAY_11):
        rows = anon_api.get("/api/v1/contact/channels", region="INTL", tz="Asia/Shanghai").json()
    line = next(row for row in rows if row["kind"] == "phone")
    assert line["open_now"] is False
    assert line["next_open_at"] == "2026-11-25T16:00:00+08:00"


def test_logged_in_user_gets_their_region_and_zone(api: Any, customer: Any) -> None:
    customer.region, customer.time_zone = "HK", "Asia/Hong_Kong"
    customer.save()
    with clock.frozen(WEDNESDAY_11):
        rows = api.get("/api/v1/contact/channels").json()
    assert {row["region"] for row in rows} == {"HK"}
    night = next(row for row in rows if row["normalized"] == "+85230082048")
    assert night["open_now"] is False and night["next_open_at"] == "2026-11-25T22:00:00+08:00"


def test_holiday_in_the_api(anon_api: Any) -> None:
    christmas = datetime(2026, 12, 25, 3, 0, tzinfo=UTC)  # Friday 11:00 in Singapore
    with clock.frozen(christmas):
        rows = anon_api.get("/api/v1/contact/channels", region="SG").json()
    hotline = next(row for row in rows if row["kind"] == "phone")
    assert hotline["open_now"] is False
    assert hotline["next_open_at"] == "2026-12-28T09:00:00+08:00"


def test_wait_estimate_hook(anon_api: Any) -> None:
    def provider(channel: Channel) -> int | None:
        return 240 if channel.kind == "chat" else None

    waits.register(provider)
    try:
        with clock.frozen(WEDNESDAY_11):
            rows = anon_api.get("/api/v1/contact/channels", region="CN").json()
    finally:
        waits.unregister(provider)
    chat = next(row for row in rows if row["kind"] == "chat")
    assert chat["estimated_wait_seconds"] == 240


@pytest.mark.parametrize("params,status,code", [
    ({"region": "XX"}, 404, "unknown_region"),
    ({"region": "CN", "tz": "Mars/Base"}, 422, "invalid_time_zone"),
])
def test_channels_bad_input(anon_api: Any, params: dict[str, str], status: int, code: str) -> None:
    r = anon_api.get("/api/v1/contact/channels", **params)
    assert r.status_code == status and r.json()["code"] == code and r.json()["message"]


def test_verify_contract(anon_api: Any) -> None:
    r = anon_api.get("/api/v1/contact/verify", value="400 820 1024")
    assert r.status_code == 200
    body = r.json()
    assert body["official"] is True and body["kind"] == "phone" and body["match"]["region"] == "CN"
    fake = anon_api.get("/api/v1/contact/verify", value="https://walletdesk-refund.com").json()
    assert fake["official"] is False and fake["kind"] == "website" and fake["warning"]


@pytest.mark.parametrize("value,code", [("", "empty_input"), ("x" * 5000, "input_too_long"),
                                        ("what is this", "unrecognized_input")])
def test_verify_garbage(anon_api: Any, value: str, code: str) -> None:
    r = anon_api.get("/api/v1/contact/verify", value=value)
    assert r.status_code == 422 and r.json()["code"] == code


@pytest.mark.security
@pytest.mark.usefixtures("still_clock")
def test_verify_is_rate_limited(anon_api: Any) -> None:
    for _ in range(30):
        assert anon_api.get("/api/v1/contact/verify", value="WD1024").status_code == 200
    r = anon_api.get("/api/v1/contact/verify", value="WD1024")
    assert r.status_code == 429 and r.json()["code"] == "rate_limited"
    assert int(r["Retry-After"]) >= 1 and r.json()["message"]
    clock.advance(61)
    assert anon_api.get("/api/v1/contact/verify", value="WD1024").status_code == 200


@pytest.mark.security
@pytest.mark.usefixtures("still_clock")
def test_verify_page_is_rate_limited_too(client: Any) -> None:
    for _ in range(30):
        client.get("/contact/verify/", {"value": "WD1024"})
    assert client.get("/contact/verify/", {"value": "WD1024"}).status_code == 429


def test_report_reaches_admin(anon_api: Any) -> None:
    r = anon_api.post("/api/v1/contact/reports", {"value": "https://walletdesk-refund.com",
                                                  "note": "SMS said my refund is waiting"})
    assert r.status_code == 201
    report = Report.objects.get(pk=r.json()["id"])
    assert report.kind == "website" and report.warning == "lookalike_extra_words"
    assert report.status == Report.Status.NEW and report.reporter is None


def test_reporting_an_official_value_or_garbage_stores_nothing(anon_api: Any) -> None:
    r = anon_api.post("/api/v1/contact/reports", {"value": "400 820 1024"})
    assert r.status_code == 422 and r.json()["code"] == "already_official"
    r = anon_api.post("/api/v1/contact/reports", {"value": "gibberish text"})
    assert r.status_code == 422
    r = anon_api.post("/api/v1/contact/reports", {"value": "+1 555", "note": "x" * 5000})
    assert r.status_code == 422
    assert not Report.objects.exists()


@pytest.mark.security
@pytest.mark.usefixtures("still_clock")
def test_reports_are_rate_limited(anon_api: Any) -> None:
    for i in range(5):
        assert anon_api.post("/api/v1/contact/reports",
                             {"value": f"+86 138 0013 800{i}"}).status_code == 201
    r = anon_api.post("/api/v1/contact/reports", {"value": "+86 138 0013 8009"})
    assert r.status_code == 429
    assert Report.objects.count() == 5


def test_regions(anon_api: Any) -> None:
    codes = [r["code"] for r in anon_api.get("/api/v1/contact/regions").json()]
    assert codes == ["CN", "HK", "SG", "INTL"]


def test_pages_render(client: Any, customer: Any) -> None:
    assert client.get("/contact/").status_code == 302  # anonymous: to the public page
    assert client.get("/contact/official/").status_code == 200
    client.force_login(customer)
    with clock.frozen(WEDNESDAY_11):
        page = client.get("/contact/", {"region": "HK"}).content.decode()
    assert "+852 3008 1024" in page and 'data-testid="state-open"' in page
    r = client.get("/contact/verify/", {"value": "https://walletdesk.com"})
    assert r.status_code == 200 and 'data-testid="official-no"' in r.content.decode()
    r = client.get("/contact/verify/", {"value": "x" * 400})
    assert r.status_code == 422 and 'data-testid="verify-error"' in r.content.decode()


def test_report_from_the_page(client: Any, customer: Any) -> None:
    client.force_login(customer)
    r = client.post("/contact/report/", {"value": "+86 170 1234 5678", "note": "called me"})
    assert r.status_code == 302
    assert Report.objects.get().reporter == customer
    clock.advance(1)
    assert Report.objects.filter(created_at__lt=clock.now() + timedelta(seconds=1)).count() == 1


def test_hub_and_channels_take_a_fixed_number_of_queries(anon_api: Any, client: Any,
                                                         customer: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as q:
        anon_api.get("/api/v1/contact/channels", region="CN")
    assert len(q) <= 6  # + the wait forecasts, one query
    client.force_login(customer)
    with CaptureQueriesContext(connection) as q:
        client.get("/contact/")
    assert len(q) <= 11


def test_official_page_in_english_in_another_zone(client: Any) -> None:
    with clock.frozen(WEDNESDAY_11):
        page = client.get("/contact/official/", {"tz": "Europe/London"},
                          HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Official contacts" in page and "UK time (UTC+0)" in page and "Mainland China" in page
    assert "Open until 14:00" in page  # the Shanghai hotline closes 22:00 = 14:00 in London


def test_a_user_from_an_unlisted_region_gets_international(api: Any, customer: Any) -> None:
    customer.region = "US"
    customer.save()
    rows = api.get("/api/v1/contact/channels").json()
    assert {row["region"] for row in rows} == {"INTL"}
