"""Phone API answers (/api/v1/phone): slots, callbacks and calls."""

from __future__ import annotations

from ninja import Field, Schema


class ChangedOut(Schema):
    changed: bool


class SlotOut(Schema):
    start: str
    left: int = Field(description="places still free in this slot")


class SlotsOut(Schema):
    line_id: int
    time_zone: str
    slots: list[SlotOut]


class _CallbackFields(Schema):
    id: int
    conversation_id: int | None
    reference: str
    status: str
    status_label: str
    slot_start: str
    number: str


class CallbackOut(_CallbackFields):
    """A callback as the customer who booked it sees it."""

    line: str
    session_code: str | None = Field(description="only inside the call's window")
    code_from: str


class CallAgentOut(Schema):
    name: str
    employee_id: str


class CallOut(Schema):
    id: int
    status: str
    status_label: str
    outcome: str | None
    outcome_label: str | None
    notes: str
    duration_seconds: int | None
    agent: CallAgentOut
    started_at: str
    answered_at: str | None
    ended_at: str | None
    logged: bool


class AgentCallbackOut(_CallbackFields):
    """A callback as agents see it: no session code (that comes with starting the call)."""

    attempts: int
    calls: list[CallOut]


class DueOut(Schema):
    conversation_id: int | None
    slot_start: str
    status: str


class StartedOut(Schema):
    call: CallOut
    session_code: str = Field(description="the only place the agent sees it")
