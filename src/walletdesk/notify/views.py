from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from walletdesk.core.errors import DomainError

from . import services
from .models import Kind
from .services import inbox, push


def outbox(request: HttpRequest) -> HttpResponse:
    if not settings.DEV_OUTBOX:
        raise Http404
    to = request.GET.get("to", "")
    return render(request, "notify/outbox.html",
                  {"messages_out": services.outbox_for(to, limit=100), "to": to})


@login_required
def centre(request: HttpRequest) -> HttpResponse:
    """The notification centre: newest first, unread marked; push settings below."""
    notes = list(inbox.list_for(request.user, limit=100))
    # Until a choice is saved, the form suggests security alerts and agent replies; nothing is
    # pushed before the person turns push on for a device.
    opted = set(push.kinds_of(request.user)) or {Kind.SECURITY.value, Kind.AGENT_REPLY.value}
    return render(request, "notify/centre.html", {
        "notes": notes, "unread": sum(1 for n in notes if n.read_at is None),
        "kinds": [(k.value, k.label, k.value in opted) for k in Kind],
        "push_key": push.public_key(),
        "devices": request.user.push_subscriptions.count(),  # type: ignore[union-attr]
    })


@login_required
@require_POST
def read(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one read, then follow its link, or its action's (only to a page of this site)."""
    try:
        note = inbox.mark_read(request.user, notification_id)
    except DomainError as exc:
        raise Http404 from exc
    target = {"1": note.link, "action": note.action_link}.get(request.POST.get("open", ""), "")
    if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("notify:centre")


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
    return redirect("notify:centre")
