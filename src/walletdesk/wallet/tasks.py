"""Background jobs of the wallet: network calls, the pending sweeper, the idempotency purge.

They write nothing themselves: each calls the wallet's services (or the network).
"""

from __future__ import annotations

from datetime import timedelta

from walletdesk.core import clock
from walletdesk.core.services import jobs

from . import conf, services
from .models import Transaction
from .network import NetworkUnavailable, get_network
from .network import simulator as network_simulator
from .services import idempotency


@jobs.task("wallet.submit_to_network", retry_on=(NetworkUnavailable,))
def submit_to_network(transaction_id: int) -> None:
    txn = Transaction.objects.select_related("payment_method").get(pk=transaction_id)
    if txn.status != Transaction.Status.PENDING or txn.network_ref:
        return
    reference = get_network().submit(
        client_ref=txn.public_id, kind=services.network_kind(txn), amount=txn.amount + (
            txn.fee if txn.type != Transaction.Type.WITHDRAWAL else 0),
        currency=txn.currency, method=txn.method,
        card_last4=txn.payment_method.last4 if txn.payment_method else "")
    services.record_submission(txn.pk, reference)


@jobs.task("wallet.network_decide")
def network_decide(reference: str) -> None:
    """The simulator's notification: deliver its decision to the wallet."""
    result = network_simulator.decide(reference)
    if result is not None:
        services.on_network_result(*result)


@jobs.task("wallet.cancel_on_network", retry_on=(NetworkUnavailable,))
def cancel_on_network(transaction_id: int) -> None:
    txn = Transaction.objects.get(pk=transaction_id)
    if txn.network_ref:
        get_network().cancel(txn.network_ref)


@jobs.task("wallet.reverse_on_network", retry_on=(NetworkUnavailable,))
def reverse_on_network(transaction_id: int) -> None:
    txn = Transaction.objects.get(pk=transaction_id)
    get_network().reverse(client_ref=f"{txn.public_id}:reversal",
                          original_reference=txn.network_ref)


@jobs.periodic("wallet.expire_stale", seconds=15)
def expire_stale() -> None:
    services.expire_stale()


@jobs.periodic("wallet.purge_idempotency", seconds=3600)
def purge_idempotency() -> None:
    cutoff = clock.now() - timedelta(hours=conf.get().idempotency_ttl_hours)
    idempotency.purge(cutoff)
