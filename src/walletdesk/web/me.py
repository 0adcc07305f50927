"""The "Me" tab: one page that leads a customer to everything about their own account.

A wallet's profile tab (Alipay's 我的, Revolut's profile) is where people look for their cards,
their requests and their settings; before it, the tab opened the security check-up and the
customer's refund requests, callbacks and conversations had no way in from a phone. Each row
says in a few words where that thing stands (how many cards, what is still open), read with
one count per row; nothing here changes anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import ngettext, pgettext

from walletdesk.accounts.models import User
from walletdesk.accounts.services import security
from walletdesk.disputes.models import RefundRequest
from walletdesk.notify.services import inbox
from walletdesk.phone.models import Callback
from walletdesk.support.masking import mask_contact
from walletdesk.support.models import Conversation
from walletdesk.wallet.models import PaymentMethod

OPEN_CONVERSATIONS = (Conversation.Status.QUEUED, Conversation.Status.ACTIVE,
                      Conversation.Status.WAITING)
OPEN_REQUESTS = (RefundRequest.Status.OPEN, RefundRequest.Status.ESCALATED)
BOOKED_CALLBACKS = (Callback.Status.SCHEDULED, Callback.Status.CALLING)


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    url: str
    detail: str = ""
    attention: bool = False  # the detail asks the customer to act


@dataclass(frozen=True)
class Section:
    title: str
    rows: list[Row]


def login_shown(user: User) -> str:
    return mask_contact(user.email or user.phone or "")


def sections(user: User) -> list[Section]:
    check = security.checkup(user)
    if check.holds:
        safety, warn = pgettext("me", "Your account has a limit on it"), True  # the check-up names it
    elif check.must_change or check.reminder_due:
        safety, warn = pgettext("me", "Time to change your password"), True
    elif not check.mfa:
        safety, warn = pgettext("me", "Two-step verification is off"), True
    elif not check.phrase_set:
        safety, warn = pgettext("me", "No anti-phishing phrase yet"), True
    else:
        safety, warn = pgettext("me", "All set"), False

    cards = PaymentMethod.objects.filter(owner=user, removed_at__isnull=True).count()
    chats = Conversation.objects.filter(customer=user, status__in=OPEN_CONVERSATIONS).count()
    calls = Callback.objects.filter(customer=user, status__in=BOOKED_CALLBACKS).count()
    asks = RefundRequest.objects.filter(customer=user, status__in=OPEN_REQUESTS).count()
    unread = inbox.unread_count(user)

    # Titles and labels carry a context: the same English words are translated elsewhere,
    # and Django merges the apps' catalogues into one.
    return [
        Section(pgettext("me", "Security"), [
            Row("checkup", pgettext("me", "Security check-up"), reverse("accounts:checkup"),
                safety, warn),
            Row("devices", pgettext("me", "Devices and sign-ins"), reverse("accounts:devices")),
            Row("activity", pgettext("me", "Security activity"), reverse("risk:activity")),
        ]),
        Section(pgettext("me", "Wallet"), [
            Row("cards", pgettext("me", "Cards"), reverse("wallet:cards"),
                ngettext("%(n)d card", "%(n)d cards", cards) % {"n": cards} if cards
                else pgettext("me", "None linked yet")),
            Row("statement", pgettext("me", "Monthly statement"), reverse("wallet:statement")),
            Row("fees", pgettext("me", "Fees"), reverse("wallet:fees")),
        ]),
        Section(pgettext("me", "Help and requests"), [
            Row("conversations", pgettext("me", "My conversations"), reverse("support:home"),
                ngettext("%(n)d open", "%(n)d open", chats) % {"n": chats} if chats else ""),
            Row("callbacks", pgettext("me", "My callbacks"), reverse("phone:callbacks"),
                ngettext("%(n)d booked", "%(n)d booked", calls) % {"n": calls} if calls else ""),
            Row("refunds", pgettext("me", "My refund requests"), reverse("disputes:list"),
                ngettext("%(n)d in progress", "%(n)d in progress", asks) % {"n": asks} if asks
                else ""),
            Row("notifications", pgettext("me", "Notifications"), reverse("notify:centre"),
                ngettext("%(n)d unread", "%(n)d unread", unread) % {"n": unread} if unread else ""),
        ]),
    ]
