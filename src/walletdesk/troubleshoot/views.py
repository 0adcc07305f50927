"""Troubleshooter pages (filled in below)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def index(request: HttpRequest) -> HttpResponse:
    raise Http404


lock = transaction_problem = talk = index
