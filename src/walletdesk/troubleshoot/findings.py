"""Typed findings: what a troubleshooter saw, as stable codes with parameters.

A diagnosis never holds text: the pages, the API and the message sent to the
contact on file render the codes in the reader's language (``texts.py``).
Parameters are plain values; datetimes are aware (UTC) and become ISO 8601 in
JSON; money is integer minor units beside a ``currency`` parameter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

PROBLEMS = ("lock", "payment", "refund", "fee")
# The support topic a "talk to a person" from each troubleshooter opens.
TOPICS = {"lock": "account_locked", "payment": "payments", "refund": "refunds", "fee": "payments"}


@dataclass(frozen=True)
class Finding:
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "params": {k: _json(v) for k, v in self.params.items()}}


@dataclass(frozen=True)
class Diagnosis:
    problem: str
    findings: tuple[Finding, ...]
    next_step: Finding
    checked_at: datetime
    alternatives: tuple[Finding, ...] = ()
    transaction_id: str = ""

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self.findings]

    def as_json(self) -> dict[str, Any]:
        return {"problem": self.problem, "transaction_id": self.transaction_id or None,
                "checked_at": self.checked_at.isoformat(),
                "findings": [f.as_json() for f in self.findings],
                "next_step": self.next_step.as_json(),
                "alternatives": [f.as_json() for f in self.alternatives]}


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def minutes_until(at: datetime, now: datetime) -> int:
    """Whole minutes left, rounded up (a lock that ends in 10 s is "1 minute")."""
    seconds = (at - now).total_seconds()
    return max(1, int(-(-seconds // 60))) if seconds > 0 else 0
