"""The report's figures as JSON (/api/v1/support/reports): what ``figures.report`` builds.
Durations are seconds (business seconds unless named ``wall``), rounded to a tenth."""

from __future__ import annotations

from ninja import Field, Schema

Seconds = int | float | None  # an int stays an int in the JSON, as it always did


class FiltersOut(Schema):
    from_: str = Field(alias="from")
    to: str
    channel: str | None = None
    region: str | None = None
    topic: str | None = None
    time_zone: str
    start: str
    end: str


class CountOut(Schema):
    key: str | None
    count: int


class VolumesOut(Schema):
    total: int
    by_channel: list[CountOut]
    by_region: list[CountOut]
    by_topic: list[CountOut]
    by_day: list[CountOut]


class FirstResponseOut(Schema):
    count: int
    average_seconds: Seconds
    median_seconds: Seconds
    p90_seconds: Seconds
    max_seconds: Seconds
    unanswered: int
    average_wall_seconds: Seconds


class ResolutionOut(Schema):
    count: int
    average_seconds: Seconds
    median_seconds: Seconds
    p90_seconds: Seconds
    max_seconds: Seconds
    unresolved: int
    average_wall_seconds: Seconds


class QueueWaitOut(Schema):
    count: int
    average_seconds: Seconds
    median_seconds: Seconds
    p90_seconds: Seconds
    max_seconds: Seconds
    never_assigned: int


class RatingCountOut(Schema):
    rating: int
    count: int


class SatisfactionOut(Schema):
    ended: int
    rated: int
    response_rate: float | None
    average: float | None
    distribution: list[RatingCountOut]


class TargetOut(Schema):
    warned: int
    breached: int
    breach_rate: float | None


class ServiceLevelsOut(Schema):
    timers: int
    first_response: TargetOut
    resolution: TargetOut


class AgentLoadOut(Schema):
    employee_id: str
    name: str
    conversations: int
    messages: int
    active_seconds: Seconds


class MerchantRefundsOut(Schema):
    merchant: str
    name: str
    name_en: str
    requests: int
    answered: int
    escalated: int
    escalated_share: float | None
    average_answer_seconds: Seconds
    max_answer_seconds: Seconds


class DeskReportOut(Schema):
    filters: FiltersOut
    volumes: VolumesOut
    first_response: FirstResponseOut
    resolution: ResolutionOut
    queue_wait: QueueWaitOut
    satisfaction: SatisfactionOut
    service_levels: ServiceLevelsOut
    agents: list[AgentLoadOut]
    refund_requests: list[MerchantRefundsOut]
