from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from walletdesk.accounts import events


@login_required
def activity(request: HttpRequest) -> HttpResponse:
    return render(request, "risk/activity.html",
                  {"events": events.events_of(request.user, limit=200)})  # type: ignore[arg-type]
