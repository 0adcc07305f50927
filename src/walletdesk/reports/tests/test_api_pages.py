"""The report through its edges: API JSON (supervisors/admins only), the page, CSV export."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client

from walletdesk.reports import tables

QUERY = {"from": "2026-11-02", "to": "2026-11-06", "tz": "Asia/Shanghai"}


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_api_returns_the_same_figures(week: Any, api_as: Any) -> None:
    r = api_as(week.supervisor.user).get("/api/v1/support/reports", **QUERY)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["volumes"]["total"] == 4
    assert body["first_response"]["average_seconds"] == 780.0
    assert body["resolution"]["median_seconds"] == 3600.0
    assert body["queue_wait"]["max_seconds"] == 133200.0
    assert body["satisfaction"]["distribution"][4] == {"rating": 5, "count": 1}
    assert body["filters"]["start"] == "2026-11-01T16:00:00+00:00"
    email = api_as(week.supervisor.user).get("/api/v1/support/reports", channel="email", **QUERY)
    assert email.json()["volumes"]["total"] == 1


def test_admins_may_read_reports(week: Any, api_as: Any, make_customer: Any) -> None:
    admin = make_customer(role="admin")
    assert api_as(admin).get("/api/v1/support/reports", **QUERY).status_code == 200


@pytest.mark.security
def test_agents_customers_and_strangers_are_refused(week: Any, api_as: Any, customer: Any,
                                                    anon_api: Any) -> None:
    for user in (week.alice.user, customer):
        r = api_as(user).get("/api/v1/support/reports", **QUERY)
        assert r.status_code == 403 and r.json()["code"] == "reports_forbidden"
        assert login(user).get("/support/reports/").status_code == 403
        assert login(user).get("/support/reports/agents.csv").status_code == 403
    assert anon_api.get("/api/v1/support/reports").status_code == 401
    assert Client().get("/support/reports/").status_code == 302  # to the login page


@pytest.mark.parametrize("params", [{"from": "2026-11-09", "to": "2026-11-02"},
                                    {"from": "2025-01-01", "to": "2026-11-02"},
                                    {"from": "yesterday"}, {"channel": "fax"},
                                    {"topic": "<script>"}, {"region": "C-N"},
                                    {"tz": "Mars/Olympus"}])
def test_bad_filters_are_typed_errors(week: Any, api_as: Any, params: dict[str, str]) -> None:
    r = api_as(week.supervisor.user).get("/api/v1/support/reports", **params)
    assert r.status_code == 422
    assert r.json()["code"] in ("invalid_report_filter", "invalid_report_range")


def test_page_shows_figures_and_charts_in_both_languages(week: Any) -> None:
    client = login(week.supervisor.user)
    page = client.get("/support/reports/", QUERY, HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Desk reports" in html and "13 min 00 s" in html  # 780 s first response
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    assert main.count('class="chart ') == 6 and "style=" not in html and "<script" not in main
    # A bar chart's label and value are page text (readable at any width), the bar a drawing.
    channels = main.split("Conversations by channel", 1)[1].split("</figure>", 1)[0]
    assert '<span class="label">Chat</span>' in channels and 'aria-hidden="true"' in channels
    # Regions read as in the forecast table and the console: the name, then the code.
    regions = main.split("Conversations by region", 1)[1].split("</figure>", 1)[0]
    assert '<span class="label">Mainland China (CN)</span>' in regions, regions
    zh = client.get("/support/reports/", QUERY, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "客服报表" in zh and "13 分 00 秒" in zh


def test_csv_export_one_table_per_file(week: Any) -> None:
    client = login(week.supervisor.user)
    r = client.get("/support/reports/times.csv", QUERY, HTTP_ACCEPT_LANGUAGE="en")
    assert r["Content-Type"].startswith("text/csv")
    assert 'filename="walletdesk-times-2026-11-02-2026-11-06.csv"' in r["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(r.content.decode())))
    assert rows[0][:3] == ["Figure", "Count", "Average (s)"]
    assert rows[1] == ["First response (business hours)", "4", "780.0", "600.0", "1800.0", "1800.0"]
    assert rows[3][:2] == ["Queue wait", "4"]
    channels = list(csv.reader(io.StringIO(client.get("/support/reports/channels.csv", QUERY,
                                                      HTTP_ACCEPT_LANGUAGE="en").content.decode())))
    assert channels[1:] == [["chat", "Chat", "3"], ["email", "Email", "1"]]
    assert client.get("/support/reports/nothing.csv", QUERY).status_code == 404


def test_csv_cells_cannot_become_formulas(week: Any) -> None:
    week.alice.display_name = "=HYPERLINK(\"http://evil.example\")"
    week.alice.save()
    from walletdesk.support.models import Message

    Message.objects.filter(agent=week.alice).update(sender_name="x")
    table = tables.Table("t", "T", ["a", "b"], [["=1+2", "+cmd"], ["-2", "@SUM(A1)"], [-3, "ok"]])
    rows = list(csv.reader(io.StringIO(tables.to_csv(table))))
    assert rows[1:] == [["'=1+2", "'+cmd"], ["'-2", "'@SUM(A1)"], ["-3", "ok"]]
    r = login(week.supervisor.user).get("/support/reports/agents.csv", QUERY)
    assert "'=HYPERLINK" in r.content.decode() and ",=HYPERLINK" not in r.content.decode()


@pytest.mark.parametrize("params", [{"from": "2026-11-09", "to": "2026-11-02"}, {"tz": "Mars/Olympus"},
                                    {"channel": "fax"}])
def test_page_explains_a_bad_filter_and_shows_the_default_range(week: Any, params: dict[str, str]) -> None:
    page = login(week.supervisor.user).get("/support/reports/", params, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 422
    html = page.content.decode()
    assert 'data-testid="report-error"' in html and 'data-testid="kpi-total"' in html
    csv_bad = login(week.supervisor.user).get("/support/reports/days.csv", params)
    assert csv_bad.status_code == 422


def test_forecast_table_names_regions_and_agents_header_is_a_label(week: Any) -> None:
    """The wait-forecast table says "中国大陆 (CN)", not the bare code; the agents table's first
    header starts with a capital like the others."""
    from walletdesk.directory.models import Region, WaitForecast

    region = Region.objects.filter(is_active=True).first()
    if region is None:
        region = Region.objects.create(code="CN", name_zh="中国大陆", name_en="Mainland China",
                                       time_zone="Asia/Shanghai")
    WaitForecast.objects.create(kind="chat", region=region.code, time_zone=region.time_zone,
                                error_seconds=188, error_samples=17)
    client = login(week.supervisor.user)
    zh = client.get("/support/reports/", QUERY, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    table = zh.split('data-testid="forecast-error-table"', 1)[1].split("</table>", 1)[0]
    assert f"<td>{region.name_zh} ({region.code})</td>" in table, table
    en = client.get("/support/reports/", QUERY, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    table = en.split('data-testid="forecast-error-table"', 1)[1].split("</table>", 1)[0]
    assert f"<td>{region.name_en} ({region.code})</td>" in table, table
    assert "<th>Employee ID</th>" in en and "employee ID" not in en.split("<main", 1)[1]
