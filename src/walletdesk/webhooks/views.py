"""Webhook pages for supervisors and administrators: the endpoints, one endpoint with its
delivery log, and the buttons (test event, pause/resume, new secret, delete)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from walletdesk.core.errors import DomainError

from . import access, events, queries, services
from .models import Endpoint

SESSION_SECRET = "webhooks_new_secret"


def _manager(request: HttpRequest) -> None:
    if not access.can_manage(request.user):
        raise PermissionDenied


def _endpoint(endpoint_id: int) -> Endpoint:
    try:
        return access.endpoint_or_404(endpoint_id)
    except DomainError:
        raise Http404 from None


def _types() -> list[tuple[str, str]]:
    return [(k, str(v)) for k, v in events.EVENT_TYPES.items()]


@login_required
def endpoint_list(request: HttpRequest) -> HttpResponse:
    _manager(request)
    ctx: dict[str, Any] = {"endpoints": Endpoint.objects.all(), "types": _types(),
                           "form": {"url": "", "description": "", "event_types": []}}
    if request.method == "POST":
        form = {"url": request.POST.get("url", "").strip(),
                "description": request.POST.get("description", ""),
                "event_types": request.POST.getlist("event_types")}
        try:
            endpoint = services.create_endpoint(by=request.user, **form)
        except DomainError as exc:
            ctx.update(form=form, error=str(exc.message))
            return render(request, "webhooks/list.html", ctx, status=exc.status)
        request.session[SESSION_SECRET] = {"id": endpoint.pk, "secret": endpoint.secret}
        return redirect("webhooks:detail", endpoint.pk)
    return render(request, "webhooks/list.html", ctx)


@login_required
def endpoint_detail(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    _manager(request)
    endpoint = _endpoint(endpoint_id)
    shown = request.session.pop(SESSION_SECRET, None)
    secret = shown["secret"] if isinstance(shown, dict) and shown.get("id") == endpoint.pk else ""
    labels = dict(_types())
    return render(request, "webhooks/detail.html", {
        "endpoint": endpoint, "secret": secret, "masked": endpoint.masked_secret,
        "types": [labels.get(t, t) for t in endpoint.event_types],
        "deliveries": queries.deliveries(endpoint)})


@login_required
@require_POST
def endpoint_action(request: HttpRequest, endpoint_id: int, action: str) -> HttpResponse:
    _manager(request)
    endpoint = _endpoint(endpoint_id)
    if action == "test":
        event = services.send_test(endpoint, request.user)
        messages.success(request, _("Test event %(id)s is on its way.") % {"id": event.id})
    elif action in ("pause", "resume"):
        services.update_endpoint(endpoint, is_active=action == "resume")
        messages.success(request, _("Saved."))
    elif action == "rotate":
        endpoint = services.rotate_secret(endpoint)
        request.session[SESSION_SECRET] = {"id": endpoint.pk, "secret": endpoint.secret}
        messages.success(request, _("A new signing secret is in use from now on."))
    elif action == "delete":
        services.delete_endpoint(endpoint)
        messages.success(request, _("The endpoint was deleted."))
        return redirect("webhooks:list")
    else:
        raise Http404
    return redirect("webhooks:detail", endpoint.pk)
