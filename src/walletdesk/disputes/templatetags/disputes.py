"""The refund-request box on a payment's page (``{% refund_request_box t %}``)."""

from __future__ import annotations

from typing import Any

from django import template

from walletdesk.wallet.models import Transaction

from ..models import RefundRequest
from ..services import ELIGIBLE

register = template.Library()


def box_for(txn: Transaction) -> dict[str, Any] | None:
    if txn.type != Transaction.Type.PAYMENT or txn.merchant_id is None:
        return None
    requests = list(RefundRequest.objects.filter(payment=txn).order_by("-created_at", "-pk")[:6])
    active = next((r for r in requests if r.status in RefundRequest.ACTIVE), None)
    can_ask = active is None and txn.status in ELIGIBLE and txn.refundable_amount > 0
    if not requests and not can_ask:
        return None
    return {"active": active, "can_ask": can_ask, "payment_id": txn.public_id,
            "merchant": txn.merchant, "refundable": txn.refundable_amount,
            "currency": txn.currency, "past": [r for r in requests if r is not active]}


@register.inclusion_tag("disputes/_box.html")
def refund_request_box(txn: Transaction) -> dict[str, Any]:
    return {"box": box_for(txn)}
