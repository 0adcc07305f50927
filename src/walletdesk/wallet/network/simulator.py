"""Development provider of the payment network.

It behaves like a real card network seen from the wallet: a request may be
refused outright (``NetworkUnavailable``, the caller retries), and an accepted
one confirms, is declined, or confirms *late* — after the wallet's pending
timeout. Rates and delays come from ``settings.WALLET`` (``wallet.conf``); test cards force an
outcome whatever the rates (documented in docs/payment-network.md):

* last four digits ``0002``: declined (``do_not_honor``)
* ``0069``: declined (``card_expired``)
* ``0077``: confirms late
* ``0119``: confirms quickly, always

Outcomes are delivered by a job at the decision time, which calls the wallet
back exactly as a network notification would. Its rows (``NetworkOperation``) are the
outside network's own memory, written here and never by the wallet's services
(``core/tests/test_writers.py`` lists it with that reason).
"""

from __future__ import annotations

import random
import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction

from walletdesk.core import clock
from walletdesk.core.services import jobs

from .. import conf
from ..models import NetworkOperation
from .base import NetworkStatus, NetworkUnavailable

FORCED = {"0002": ("fail", "do_not_honor"), "0069": ("fail", "card_expired"),
          "0077": ("late", ""), "0119": ("confirm", "")}
DECLINES = ("do_not_honor", "insufficient_funds_at_issuer", "card_expired")

_rng = random.Random(conf.get().network_seed or None)


def _plan(card_last4: str) -> tuple[str, str, float]:
    cfg = conf.get()
    low, high = cfg.network_delay_seconds
    outcome, reason = FORCED.get(card_last4, ("", ""))
    if not outcome:
        roll = _rng.random()
        if roll < cfg.network_confirm_rate:
            outcome = "confirm"
        elif roll < cfg.network_confirm_rate + cfg.network_fail_rate:
            outcome, reason = "fail", _rng.choice(DECLINES)
        else:
            outcome = "late"
    if outcome == "late":
        return "confirm", "", cfg.network_late_delay_seconds
    return outcome, reason, _rng.uniform(low, high)


class SimulatedNetwork:
    unavailable_rate = conf.get().network_unavailable_rate

    def submit(self, *, client_ref: str, kind: str, amount: int, currency: str, method: str,
               card_last4: str) -> str:
        existing = NetworkOperation.objects.filter(client_ref=client_ref).first()
        if existing is not None:
            return existing.reference
        if self.unavailable_rate and _rng.random() < self.unavailable_rate:
            raise NetworkUnavailable("simulated network timeout")
        outcome, reason, delay = _plan(card_last4)
        try:
            with transaction.atomic():
                op = NetworkOperation.objects.create(
                    reference="net_" + secrets.token_hex(8), client_ref=client_ref, kind=kind,
                    amount=amount, currency=currency, method=method, planned_outcome=outcome,
                    decline_reason=reason, decide_at=clock.now() + timedelta(seconds=delay),
                )
                jobs.enqueue("wallet.network_decide", delay=delay, reference=op.reference)
        except IntegrityError:
            return NetworkOperation.objects.get(client_ref=client_ref).reference
        return op.reference

    def cancel(self, reference: str) -> None:
        # A real network may already have moved the money: a cancel only wins
        # if the operation has not been decided yet, and even then we keep the
        # planned late confirmations (the network did not hear us in time).
        NetworkOperation.objects.filter(
            reference=reference, state=NetworkOperation.State.PROCESSING,
            planned_outcome="fail",
        ).update(state=NetworkOperation.State.CANCELLED, decided_at=clock.now())

    def reverse(self, *, client_ref: str, original_reference: str) -> str:
        original = NetworkOperation.objects.get(reference=original_reference)
        try:
            with transaction.atomic():
                op = NetworkOperation.objects.create(
                    reference="net_" + secrets.token_hex(8), client_ref=client_ref,
                    kind=NetworkOperation.Kind.REVERSAL, amount=original.amount,
                    currency=original.currency, method=original.method,
                    planned_outcome="confirm", state=NetworkOperation.State.CONFIRMED,
                    decide_at=clock.now(), decided_at=clock.now(),
                )
        except IntegrityError:
            return NetworkOperation.objects.get(client_ref=client_ref).reference
        return op.reference

    def status(self, reference: str) -> NetworkStatus | None:
        op = NetworkOperation.objects.filter(reference=reference).first()
        if op is None:
            return None
        return NetworkStatus(op.reference, op.kind, op.state, op.decline_reason)


def decide(reference: str) -> tuple[str, str, str, str] | None:
    """Settle a simulated operation whose time has come; returns what to notify."""
    op = NetworkOperation.objects.filter(reference=reference).first()
    if op is None:
        return None
    if op.state == NetworkOperation.State.PROCESSING:
        state = (NetworkOperation.State.CONFIRMED if op.planned_outcome == "confirm"
                 else NetworkOperation.State.FAILED)
        NetworkOperation.objects.filter(pk=op.pk, state=NetworkOperation.State.PROCESSING).update(
            state=state, decided_at=clock.now())
        op.refresh_from_db()
    if op.state == NetworkOperation.State.CANCELLED:
        return None
    return op.client_ref, op.state, op.decline_reason, op.reference
