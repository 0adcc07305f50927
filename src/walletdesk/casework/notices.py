"""Emails and SMS that casework sends to the customer, through the notify app's one renderer
(``notify.messages``: their language, time zone and anti-phishing phrase) and its sealed
after-commit delivery job. The messages are ``casework/templates/casework/messages/<kind>.txt``."""

from __future__ import annotations

from typing import Any

from walletdesk.notify import messages
from walletdesk.notify import services as notify
from walletdesk.notify.services import inbox as notify_inbox

KINDS = frozenset({"verification_code", "support_unlock", "support_action", "refund_requested",
                   "refund_granted"})


def _render(kind: str, user: Any, context: dict[str, Any]) -> messages.Message:
    if kind not in KINDS:
        raise KeyError(kind)
    return messages.render(f"casework/{kind}", messages.Recipient.of(user), context)


def send(kind: str, address: str, user: Any, **context: Any) -> None:
    notify.queue(_render(kind, user, context), address, kind=kind, user_id=getattr(user, "pk", None))


def tell_owner(user: Any, kind: str, **context: Any) -> None:
    message = _render(kind, user, context)
    for address in notify.addresses_of(user):
        notify.queue(message, address, kind=kind, user_id=getattr(user, "pk", None))
    notify_inbox.refund_answer(user, kind, message, context)
