"""Messages that support sends by email or SMS, through the notify app's one renderer
(``notify.messages``) and its sealed after-commit delivery job. The messages are
``support/templates/support/messages/<kind>.txt``."""

from __future__ import annotations

from typing import Any

from walletdesk.notify import messages
from walletdesk.notify import services as notify

KINDS = frozenset({"support_code", "support_transcript"})


def send(kind: str, address: str, user: Any, **context: Any) -> None:
    if kind not in KINDS:
        raise KeyError(kind)
    message = messages.render(f"support/{kind}", messages.Recipient.of(user), context)
    notify.queue(message, address, kind=kind, user_id=getattr(user, "pk", None))
