"""Account holds: a security hold, a freeze, the cool-down after a reset, a risk hold."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet

from walletdesk.core import clock

from ..models import AccountHold, User


def active(user: User) -> QuerySet[AccountHold]:
    return active_at(user.pk, clock.now())


def active_at(user_id: int, now: datetime) -> QuerySet[AccountHold]:
    """The holds of this user in force at ``now`` (not released, no end or ending later)."""
    return AccountHold.objects.filter(user_id=user_id, released_at__isnull=True).filter(
        Q(until__isnull=True) | Q(until__gt=now))


def blocks_login(user: User) -> bool:
    return active(user).filter(blocks_login=True).exists()


def place(user: User, kind: str, reason: str = "", *, until: datetime | None = None,
          blocks_login: bool = True) -> AccountHold:
    return AccountHold.objects.create(user=user, kind=kind, reason=reason[:200], until=until,
                                      blocks_login=blocks_login)


def release_ids(user: User, hold_ids: list[int], by: User | None) -> int:
    """Release the user's holds with these ids that are not released yet; how many."""
    return AccountHold.objects.filter(pk__in=hold_ids, user=user, released_at__isnull=True).update(
        released_at=clock.now(), released_by=by)


def release(user: User, kinds: list[str], by: User | None) -> int:
    return active(user).filter(kind__in=kinds).update(released_at=clock.now(), released_by=by)
