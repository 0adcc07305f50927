"""Transactions and balances as JSON-ready dicts (the API's shapes, also used by casework)."""

from __future__ import annotations

from typing import Any

from walletdesk.accounts.models import User

from . import reference as refs
from .fees import FeeQuote
from .models import Transaction, TransactionEvent
from .queries import direction_for


def transaction_dict(txn: Transaction, viewer: User | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": txn.public_id,
        "reference": txn.reference,
        "type": txn.type,
        "status": txn.status,
        "amount": txn.amount,
        "fee": txn.fee,
        "fee_before_promotion": txn.fee_before_promotion,
        "promotion": txn.promotion.name_en if txn.promotion_id and txn.promotion else None,
        "currency": txn.currency,
        "method": txn.method,
        "created_at": txn.created_at.isoformat(),
        "updated_at": txn.updated_at.isoformat(),
        "completed_at": txn.completed_at.isoformat() if txn.completed_at else None,
        "expires_at": txn.expires_at.isoformat() if txn.expires_at else None,
        "refunded_amount": txn.refunded_amount,
        "merchant": txn.merchant.slug if txn.merchant_id and txn.merchant else None,
        "parent_id": txn.parent.public_id if txn.parent_id and txn.parent else None,
        "note": txn.note,
    }
    if viewer is not None and viewer.role == User.Role.CUSTOMER:
        data["direction"] = "in" if direction_for(txn, viewer) > 0 else "out"
        other = txn.customer if txn.counterparty_id == viewer.pk else txn.counterparty
        data["counterparty"] = str(other) if txn.type == Transaction.Type.TRANSFER and other else None
    return data


_TRANSFER, _IN_TYPES = Transaction.Type.TRANSFER, (Transaction.Type.TOPUP, Transaction.Type.REFUND)


def transaction_row_dict(row: tuple[Any, ...], viewer_id: int) -> dict[str, Any]:
    """``transaction_dict(txn, viewer)`` for a customer ``viewer``, from a row of
    ``queries.API_FIELDS`` (the history API's page: no model instances)."""
    (public_id, type_, status, amount, fee, fee_before_promotion, promotion, currency, method,
     created_at, updated_at, completed_at, expires_at, refunded_amount, merchant, parent, note,
     customer_id, counterparty_id, *people) = row
    incoming = type_ in _IN_TYPES or (type_ == _TRANSFER and counterparty_id == viewer_id)
    if counterparty_id == viewer_id:
        other_id, (name, email, phone) = customer_id, people[0:3]
    else:
        other_id, (name, email, phone) = counterparty_id, people[3:6]
    return {
        "id": public_id, "reference": refs.of(public_id), "type": type_, "status": status,
        "amount": amount, "fee": fee,
        "fee_before_promotion": fee_before_promotion, "promotion": promotion,
        "currency": currency, "method": method, "created_at": created_at.isoformat(),
        "updated_at": updated_at.isoformat(),
        "completed_at": completed_at.isoformat() if completed_at else None,
        "expires_at": expires_at.isoformat() if expires_at else None,
        "refunded_amount": refunded_amount, "merchant": merchant, "parent_id": parent,
        "note": note, "direction": "in" if incoming else "out",
        # str(User): the display name, else the e-mail, else the phone number
        "counterparty": (name or email or phone or f"user {other_id}")
        if type_ == _TRANSFER and other_id is not None else None,
    }


def event_dict(event: TransactionEvent) -> dict[str, Any]:
    return {"from_status": event.from_status or None, "to_status": event.to_status,
            "reason": event.reason, "detail": event.detail, "at": event.at.isoformat()}


def quote_dict(q: FeeQuote) -> dict[str, Any]:
    return {"operation": q.operation, "method": q.method, "currency": q.currency,
            "amount": q.amount, "fee": q.fee, "fee_before_promotion": q.fee_before_promotion,
            "discount": q.discount, "total": q.amount + q.fee,
            "policy_version": q.policy.version if q.policy else None,
            "promotion": ({"name_zh": q.promotion.name_zh, "name_en": q.promotion.name_en,
                           "ends_at": q.promotion.ends_at.isoformat()} if q.promotion else None)}


def desk_dict(txn: Transaction, customer: User) -> dict[str, Any]:
    """A customer's transaction as the desk shows it: codes the page turns into words, the
    other side by name (a merchant's own and English names, picked by the page's language; the
    other person of a transfer; the card of a top-up or withdrawal), money in or out of this
    customer's wallet, and the reference the customer reads out beside the internal id."""
    name = name_en = ""
    if txn.merchant_id and txn.merchant:
        name, name_en = txn.merchant.name, txn.merchant.name_en
    elif txn.type == Transaction.Type.TRANSFER:
        other = txn.customer if txn.counterparty_id == customer.pk else txn.counterparty
        name = str(other) if other else ""
    elif txn.payment_method_id and txn.payment_method:
        name = str(txn.payment_method)
    return {"id": txn.public_id, "reference": txn.reference, "type": txn.type,
            "status": txn.status, "amount": txn.amount, "fee": txn.fee, "currency": txn.currency,
            "created_at": txn.created_at.isoformat(),
            "direction": "in" if direction_for(txn, customer) > 0 else "out",
            "counterparty": name, "counterparty_en": name_en or name}
