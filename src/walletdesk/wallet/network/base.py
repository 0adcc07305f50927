from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class NetworkUnavailable(Exception):
    """The network did not accept the request; the caller retries later."""


@dataclass(frozen=True)
class NetworkStatus:
    reference: str
    kind: str
    state: str  # processing, confirmed, failed, cancelled
    decline_reason: str = ""


class PaymentNetwork(Protocol):
    def submit(self, *, client_ref: str, kind: str, amount: int, currency: str, method: str,
               card_last4: str) -> str:
        """Send a charge or payout; returns the network reference. Idempotent by client_ref."""

    def cancel(self, reference: str) -> None:
        """Ask the network to stop an operation the wallet gave up on (best effort)."""

    def reverse(self, *, client_ref: str, original_reference: str) -> str:
        """Undo an operation that completed after the wallet gave up on it."""

    def status(self, reference: str) -> NetworkStatus | None:
        """The network's current view of an operation (for tracing)."""
