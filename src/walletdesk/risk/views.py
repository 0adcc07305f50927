from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from walletdesk.accounts.netutil import client_ip
from walletdesk.accounts.services import events
from walletdesk.core.errors import DomainError
from walletdesk.core.money import format_minor

from .forms import ReviewForm
from .models import RiskRule
from .services import review


@login_required
def activity(request: HttpRequest) -> HttpResponse:
    return render(request, "risk/activity.html",
                  {"events": events.events_of(request.user, limit=200)})  # type: ignore[arg-type]


def _reviewer(request: HttpRequest) -> None:
    if not review.can_review(request.user):
        raise PermissionDenied


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    _reviewer(request)
    return render(request, "risk/review_queue.html", {
        "cases": review.open_cases()[:200], "closed": review.recent_closed()})


@login_required
def review_case(request: HttpRequest, pk: int) -> HttpResponse:
    _reviewer(request)
    try:
        case = review.case_for(request.user, pk)  # type: ignore[arg-type]
    except DomainError as exc:
        raise Http404 from exc
    form = ReviewForm(request.POST or None)
    action = request.POST.get("action")
    if request.method == "POST" and action in ("approve", "reject") and form.is_valid():
        note, ip = form.cleaned_data["note"], client_ip(request)
        try:
            if action == "approve":
                review.approve(request.user, pk, note, ip=ip)  # type: ignore[arg-type]
                messages.success(request, _("Approved. The customer was told to send it again."))
            else:
                review.reject(request.user, pk, note, ip=ip,  # type: ignore[arg-type]
                              freeze=form.cleaned_data["freeze"])
                messages.success(request, _("Rejected. The customer was told."))
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            return redirect("risk:reviews")
    return render(request, "risk/review_case.html", {
        "case": case, "form": form,
        "reasons": _reasons(case.decision.reasons, case.decision.currency),
        "own": case.user_id == request.user.pk,
        "history": events.events_of(case.user, limit=15)})


MONEY_KEYS = ("amount", "limit", "total", "usual")


def _reasons(raw: list[dict[str, object]], currency: str) -> list[tuple[str, str]]:
    """Each rule that fired, with its figures (money in the operation's currency)."""
    labels = dict(RiskRule.Code.choices)
    out = []
    for reason in raw:
        rule = str(reason.get("rule", ""))
        parts = []
        for key, value in reason.items():
            if key in ("rule", "outcome"):
                continue
            if key in MONEY_KEYS and isinstance(value, int) and not rule.startswith("count"):
                parts.append(f"{key}: {format_minor(value, currency)}")
            else:
                parts.append(f"{key}: {value}")
        out.append((str(labels.get(rule, rule)), ", ".join(parts)))
    return out
