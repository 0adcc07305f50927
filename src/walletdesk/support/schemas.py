"""Support API answers (/api/v1/support): the JSON ``queries.conversation_dict`` and
``events.message_frame`` build, named for the OpenAPI document. Keys marked "only when" are
absent otherwise; operations answer with ``exclude_unset`` so nothing is added."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema


class AgentRefOut(Schema):
    name: str
    employee_id: str
    verify_url: str = Field(description="where anyone can check this employee ID")


class ConversationOut(Schema):
    id: int
    reference: str
    channel: str
    topic: str
    topic_label: str
    skill: str
    language: str
    priority: int
    status: str
    skill_label: str
    priority_label: str
    language_label: str
    status_label: str
    queue_position: int | None
    estimated_wait_seconds: int | None
    after_hours: bool
    callback_requested: bool
    agent: AgentRefOut | None
    last_seq: int
    customer_read_seq: int
    agent_read_seq: int
    rating: int | None
    created_at: str
    assigned_at: str | None
    resolved_at: str | None
    subject: str
    # only for staff
    context: dict[str, Any] | None = Field(None, description="staff only: what the desk knows")
    customer: str | None = Field(None, description="staff only: the customer's name")
    guest: bool | None = Field(None, description="staff only: not signed in")
    offered_to: int | None = Field(None, description="staff only: the agent it is offered to")


class OpenedOut(Schema):
    id: int
    reference: str
    status: str
    queue_position: int | None
    estimated_wait_seconds: int | None
    open_now: bool
    next_open_at: str | None
    callback_offered: bool
    guest_token: str | None = Field(None, description="guests only: send as X-Guest-Token")


class SenderOut(Schema):
    role: str
    name: str
    employee_id: str | None = Field(None, description="agents only")
    verify_url: str | None = Field(None, description="agents only")


class _MessageFields(Schema):
    """What every message frame carries (the socket's frames have the same keys)."""

    type: str = Field(description='always "message"')
    conversation_id: int
    seq: int
    kind: str
    text: str
    client_id: str | None
    sender: SenderOut
    sent_at: str
    private: bool


class MessageOut(_MessageFields):
    masked: list[str] | None = Field(None, description="only when something was masked")
    event: str | None = Field(None, description="event messages only")
    attachment_url: str | None = Field(None, description="images only")


class PostedOut(_MessageFields):
    """The message just posted, with what the server did to it."""

    event: str | None = Field(None, description="event messages only")
    attachment_url: str | None = Field(None, description="images only")
    duplicate: bool = Field(description="the same client_id was posted before")
    masked: list[str] = Field(description="kinds of data masked in the text")


class SentOut(Schema):
    sent: bool


class AgentStatusOut(Schema):
    employee_id: str
    status: str


class LiveCustomerOut(Schema):
    """The customer's part of a conversation's context, read now."""

    context: dict[str, Any] | None = Field(description="customer, account, recent_transactions, "
                                           "pending_transactions, picked_transaction; null when "
                                           "the caller may not see them or the customer is a guest")
    as_of: str


class EarlierOut(Schema):
    """One of the customer's other conversations, as the console lists them."""

    id: int
    reference: str
    channel: str
    topic_label: str
    status: str
    status_label: str
    created_at: str
    resolved_at: str | None
    agent: AgentRefOut | None
    rating: int | None
    subject: str = Field(description="the start of the customer's opening message (masked as stored)")
