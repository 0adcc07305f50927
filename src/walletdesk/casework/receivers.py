"""Finishing actions that the customer or the merchant completes on their own side.

* An agent's ``start_unlock`` waits for the customer; when the customer unlocks with the
  code (the accounts app writes a self-service ``unlocked`` security event), it is done.
* A ``request_merchant_refund`` waits for the merchant; when the merchant refunds that
  payment through its own endpoint, the request is granted and the customer is told.

Both run in the transaction that makes the change (``post_save``), so they commit or roll
back with it.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from walletdesk.accounts.models import SecurityEvent
from walletdesk.wallet.models import Transaction

from . import services


@receiver(post_save, sender=SecurityEvent, dispatch_uid="casework.unlock_completed")
def on_security_event(sender: Any, instance: SecurityEvent, created: bool, **kw: Any) -> None:
    if created and instance.kind == "unlocked" and instance.user_id and instance.data.get(
            "self_service"):
        services.complete_unlocks(instance.user_id)


@receiver(post_save, sender=Transaction, dispatch_uid="casework.refund_granted")
def on_transaction(sender: Any, instance: Transaction, created: bool, **kw: Any) -> None:
    if not (created and instance.type == Transaction.Type.REFUND and instance.merchant_id
            and instance.parent_id):
        return
    services.grant_merchant_refunds(instance)
