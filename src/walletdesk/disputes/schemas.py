"""Refund request answers (customers under /api/v1/wallet, merchants under /api/v1/merchant)."""

from __future__ import annotations

from ninja import Field, Schema


class RequestEventOut(Schema):
    kind: str
    by: str
    amount: int | None = Field(description="minor units")
    note: str
    at: str


class RefundRequestOut(Schema):
    id: str
    status: str
    payment_id: str
    merchant: str
    amount: int = Field(description="minor units")
    currency: str
    reason: str = Field(description="not_received, not_as_described, charged_twice, cancelled, "
                                    "wrong_amount or other")
    text: str
    respond_by: str
    granted_amount: int | None = Field(description="minor units")
    decline_reason: str
    refund_id: str | None
    images: int
    created_at: str
    answered_at: str | None
    escalated_at: str | None
    closed_at: str | None
    source: str | None = Field(None, description='merchant answers only: "customer"')
    conversation_id: int | None = Field(None, description="customer answers only")
    reference: str | None = Field(None, description="customer answers only")
    events: list[RequestEventOut] | None = Field(None, description="one request's answers only")


class EscalatedOut(Schema):
    conversation_id: int | None
    reference: str
    status: str


class SupportRefundOut(Schema):
    """A refund customer support asked this merchant for (``source`` "support"); grant it with
    ``POST /api/v1/wallet/payments/{payment_id}/refunds``."""

    id: int
    payment_id: str
    amount: int = Field(description="minor units")
    currency: str
    note: str
    status: str
    created_at: str
    refund_id: str | None
    refund_url: str
    source: str = Field(description='"support"')


# A merchant's list: the customers' own requests (``source`` "customer") and support's.
MerchantRequestOut = RefundRequestOut | SupportRefundOut
