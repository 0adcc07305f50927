"""Each step of a refund request told to both sides, in each one's language and time zone.

The customer hears by email/SMS (the notify app's one renderer and sealed after-commit
delivery, with their anti-phishing phrase) and in the in-app notification centre (kind
"refund", Web Push for those who opted in). The merchant's user, when the merchant has one,
hears the same way; merchants integrated by API also get the signed webhook
(``services._webhook``). The messages are ``disputes/templates/disputes/messages/<kind>.txt``;
amounts are formatted money, times local with their offset; never minor units or codes.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import translation

from walletdesk.core.money import format_minor
from walletdesk.notify import messages
from walletdesk.notify import services as notify
from walletdesk.notify.models import Kind
from walletdesk.notify.services import inbox

from .models import RefundRequest

# to the customer, then to the merchant's user
KINDS = frozenset({
    "asked", "granted", "partially_granted", "declined", "expired", "escalated",
    "support_refunded", "support_closed",
    "new_request", "merchant_escalated", "merchant_support_refunded", "merchant_support_closed",
    "withdrawn"})


def _values(req: RefundRequest, recipient: messages.Recipient,
            extra: dict[str, Any]) -> dict[str, Any]:
    """What the messages name: merchant, amount, asked, payment, when, reason, reference. The
    merchant is named by the one rule, ``Merchant.__str__`` in the recipient's language; the
    payment by the reference its customer reads out, never the internal id."""
    with translation.override(recipient.language):
        name = str(req.merchant)
    return {"merchant": name, "asked": format_minor(req.amount, req.currency),
            "amount": format_minor(extra.get("amount") or req.granted_amount or req.amount,
                                   req.currency),
            "payment": req.payment.reference_grouped,
            "when": req.respond_by,  # shown in the recipient's zone by the renderer
            "reason": str(extra.get("reason") or ""),
            "reference": req.conversation.reference if req.conversation_id and req.conversation
            else ""}


def tell(user: Any, kind: str, req: RefundRequest, *, link: str = "", **extra: Any) -> None:
    """One notice to ``user`` (customer or the merchant's user), in their language."""
    if user is None or not getattr(user, "pk", None):
        return
    if kind not in KINDS:
        raise KeyError(kind)
    recipient = messages.Recipient.of(user)
    message = messages.render(f"disputes/{kind}", recipient, _values(req, recipient, extra))
    for address in notify.addresses_of(user):
        notify.queue(message, address, kind=f"refund_{kind}", user_id=user.pk)
    inbox.from_message(user, Kind.REFUND, message, link=link,
                       source=f"refund_request:{req.public_id}:{kind}")


def tell_customer(req: RefundRequest, kind: str, **extra: Any) -> None:
    tell(req.customer, kind, req, link=reverse("disputes:detail", args=[req.public_id]), **extra)


def tell_merchant(req: RefundRequest, kind: str, **extra: Any) -> None:
    user = req.merchant.user
    if user is not None:
        tell(user, kind, req, link=reverse("disputes:merchant"), **extra)
