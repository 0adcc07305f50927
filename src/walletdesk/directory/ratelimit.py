"""Fixed-window rate limits kept in Django's cache.

The in-process cache works for one process; with ``WALLETDESK_REDIS_URL``
the cache is Redis and the limit holds across every process. The window is
taken from the project clock so tests can move through it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest

from walletdesk.core import clock

from .errors import RateLimited


@dataclass(frozen=True)
class Limit:
    scope: str
    count: int
    seconds: int


PREFIX = "walletdesk:rl"
VERIFY = Limit("verify", 30, 60)
REPORT = Limit("report", 5, 3600)


def client_key(request: HttpRequest) -> str:
    """Who is asking: the user when logged in, else the client address (hashed).

    Only ``REMOTE_ADDR`` is used: a proxy in front must set it (a header that
    the client controls would let anyone pick a fresh key per request).
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u{user.pk}"
    addr = request.META.get("REMOTE_ADDR", "") or "unknown"
    return "a" + hashlib.sha256(addr.encode()).hexdigest()[:24]


def hit(limit: Limit, who: str) -> None:
    """Count one request; RateLimited (429) once the window's budget is spent."""
    now = clock.now().timestamp()
    window = int(now // limit.seconds)
    key = f"{PREFIX}:{limit.scope}:{who}:{window}"
    cache.add(key, 0, timeout=limit.seconds + 5)
    try:
        used = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.add(key, 1, timeout=limit.seconds + 5)
        used = 1
    if used > limit.count:
        retry = max(1, int((window + 1) * limit.seconds - now))
        raise RateLimited(retry_after=retry)
