"""Who is acting in this request and when they last proved it (for step-up checks).

Set by the bearer-token auth and by the session middleware; absent outside a request
(jobs, admin actions, direct service calls), where step-up rules do not apply.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from walletdesk.core import clock

from . import conf
from .errors import StepUpRequired

if TYPE_CHECKING:
    from .models import User


@dataclass(frozen=True)
class AuthContext:
    user_id: int
    authenticated_at: datetime | None
    via: str  # "token" or "session"


current: ContextVar[AuthContext | None] = ContextVar("walletdesk_auth", default=None)


def recent(ctx: AuthContext | None) -> bool:
    if ctx is None or ctx.authenticated_at is None:
        return False
    limit = conf.get().step_up_seconds
    return clock.now() - ctx.authenticated_at <= timedelta(seconds=limit)


def require_recent_auth(user: User) -> None:
    """Step-up: this request's caller is ``user`` and proved it recently; else ``step_up_required``."""
    ctx = current.get()
    if ctx is not None and ctx.user_id == user.pk and recent(ctx):
        return
    raise StepUpRequired()
