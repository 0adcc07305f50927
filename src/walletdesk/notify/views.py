from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from . import services


def outbox(request: HttpRequest) -> HttpResponse:
    if not settings.DEV_OUTBOX:
        raise Http404
    to = request.GET.get("to", "")
    return render(request, "notify/outbox.html",
                  {"messages_out": services.outbox_for(to, limit=100), "to": to})
