"""The CASEWORK settings (``WALLETDESK_VERIFICATION_*``, ``WALLETDESK_FEE_REFUND_APPROVAL_ABOVE``)
in one typed place. Read afresh on each call, so that a changed setting applies at once."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Config:
    verification_request_minutes: int
    verification_valid_minutes: int
    fee_refund_approval_above: int  # minor units; above it a second person approves


def get() -> Config:
    raw = settings.CASEWORK
    return Config(
        verification_request_minutes=int(raw["VERIFICATION_REQUEST_MINUTES"]),
        verification_valid_minutes=int(raw["VERIFICATION_VALID_MINUTES"]),
        fee_refund_approval_above=int(raw["FEE_REFUND_APPROVAL_ABOVE"]),
    )
