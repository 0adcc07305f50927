"""The only place that takes row locks in the disputes app (the wallet's ``locks.py``
convention): a refund request is locked before its status is read for a decision, so two
answers at the same moment queue and the second sees the first one's result. The wallet's
own locks (payment, then accounts in id order) are taken after this one, always in this
order, so nothing here can deadlock with the wallet."""

from __future__ import annotations

from .models import RefundRequest


def lock_request(pk: int) -> RefundRequest:
    return RefundRequest.objects.select_for_update(of=("self",)).get(pk=pk)
