"""Who is acting in this request and when they last proved it (for step-up checks).

Set by the bearer-token auth and by the session middleware; absent outside a request
(jobs, admin actions, direct service calls), where step-up rules do not apply.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from django.conf import settings

from walletdesk.core import clock


@dataclass(frozen=True)
class AuthContext:
    user_id: int
    authenticated_at: datetime | None
    via: str  # "token" or "session"


current: ContextVar[AuthContext | None] = ContextVar("walletdesk_auth", default=None)


def recent(ctx: AuthContext | None) -> bool:
    if ctx is None or ctx.authenticated_at is None:
        return False
    limit = cast(int, settings.SECURITY["STEP_UP_SECONDS"])
    return clock.now() - ctx.authenticated_at <= timedelta(seconds=limit)
