from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterator
from typing import Any, cast

from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.contrib.messages.storage.cookie import CookieStorage
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


class _Messages(SimpleLazyObject):
    """The request's message storage, made on first use; while it is not made, a request that
    brought no stored messages answers "none" without making it.

    Every page asks (``{% if messages %}`` in ``web/base.html``). With Django's default
    storage (``FallbackStorage``: the messages cookie first, then the session, which it reads
    only when the cookie says some did not fit) a request without that cookie has no stored
    messages, and asking, or listing none, leaves nothing to save: the storage would answer
    the same and write nothing with the response. Adding a message, or a request that brings
    the cookie, makes the storage as before."""

    def _none_stored(self) -> bool:
        return (self._wrapped is empty  # type: ignore[attr-defined]
                and settings.MESSAGE_STORAGE in _COOKIE_FIRST
                and _COOKIE not in self.__dict__["_request"].COOKIES)

    def __bool__(self) -> bool:
        return False if self._none_stored() else bool(self._proxy())

    def __len__(self) -> int:
        return 0 if self._none_stored() else len(self._proxy())

    def __iter__(self) -> Iterator[Any]:
        return iter(()) if self._none_stored() else iter(self._proxy())

    def _proxy(self) -> Any:
        if self._wrapped is empty:  # type: ignore[attr-defined]
            self._setup()  # type: ignore[attr-defined]
        return self._wrapped  # type: ignore[attr-defined]


# The storages that keep every message in their cookie unless the cookie says otherwise.
_COOKIE_FIRST = ("django.contrib.messages.storage.fallback.FallbackStorage",
                 "django.contrib.messages.storage.cookie.CookieStorage")
_COOKIE = CookieStorage.cookie_name


class LazyMessageMiddleware(MessageMiddleware):
    """Django's MessageMiddleware with the storage made on first use (issue #16).

    Django makes the message storage (a cookie and a session backend) for every request and
    asks it to save at the end. Most requests never touch a message: every API call, the
    health checks, a page without a form. Here ``request._messages`` is a lazy object: a view
    that adds a message or a template that lists them makes the storage as before, and only
    then is it saved with the response. An untouched storage would have saved nothing either
    (Django's storage writes only messages that were added, or the remainder of ones read).
    A page that only asks whether there are any, on a request without the messages cookie,
    does not make it either (``_Messages``).
    """

    def __call__(self, request: HttpRequest) -> HttpResponse:
        lazy = _Messages(lambda: default_storage(request))
        lazy.__dict__["_request"] = request
        request._messages = lazy  # type: ignore[attr-defined]
        response = cast(HttpResponse, self.get_response(request))  # a synchronous chain
        used = getattr(request, "_messages", None)
        if isinstance(used, SimpleLazyObject) and used._wrapped is empty:  # type: ignore[attr-defined]
            return response
        return self.process_response(request, response)
