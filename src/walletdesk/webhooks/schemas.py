"""Webhooks API answers (/api/v1/support/webhooks)."""

from __future__ import annotations

from ninja import Field, Schema


class EventTypeOut(Schema):
    type: str
    label: str


class EndpointOut(Schema):
    id: int
    url: str
    description: str
    event_types: list[str] = Field(description="empty: every type")
    is_active: bool
    disabled_reason: str | None
    secret: str = Field(description="whole only when created or rotated; masked otherwise")
    created_at: str | None


class TestSentOut(Schema):
    event_id: str
    type: str


class AttemptOut(Schema):
    attempt: int
    started_at: str | None
    duration_ms: int
    status_code: int | None
    response: str
    error: str | None
    next_attempt_at: str | None


class DeliveryOut(Schema):
    id: int
    event_id: str
    event_type: str
    status: str
    attempts: int
    last_status_code: int | None
    next_attempt_at: str | None
    created_at: str | None
    finished_at: str | None
    log: list[AttemptOut]
