"""Casework API answers: verifications, agent actions and the console's action panel."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema


class VerificationOut(Schema):
    id: int
    status: str = Field(description="pending, confirmed, cancelled or expired")
    method: str = Field(description="in_app, code or totp")
    expires_at: str
    seconds_left: int
    confirmed_at: str | None


class LatestVerificationOut(Schema):
    verification: VerificationOut | None


class ActionOut(Schema):
    id: int
    action: str
    status: str
    reason: str
    params: dict[str, Any] = Field(description="the action's own parameters, as requested")
    conversation_id: int
    requested_by: str = Field(description="employee ID")
    approved_by: str | None = Field(description="employee ID")
    created_at: str
    result: dict[str, Any] | None = Field(None, description="only once done, awaiting the "
                                                            "customer, or rejected")


class ApprovalOut(ActionOut):
    reference: str = Field(description="the conversation's reference")
    requested_by_name: str = Field(description="the requesting agent's name, in the viewer's "
                                               "language")
    customer_name: str = Field(description="the customer's name (else their login)")


class ReasonOut(Schema):
    code: str
    message: str


class ActionChoiceOut(Schema):
    action: str
    permitted: bool
    needs: str
    approval: str = Field(description='"always", "never" or "above:<minor units>"')
    approvers: list[str]
    roles: list[str]
    role_labels: list[str]
    available: bool
    why_not: list[ReasonOut]


class HoldRefOut(Schema):
    id: int
    kind: str
    kind_label: str
    reason: str = Field(description="as stored: the system's English words or what staff typed")
    reason_label: str = Field(description="the reason in the reader's language")
    since: str
    until: str | None


class TransactionRefOut(Schema):
    id: str
    reference: str = Field(description="the 16 digits the customer reads out")
    type: str
    type_label: str
    status: str
    status_label: str
    amount: int = Field(description="minor units")
    fee: int = Field(description="minor units")
    currency: str
    created_at: str
    direction: str = Field(description='"in" or "out" of the customer\'s wallet')
    counterparty: str = Field(description="the other side: merchant, person or card")
    counterparty_en: str = Field(description="the other side's English name, else its name")


class PanelOut(Schema):
    conversation_id: int
    conversation_status: str
    topic: str
    assigned_to_me: bool
    role: str
    employee_id: str
    verification: VerificationOut | None
    verified: bool
    blockers: list[ReasonOut]
    methods: list[str]
    actions: list[ActionChoiceOut]
    history: list[ActionOut]
    holds: list[HoldRefOut]
    transactions: list[TransactionRefOut]
    approvals: list[ApprovalOut]
    currency: str = Field(description="the customer's wallet currency, for amounts and limits")
