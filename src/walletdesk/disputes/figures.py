"""Refund-request figures for the desk reports (read-only, aggregated in SQL).

Per merchant, for the requests made in the report's range: how many, how many the merchant
answered (granted, partly granted or declined), the average and longest time to answer
(wall-clock seconds from the request to the answer: the deadline is in business days, the
answer time is what the customer waited), how many went to customer support and their share.
The report's channel, region and topic filters are about conversations and do not apply.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Max, Q

from .models import RefundRequest


def per_merchant(start: Any, end: Any) -> list[dict[str, Any]]:
    qs = RefundRequest.objects.filter(created_at__gte=start, created_at__lt=end).order_by()
    wait = ExpressionWrapper(F("answered_at") - F("created_at"), output_field=DurationField())
    rows = (qs.values("merchant__slug", "merchant__name", "merchant__name_en")
            .annotate(requests=Count("pk"),
                      answered=Count("pk", filter=Q(answered_at__isnull=False)),
                      escalated=Count("pk", filter=Q(escalated_at__isnull=False)),
                      avg_answer=Avg(wait, filter=Q(answered_at__isnull=False)),
                      max_answer=Max(wait, filter=Q(answered_at__isnull=False)))
            .order_by("-requests", "merchant__slug"))
    out = []
    for r in rows:
        out.append({
            "merchant": r["merchant__slug"], "name": r["merchant__name"],
            "name_en": r["merchant__name_en"] or r["merchant__name"],
            "requests": r["requests"], "answered": r["answered"], "escalated": r["escalated"],
            "escalated_share": round(r["escalated"] / r["requests"], 4) if r["requests"] else None,
            "average_answer_seconds": _seconds(r["avg_answer"]),
            "max_answer_seconds": _seconds(r["max_answer"])})
    return out


def _seconds(value: Any) -> float | None:
    if value is None:
        return None
    if hasattr(value, "total_seconds"):
        return round(float(value.total_seconds()), 1)
    return round(float(value) / 1_000_000, 1)  # SQLite returns microseconds
