"""Pages answer a dependency outage with a translated 503, as the API does."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)
OUTAGES = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)


class UnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, OUTAGES):
            return None
        log.warning("dependency unavailable on %s %s: %s", request.method, request.path,
                    type(exc).__name__)
        response = render(request, "web/unavailable.html", status=503)
        response["Retry-After"] = "5"
        return response
