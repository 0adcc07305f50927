"""The in-app notification centre: the one writer of ``Notification`` rows.

Other apps call ``add`` (or one of the small helpers below) inside their own transaction:
the row commits or rolls back with the event, and the Web Push job is queued after commit.
Texts are rendered in the user's language, times in the user's time zone (messages that also
go by email or SMS come rendered by ``messages.render``).
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import Func, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from walletdesk.core import clock, hant, reads
from walletdesk.core.errors import NotFound
from walletdesk.core.services import jobs

from ..messages import Message
from ..models import Kind, Notification, PushOptIn, PushSubscription

# notify.services kinds that are security alerts (codes are not: they are for one channel).
SECURITY_KINDS = frozenset({
    "password_changed", "account_locked", "account_on_hold", "account_unlocked", "new_device",
    "mfa_changed", "signed_out_everywhere", "account_frozen", "risk_hold", "review_approved",
    "review_rejected", "device_signed_out", "card_removed"})
# After these, every session is gone: the devices' push subscriptions go too (a stolen phone
# must not keep receiving notices), before the alert itself is sent.
SIGN_OUT_KINDS = frozenset({"signed_out_everywhere", "password_changed", "account_frozen"})
# casework kinds that answer a refund request.
REFUND_KINDS = frozenset({"refund_requested", "refund_granted"})


def plain(value: Any) -> Any:
    """Lazy texts and ``(text, {name: value})`` pairs as plain text in the active language."""
    if isinstance(value, tuple):
        text, values = value
        return mark_safe(str(text) % {k: str(v) for k, v in values.items()})  # noqa: S308
    if isinstance(value, (str, Promise)):
        return mark_safe(str(value))  # noqa: S308  (plain text, never HTML)
    return value


def add(user: Any, kind: str, title: Any, body: Any = "", *, link: str = "",
        source: str, action: Any = "", action_link: str = "") -> Notification | None:
    """One notification for one user, once per ``source``; texts rendered in their language.
    ``action`` and ``action_link``: a second step it offers as a button (a path of this site)."""
    if user is None or not getattr(user, "pk", None):
        return None
    if Notification.objects.filter(user=user, source=source[:120]).exists():
        # Told already: the periodic sweeps ask again for what is still unread, and an INSERT
        # the unique key refuses would be an ERROR line in the database's log each time.
        return None
    with translation.override(user.language or "zh-hans"):
        title_text, body_text = str(plain(title))[:200], str(plain(body))
        action_text = str(plain(action))[:60]
    action_link = site_path(action_link)
    if not action_link:
        action_text = ""
    try:
        with transaction.atomic():
            note = Notification.objects.create(user=user, kind=Kind(kind), title=title_text,
                                               body=body_text, link=link[:300],
                                               action_label=action_text, action_link=action_link,
                                               source=source[:120])
    except IntegrityError:
        return None  # told by another process in between
    finally:
        _written(user)
    if (PushSubscription.objects.filter(user=user).exists()
            and PushOptIn.objects.filter(user=user, kind=kind).exists()):
        jobs.enqueue("notify.push", notification_id=note.pk)
    return note


def site_path(url: str) -> str:
    """A link as a path of this site ("/account/freeze/…/"): the site's address in a message's
    link is dropped, so the button works on whichever host serves the app; "" when it is not
    a link to a page or is too long to keep whole."""
    parts = urlsplit((url or "").strip())
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if not path.startswith("/") or path.startswith("//") or len(path) > 500:
        return ""
    return path


def from_message(user: Any, kind: str, message: Message, *, link: str = "",
                 source: str) -> Notification | None:
    """A notification whose title and body are a rendered message's (its email subject and its
    app text, without the phrase header: the app itself is the proof); a message's action
    becomes the notification's button, never a URL in its text."""
    return add(user, kind, message.subject, message.body_for("app"), link=link, source=source,
               action=message.action, action_link=message.action_url)


def security_alert(user: Any, kind: str, message: Message) -> None:
    if kind in SIGN_OUT_KINDS and getattr(user, "pk", None):
        PushSubscription.objects.filter(user=user).delete()
    if kind in SECURITY_KINDS:
        from_message(user, Kind.SECURITY, message, link=reverse("risk:activity"),
                      source=f"security:{kind}:{_stamp()}")


def refund_answer(user: Any, kind: str, message: Message, context: dict[str, Any]) -> None:
    if kind in REFUND_KINDS:
        from_message(user, Kind.REFUND, message, link=reverse("support:home"),
                     source=f"refund:{kind}:{context.get('payment', '')}:{_stamp()}")


def payment_result(txn: Any) -> None:
    """A card top-up, card payment or withdrawal ended at the network (called by the wallet)."""
    from walletdesk.core.money import format_minor

    if txn.status not in ("completed", "failed", "reversed") or txn.customer is None:
        return
    link = reverse("wallet:detail", args=[txn.public_id])
    amount = format_minor(txn.amount, txn.currency)
    body = PAYMENT_TEXTS[txn.status]
    titles = PAYMENT_TITLES.get(txn.type, PAYMENT_TITLES["payment"])
    add(txn.customer, Kind.PAYMENT, titles[txn.status],
        (body, {"amount": amount, "what": type(txn).Type(txn.type).label}),
        link=link,
        source=f"payment:{txn.public_id}:{txn.status}")


# The title names the kind of transaction and how it ended: a top-up or a withdrawal is not
# a "payment" to the person who made it.
PAYMENT_TITLES = {
    "topup": {"completed": _("Top-up completed"),
              "failed": _("Top-up not completed"),
              "reversed": _("Top-up sent back")},
    "withdrawal": {"completed": _("Withdrawal completed"),
                   "failed": _("Withdrawal not completed"),
                   "reversed": _("Withdrawal sent back")},
    "payment": {"completed": _("Card payment completed"),
                "failed": _("Card payment not completed"),
                "reversed": _("Card payment sent back")},
}
PAYMENT_TEXTS = {
    "completed": _("%(what)s of %(amount)s went through. Open it to see the details."),
    "failed": _("%(what)s of %(amount)s did not go through and no fee was charged. "
                "Open it to see why and what to do next."),
    "reversed": _("The card network confirmed %(amount)s after we had given up waiting, so we "
                  "are sending it back. Open it to follow the return."),
}


def fee_change(title_zh: str, title_en: str, body_zh: str, body_en: str, policy_id: int) -> None:
    """A fee change was announced: tell every customer after commit, in a job."""
    jobs.enqueue("notify.fee_change", unique_key=f"notify.fee_change:{policy_id}",
                 policy_id=policy_id, title_zh=title_zh, title_en=title_en,
                 body_zh=body_zh, body_en=body_en)


@jobs.task("notify.fee_change")
def fee_change_job(policy_id: int, title_zh: str, title_en: str, body_zh: str,
                   body_en: str) -> None:
    user_model = apps.get_model("accounts", "User")  # accounts imports notify: no import back
    link = reverse("wallet:fees")
    customers = user_model.objects.filter(role="customer", is_active=True).order_by("pk")
    for user in customers.iterator(chunk_size=500):
        lang = user.language or "zh-hans"
        add(user, Kind.FEE_CHANGE, hant.for_reader(title_zh, title_en, lang),
            hant.for_reader(body_zh, body_en, lang), link=link, source=f"fee:{policy_id}")


def _stamp() -> str:
    return clock.now().strftime("%Y%m%dT%H%M%S.%f")


# --- reading and marking -------------------------------------------------------------

def list_for(user: Any, *, limit: int = 50, before: int | None = None) -> QuerySet[Notification]:
    """Up to ``limit`` of the user's notifications, newest first (time, then id), starting just
    after ``before`` (one of theirs, by id) in that same order, so that paging never skips or
    repeats one, even when notices are not written in id order. Another person's id, or an
    unknown one, gives none."""
    qs = Notification.objects.filter(user=user)
    if before is not None:
        edge = Subquery(Notification.objects.filter(user=user, pk=before).values("created_at")[:1])
        qs = qs.filter(Q(created_at__lt=edge) | Q(created_at=edge, pk__lt=before))
    return qs.order_by("-created_at", "-pk")[:limit]


# The bell's count on every signed-in page: one fixed statement on the (user, read_at) index
# (the ORM built and compiled the same COUNT on every page, about 0.3 ms of CPU; issue #16).
UNREAD_SQL = "SELECT COUNT(*) FROM notify_notification WHERE user_id = %s AND read_at IS NULL"


def unread_read(user: Any) -> reads.Read[int]:
    """The user's notifications not yet read (read every time: never cached)."""
    return reads.Read(UNREAD_SQL, [user.pk], lambda rows: int(rows[0][0]) if rows else 0)


def unread_count(user: Any) -> int:
    return reads.one(unread_read(user))


# The bell's count read with the session (accounts.sessions, issue #16): a signed-in page's
# first statement also counts the user's unread notifications, so the bell costs no round trip
# of its own. That count holds only while this process has written none of the user's
# notifications since it was read: every write here moves the user's slot in ``_writes`` (a
# fixed table: users sharing a slot only make each other read again), and ``known_unread`` then
# answers None, so the bell reads the count itself. Other processes' writes need nothing: the
# count is what was stored when the request began, as if the bell had been read a little
# earlier.
_WRITE_SLOTS = 4096
_writes = [0] * _WRITE_SLOTS
_writes_lock = threading.Lock()


def writes_seen(user_id: int) -> int:
    return _writes[user_id % _WRITE_SLOTS]


def _written(user: Any) -> None:
    slot = int(user.pk) % _WRITE_SLOTS
    with _writes_lock:
        _writes[slot] += 1


def unread_subquery(user_column: str) -> Subquery:
    """The unread count of the user in ``user_column`` of the outer query, as UNREAD_SQL: a
    plain ``COUNT(*)`` (no GROUP BY, so always one row), which the ``(user, read_at)`` index
    answers alone."""
    unread = Notification.objects.filter(user_id=OuterRef(user_column), read_at__isnull=True)
    count = Func(template="COUNT(*)", output_field=IntegerField())
    return Subquery(unread.order_by().annotate(n=count).values("n"))


def remember_unread(user: Any, count: int, writes: int) -> None:
    """Keep on the request's user the count read with its session, ``writes`` being
    ``writes_seen(user.pk)`` taken as that count was read."""
    user.unread_snapshot = (writes, int(count))


def known_unread(user: Any) -> int | None:
    """The count read with the session, when none of the user's notifications was written
    since in this process; else None."""
    snapshot = getattr(user, "unread_snapshot", None)
    if snapshot is None or snapshot[0] != writes_seen(int(user.pk)):
        return None
    return int(snapshot[1])


def mark_read(user: Any, notification_id: int) -> Notification:
    """Mark one of the user's notifications read (idempotent); others' are not found."""
    note = Notification.objects.filter(user=user, pk=notification_id).first()
    if note is None:
        raise NotFound(_("There is no such notification."), code="notification_not_found")
    if note.read_at is None:
        now: datetime = clock.now()
        Notification.objects.filter(pk=note.pk, read_at__isnull=True).update(read_at=now)
        _written(user)
        note.refresh_from_db()
    return note


def mark_all_read(user: Any) -> int:
    marked = Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=clock.now())
    _written(user)
    return marked
