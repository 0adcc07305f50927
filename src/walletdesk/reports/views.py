"""The supervisors' report page (filters, SVG charts, tables) and its CSV export."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from walletdesk.core.errors import DomainError
from walletdesk.directory import queries as directory_queries
from walletdesk.directory.models import Region
from walletdesk.support.models import Conversation
from walletdesk.support.services.conversations import TOPIC_LABELS, TOPICS

from . import access, charts, figures, filters, tables
from .errors import UnknownReportTable


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    s = round(seconds)
    if s >= 3600:
        return _("%(h)d h %(m)02d min") % {"h": s // 3600, "m": s % 3600 // 60}
    if s >= 60:
        return _("%(m)d min %(s)02d s") % {"m": s // 60, "s": s % 60}
    return _("%(s)d s") % {"s": s}


def _viewer(request: HttpRequest) -> None:
    if not access.can_view(request.user):
        raise PermissionDenied


def _charts(report: dict[str, Any], built: dict[str, tables.Table]) -> dict[str, Any]:
    def counted(slug: str) -> list[charts.Bar]:
        return [charts.Bar(str(r[1]), float(r[2]), str(r[2])) for r in built[slug].rows]

    times = [charts.Bar(str(row[0]), float(row[2] or 0), duration(row[2]))
             for row in built["times"].rows]
    ratings = [charts.Bar("★" * d["rating"], float(d["count"]), str(d["count"]))
               for d in report["satisfaction"]["distribution"]]
    return {
        "days": charts.columns(_("Conversations by day"),
                               [charts.Bar(r[0][5:], float(r[2]), str(r[2])) for r in built["days"].rows]),
        "channels": charts.bars(_("Conversations by channel"), counted("channels")),
        "regions": charts.bars(_("Conversations by region"), counted("regions")),
        "topics": charts.bars(_("Conversations by topic"), counted("topics")),
        "times": charts.bars(_("Average times"), times, css="times"),
        "ratings": charts.bars(_("Ratings"), ratings, css="ratings"),
    }


@login_required
def report_page(request: HttpRequest) -> HttpResponse:
    _viewer(request)
    ctx: dict[str, Any] = {"channels": Conversation.Channel.choices,
                           "regions": Region.objects.filter(is_active=True),
                           "topics": [(k, TOPIC_LABELS[k]) for k in TOPICS], "params": request.GET}
    try:
        f = filters.parse(request.GET, request.user)
    except DomainError as exc:
        ctx["error"] = str(exc.message)
        f = filters.parse({}, request.user)  # the default range, so the page still shows figures
        status = exc.status
    else:
        status = 200
    report = figures.report(f)
    built = tables.build(report)
    for agent in report["agents"]:
        agent["handling"] = duration(agent["active_seconds"])
    query = urlencode(f.as_query())
    ctx.update(f=f, report=report, tables=built, charts=_charts(report, built), query=query,
               durations={k: {m: duration(report[k][m]) for m in
                              ("average_seconds", "median_seconds", "p90_seconds", "max_seconds")}
                          for k in ("first_response", "resolution", "queue_wait")},
               times_rows=[[row[0], row[1], *(duration(c) for c in row[2:])]
                           for row in built["times"].rows],
               rate_percent=None if report["satisfaction"]["response_rate"] is None
               else round(report["satisfaction"]["response_rate"] * 100, 1))
    ctx["refund_rows"] = [[row[0], row[1], row[2], row[3], duration(row[4]), duration(row[5]),
                           row[6], row[7]] for row in built["refund_requests"].rows]
    ctx["forecast_errors"] = _forecast_errors()
    return render(request, "reports/report.html", ctx, status=status)


def _forecast_errors() -> list[dict[str, Any]]:
    """The wait forecast's median absolute error per channel and region (directory job)."""
    from walletdesk.directory.models import WaitForecast

    kinds = dict(Conversation.Channel.choices)
    regions = directory_queries.region_labels()
    return [{"channel": kinds.get(r.kind, r.kind), "region": regions.get(r.region, r.region),
             "error": duration(r.error_seconds), "checked": r.error_samples}
            for r in WaitForecast.objects.filter(language="").order_by("kind", "region")]


@login_required
def report_csv(request: HttpRequest, table: str) -> HttpResponse:
    _viewer(request)
    try:
        f = filters.parse(request.GET, request.user)
        chosen = tables.table_or_404(tables.build(figures.report(f)), table)
    except UnknownReportTable:
        raise Http404 from None
    except DomainError as exc:
        return HttpResponse(str(exc.message), status=exc.status, content_type="text/plain; charset=utf-8")
    response = HttpResponse(tables.to_csv(chosen), content_type="text/csv; charset=utf-8")
    name = f"walletdesk-{table}-{f.date_from.isoformat()}-{f.date_to.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
