"""How many chat messages one person may send: a fixed window per user (per conversation for a
guest), shared by every process through Redis when it is configured.

The websocket path counts from the event loop with one pipelined round trip (INCR and
EXPIRE NX) on the same key as the HTTP path, which counts through ``directory.ratelimit``
(Django's cache), so both edges draw from one budget. Staff get a larger budget than
customers (canned replies), but not an unlimited one (a runaway script).
"""

from __future__ import annotations

import asyncio
from typing import Any

from django.conf import settings
from django.core.cache import cache

from walletdesk.core import clock
from walletdesk.directory import ratelimit
from walletdesk.directory.errors import RateLimited

from .errors import ChatRateLimited

CUSTOMER = ratelimit.Limit("chat_message", 30, 30)  # a person typing never gets near it
STAFF = ratelimit.Limit("chat_message_staff", 600, 30)


def limit_for(role: str) -> ratelimit.Limit:
    return STAFF if role in ("agent", "supervisor") else CUSTOMER


def who(user: Any, conversation_id: int) -> str:
    return f"u{user.pk}" if getattr(user, "pk", None) else f"g{conversation_id}"


def _window(limit: ratelimit.Limit) -> tuple[str, int, float]:
    now = clock.now().timestamp()
    return str(int(now // limit.seconds)), limit.seconds + 5, now


def _refuse(limit: ratelimit.Limit, window: str, now: float) -> ChatRateLimited:
    return ChatRateLimited(retry_after=max(1, int((int(window) + 1) * limit.seconds - now)))


def hit(limit: ratelimit.Limit, key: str) -> None:
    """The HTTP edge (sync): one message counted; ChatRateLimited (429) past the budget."""
    try:
        ratelimit.hit(limit, key)
    except RateLimited as exc:
        raise ChatRateLimited(retry_after=exc.details.get("retry_after", 1)) from None


class _Local:
    """The in-process counter (no Redis configured: one process, like Django's local cache)."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def incr(self, key: str, window: str) -> int:
        if len(self.counts) > 50_000:
            self.counts = {k: v for k, v in self.counts.items() if k.endswith(":" + window)}
        self.counts[key] = self.counts.get(key, 0) + 1
        return self.counts[key]


_local = _Local()
_clients: dict[int, tuple[asyncio.AbstractEventLoop, Any]] = {}


def _redis() -> Any:
    loop = asyncio.get_running_loop()
    found = _clients.get(id(loop))
    if found is None or found[0] is not loop:
        from .layer import bounded_client

        found = _clients[id(loop)] = (loop, bounded_client(settings.REDIS_URL))
    return found[1]


async def ahit(limit: ratelimit.Limit, key: str) -> None:
    """The websocket edge (async): the same count as ``hit``, one Redis round trip."""
    window, ttl, now = _window(limit)
    full = cache.make_key(f"{ratelimit.PREFIX}:{limit.scope}:{key}:{window}")
    if settings.REDIS_URL:
        pipe = _redis().pipeline(transaction=False)
        pipe.incr(full)
        pipe.expire(full, ttl, nx=True)
        used = int((await pipe.execute())[0])
    else:
        used = _local.incr(full, window)
    if used > limit.count:
        raise _refuse(limit, window, now)
