"""Read-only views of refund requests for the customer, the merchant and the desk."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from walletdesk.accounts.models import User
from walletdesk.wallet.models import Merchant

from .models import RefundRequest
from .services import event_dict


def of_customer(user: User) -> QuerySet[RefundRequest]:
    return RefundRequest.objects.filter(customer=user).select_related(
        "payment", "merchant", "conversation")


def of_merchant(merchant: Merchant) -> QuerySet[RefundRequest]:
    return RefundRequest.objects.filter(merchant=merchant).select_related(
        "payment", "merchant", "conversation")


def open_for_payment(payment_id: int) -> RefundRequest | None:
    return (RefundRequest.objects.filter(payment_id=payment_id, status__in=RefundRequest.ACTIVE)
            .select_related("merchant", "conversation").first())


def request_dict(req: RefundRequest, *, events: bool = False,
                 for_merchant: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": req.public_id, "status": req.status, "payment_id": req.payment.public_id,
        "merchant": req.merchant.slug, "amount": req.amount, "currency": req.currency,
        "reason": req.reason, "text": req.text, "respond_by": req.respond_by.isoformat(),
        "granted_amount": req.granted_amount, "decline_reason": req.decline_reason,
        "refund_id": req.refund.public_id if req.refund_id and req.refund else None,
        "images": req.images.count(),
        "created_at": req.created_at.isoformat(),
        "answered_at": req.answered_at.isoformat() if req.answered_at else None,
        "escalated_at": req.escalated_at.isoformat() if req.escalated_at else None,
        "closed_at": req.closed_at.isoformat() if req.closed_at else None,
    }
    if for_merchant:
        out["source"] = "customer"
    else:
        out["conversation_id"] = req.conversation_id
        out["reference"] = req.conversation.reference if req.conversation else None
    if events:
        out["events"] = [event_dict(e) for e in req.events.all()]
    return out
