"""Account holds: a security hold, a freeze, the cool-down after a reset, a risk hold."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from walletdesk.core import clock

from ..models import AccountHold, FactorGuard, User

# The reasons the system writes on the holds it places, kept in English in the database (the
# record) and said in the reader's language wherever staff see them. A reason typed by a person
# is shown as typed.
SYSTEM_REASONS = {
    "too many wrong passwords": gettext_lazy("too many wrong passwords"),
    "impossible travel": gettext_lazy("logins from two places too far apart in too short a time"),
    "password reset": pgettext_lazy("hold reason", "the password was reset"),
    "two-step reset by support": gettext_lazy("two-step verification was reset by support"),
    "risk rules": gettext_lazy("the risk rules stopped a payment"),
    "payment rejected after review": gettext_lazy("a held payment was rejected after review"),
    "owner: this was not me": gettext_lazy("the owner said a login was not theirs"),
}
_TRIES = "too many wrong tries ("
_SUPPORT = "support "


def reason_label(reason: str) -> str:
    """A hold's reason in the reader's language: the system's own reasons translated, the
    employee ID and words of an agent's freeze kept, anything else as typed."""
    if reason in SYSTEM_REASONS:
        return str(SYSTEM_REASONS[reason])
    if reason.startswith(_TRIES) and reason.endswith(")"):
        factor = reason[len(_TRIES):-1]
        if factor in FactorGuard.Factor.values:
            return _("too many wrong tries of the %(factor)s") % {
                "factor": FactorGuard.Factor(factor).label}
    head, sep, text = reason.partition(": ")
    if sep and head.startswith(_SUPPORT) and " " not in head[len(_SUPPORT):]:
        return _("frozen by support (%(employee_id)s): %(text)s") % {
            "employee_id": head[len(_SUPPORT):], "text": text}
    return reason


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
