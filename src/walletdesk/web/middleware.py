from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from typing import cast

from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, empty


class UserTimezoneMiddleware:
    """Show times in the user's own time zone (storage stays UTC)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        name = getattr(user, "time_zone", None) or settings.DEFAULT_USER_TIME_ZONE
        try:
            timezone.activate(zoneinfo.ZoneInfo(name))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.activate(zoneinfo.ZoneInfo(settings.DEFAULT_USER_TIME_ZONE))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class LazyMessageMiddleware(MessageMiddleware):
    """Django's MessageMiddleware with the storage made on first use (issue #16).

    Django makes the message storage (a cookie and a session backend) for every request and
    asks it to save at the end. Most requests never touch a message: every API call, the
    health checks, a page without a form. Here ``request._messages`` is a lazy object: a view
    that adds a message or a template that lists them makes the storage as before, and only
    then is it saved with the response. An untouched storage would have saved nothing either
    (Django's storage writes only messages that were added, or the remainder of ones read).
    """

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request._messages = SimpleLazyObject(  # type: ignore[attr-defined]
            lambda: default_storage(request))
        response = cast(HttpResponse, self.get_response(request))  # a synchronous chain
        used = getattr(request, "_messages", None)
        if isinstance(used, SimpleLazyObject) and used._wrapped is empty:  # type: ignore[attr-defined]
            return response
        return self.process_response(request, response)
