"""A small page for trying triage on a message (logged-in users; agents later)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from walletdesk.core.errors import DomainError

from . import services


@login_required
def try_triage(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"text": "", "result": None, "error": None}
    if request.method == "POST":
        context["text"] = request.POST.get("text", "")
        try:
            context["result"] = services.classify(context["text"])
        except DomainError as exc:
            context["error"] = exc.message
    return render(request, "triage/try.html", context, status=422 if context["error"] else 200)
