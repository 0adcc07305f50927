from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from walletdesk.core.errors import DomainError

from . import listing, services
from .models import Kind
from .services import inbox, push


def outbox(request: HttpRequest) -> HttpResponse:
    if not settings.DEV_OUTBOX:
        raise Http404
    to = request.GET.get("to", "")
    return render(request, "notify/outbox.html",
                  {"messages_out": services.outbox_for(to, limit=100), "to": to})


def _positive(value: str | None) -> int | None:
    """A ``?before=`` id: a positive integer, else none (the newest page)."""
    return int(value) if value and value.isascii() and value.isdigit() and int(value) > 0 else None


@login_required
def centre(request: HttpRequest) -> HttpResponse:
    """The notification centre: a page of notices, newest first, by day (``?before=`` pages
    on); this device's push settings folded at the end (``?settings=1`` opens them)."""
    before = _positive(request.GET.get("before"))
    # Until a choice is saved, the form suggests security alerts and agent replies; nothing is
    # pushed before the person turns push on for a device.
    opted = set(push.kinds_of(request.user)) or {Kind.SECURITY.value, Kind.AGENT_REPLY.value}
    shown = request.GET.get("settings", "")
    return render(request, "notify/centre.html", {
        "page": listing.page(request.user, before), "before": before,
        "kinds": [(k.value, k.label, k.value in opted) for k in Kind],
        "push_key": push.public_key(),
        "push_open": shown in ("1", "saved"), "push_saved": shown == "saved",
        "devices": request.user.push_subscriptions.count(),  # type: ignore[union-attr]
    })


@login_required
@require_POST
def read(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one read, then follow its link (``open=1``) or its action's (``open=action``), only
    to a page of this site; a notice with nowhere to go returns to its place in the list."""
    try:
        note = inbox.mark_read(request.user, notification_id)
    except DomainError as exc:
        raise Http404 from exc
    target = {"1": note.link, "action": note.action_link}.get(request.POST.get("open", ""), "")
    if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    before = _positive(request.POST.get("before"))
    return redirect(reverse("notify:centre") + (f"?before={before}" if before else "")
                    + f"#n{note.pk}")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    inbox.mark_all_read(request.user)
    return redirect("notify:centre")


@login_required
@require_POST
def push_kinds(request: HttpRequest) -> HttpResponse:
    """The per-kind opt-in, as a plain form (works without JavaScript)."""
    try:
        push.set_kinds(request.user, request.POST.getlist("kinds"))
    except DomainError as exc:
        raise Http404 from exc
    return redirect(reverse("notify:centre") + "?settings=saved#push")
