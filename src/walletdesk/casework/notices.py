"""Emails and SMS that casework sends to the customer, in their language, with their
anti-phishing phrase, through the notify app's sealed after-commit delivery job."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from walletdesk.core.services import jobs
from walletdesk.notify import inbox as notify_inbox
from walletdesk.notify import services as notify

SUBJECTS = {
    "verification_code": _("Your walletdesk support verification code"),
    "support_unlock": _("Unlock your walletdesk account"),
    "support_action": _("Customer service made a change to your walletdesk account"),
    "refund_requested": _("We asked the merchant for your refund"),
    "refund_granted": _("The merchant refunded your payment"),
}


def send(kind: str, address: str, user: Any, **context: Any) -> None:
    channel = notify.channel_of(address)
    phrase = mark_safe(getattr(user, "anti_phishing_phrase", "") or "")  # noqa: S308
    with translation.override(getattr(user, "language", None) or "zh-hans"):
        # Lazy texts (and ``(text, {name: value})`` pairs) are rendered in the customer's language.
        context = {k: mark_safe(_plain(v)) if isinstance(v, (str, tuple, Promise)) else v  # noqa: S308
                   for k, v in context.items()}
        subject = str(SUBJECTS[kind])
        body = render_to_string(f"casework/messages/{kind}.txt",
                                {**context, "channel": channel}).strip()
        head = render_to_string("notify/messages/_phrase.txt", {"phrase": phrase}).strip()
    text = f"{head}\n\n{body}\n" if channel == "email" else f"{head} {' '.join(body.split())}"
    msg = notify.Rendered(kind, channel, address, subject, text, getattr(user, "pk", None))
    jobs.enqueue("notify.deliver", sealed=notify.seal(msg))


def _plain(value: Any) -> str:
    if isinstance(value, tuple):
        text, values = value
        return str(text) % {k: str(v) for k, v in values.items()}
    return str(value)


def tell_owner(user: Any, kind: str, **context: Any) -> None:
    for address in notify.addresses_of(user):
        send(kind, address, user, **context)
    notify_inbox.refund_answer(user, kind, SUBJECTS[kind], context)
