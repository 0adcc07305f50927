"""The report as tables: one definition used by the page and by the CSV export.

Each table is a title, column headers and rows of plain values; labels are
translated into the viewer's language, numbers stay numbers (seconds in the CSV,
formatted on the page).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from walletdesk.core.csvsafe import safe_cell
from walletdesk.directory import queries as directory_queries
from walletdesk.support.models import Conversation
from walletdesk.support.services.conversations import TOPIC_LABELS

from .errors import UnknownReportTable

CHANNELS = dict(Conversation.Channel.choices)


@dataclass
class Table:
    slug: str
    title: Any
    columns: list[Any]
    rows: list[list[Any]]


def _volume(slug: str, title: Any, rows: list[dict[str, Any]], label: Callable[[str], str]) -> Table:
    return Table(slug, title, [_("Value"), _("Label"), _("Conversations")],
                 [[r["key"], label(r["key"]), r["count"]] for r in rows])


def _times(report: dict[str, Any]) -> Table:
    cols = [_("Figure"), _("Count"), _("Average (s)"), _("Median (s)"), _("90th percentile (s)"),
            _("Longest (s)")]
    rows = []
    for key, label in (("first_response", _("First response (business hours)")),
                       ("resolution", _("Resolution (business hours)")),
                       ("queue_wait", _("Queue wait"))):
        f = report[key]
        rows.append([str(label), f["count"], f["average_seconds"], f["median_seconds"],
                     f["p90_seconds"], f["max_seconds"]])
    return Table("times", _("Response and resolution times"), cols, rows)


def _satisfaction(report: dict[str, Any]) -> Table:
    s = report["satisfaction"]
    return Table("satisfaction", _("Satisfaction"), [_("Rating"), _("Conversations")],
                 [[d["rating"], d["count"]] for d in s["distribution"]])


def _service_levels(report: dict[str, Any]) -> Table:
    sl = report["service_levels"]
    rows = []
    for key, label in (("first_response", _("First response")), ("resolution", _("Resolution"))):
        rate = sl[key]["breach_rate"]
        rows.append([str(label), sl["timers"], sl[key]["warned"], sl[key]["breached"],
                     None if rate is None else round(rate * 100, 1)])
    return Table("service_levels", _("Service levels"),
                 [_("Target"), _("Conversations with a timer"), _("Warned"), _("Breached"),
                  _("Breached (%)")], rows)


def _agents(report: dict[str, Any]) -> Table:
    return Table("agents", _("Agent workload"),
                 [_("Employee ID"), _("Name"), _("Conversations handled"), _("Messages"),
                  _("Handling time (s)")],
                 [[a["employee_id"], a["name"], a["conversations"], a["messages"], a["active_seconds"]]
                  for a in report["agents"]])


def _refund_requests(report: dict[str, Any]) -> Table:
    from django.utils.translation import get_language, pgettext_lazy

    english = (get_language() or "").startswith("en")
    return Table("refund_requests", _("Refund requests per merchant"),
                 [_("Merchant"), pgettext_lazy("merchant", "Name"), _("Requests"),
                  pgettext_lazy("refund request", "Answered"),
                  _("Average time to answer (s)"), _("Longest time to answer (s)"),
                  _("Passed to customer support"), _("Passed to customer support (%)")],
                 [[r["merchant"], r["name_en"] if english else r["name"], r["requests"],
                   r["answered"], r["average_answer_seconds"], r["max_answer_seconds"],
                   r["escalated"], None if r["escalated_share"] is None
                   else round(r["escalated_share"] * 100, 1)]
                  for r in report.get("refund_requests", [])])


def build(report: dict[str, Any]) -> dict[str, Table]:
    v = report["volumes"]
    regions = directory_queries.region_labels()
    tables = [
        _volume("channels", _("Conversations by channel"), v["by_channel"],
                lambda k: str(CHANNELS.get(k, k))),
        _volume("regions", _("Conversations by region"), v["by_region"],
                lambda k: regions.get(k, k)),
        _volume("topics", _("Conversations by topic"), v["by_topic"],
                lambda k: str(TOPIC_LABELS.get(k, k))),
        _volume("days", _("Conversations by day"), v["by_day"], lambda k: k),
        _times(report), _satisfaction(report), _service_levels(report), _agents(report),
        _refund_requests(report),
    ]
    return {t.slug: t for t in tables}


def to_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(str(c)) for c in table.columns])
    for row in table.rows:
        writer.writerow([safe_cell(c) for c in row])
    return out.getvalue()


def table_or_404(tables: dict[str, Table], slug: str) -> Table:
    if slug not in tables:
        raise UnknownReportTable()
    return tables[slug]
