"""A merchant that refunds a payment through its own refund endpoint answers the customer's
open request for it (``post_save`` of the refund, in the refund's transaction)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from walletdesk.wallet.models import Transaction


@receiver(post_save, sender=Transaction, dispatch_uid="disputes.refund_made")
def on_transaction(sender: Any, instance: Transaction, created: bool, **kw: Any) -> None:
    if created and instance.type == Transaction.Type.REFUND and instance.merchant_id \
            and instance.parent_id:
        from .services import granted_elsewhere

        granted_elsewhere(instance)
