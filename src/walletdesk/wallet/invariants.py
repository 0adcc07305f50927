"""The ledger's invariants, checked on a whole database.

Used by ``walletdesk check_ledger``, the benchmarks and the tests:

1. money is conserved: the balances of all accounts add up to zero per currency;
2. every account's balance equals the sum of its postings;
3. every account's pending_out / pending_in equals the sum of its open holds;
4. no available balance (balance - pending_out) below zero unless allowed;
5. a transaction's refunded amount equals the sum of its merchant refunds, and a fee
   refund (a refund without a merchant, see ``adjustments.py``) is at most one per
   transaction and never more than its fee;
6. every pending transaction has an open hold, and no other transaction does;
7. every posting moves a positive amount (the CHECK constraint's job, verified).
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q, Sum

from .models import Hold, LedgerAccount, Posting, Transaction


def problems() -> list[str]:
    found: list[str] = []
    per_currency: dict[str, int] = defaultdict(int)
    incoming = dict(Posting.objects.values_list("destination").annotate(s=Sum("amount")))
    outgoing = dict(Posting.objects.values_list("source").annotate(s=Sum("amount")))
    holds: dict[tuple[int, str], int] = defaultdict(int)
    for account_id, direction, amount in Hold.objects.filter(status=Hold.Status.OPEN).values_list(
            "account", "direction", "amount"):
        holds[(account_id, direction)] += amount
    for a in LedgerAccount.objects.all().iterator(chunk_size=2000):
        per_currency[a.currency] += a.balance
        posted = incoming.get(a.pk, 0) - outgoing.get(a.pk, 0)
        if posted != a.balance:
            found.append(f"account {a.pk}: balance {a.balance} != postings {posted}")
        if holds[(a.pk, "out")] != a.pending_out or holds[(a.pk, "in")] != a.pending_in:
            found.append(f"account {a.pk}: pending {a.pending_out}/{a.pending_in} != open holds "
                         f"{holds[(a.pk, 'out')]}/{holds[(a.pk, 'in')]}")
        if not a.allow_negative and a.available < 0:
            found.append(f"account {a.pk}: available {a.available} below zero")
    for pk, amount in Posting.objects.exclude(amount__gt=0).values_list("pk", "amount"):
        found.append(f"posting {pk} has amount {amount}")
    for currency, total in per_currency.items():
        if total != 0:
            found.append(f"currency {currency}: balances add up to {total}, not 0")
    refunds = dict(Transaction.objects.filter(type=Transaction.Type.REFUND,
                                              merchant__isnull=False).values_list(
        "parent").annotate(s=Sum("amount")))
    fee_refunds = Transaction.objects.filter(type=Transaction.Type.REFUND, merchant__isnull=True,
                                             parent__isnull=False)
    for parent_id, count, total, fee in fee_refunds.values_list("parent").annotate(
            n=Count("pk"), s=Sum("amount")).values_list("parent", "n", "s", "parent__fee"):
        if count > 1 or total > fee:
            found.append(f"transaction {parent_id}: {count} fee refunds of {total} for a fee of {fee}")
    for pk, refunded in Transaction.objects.filter(
            Q(refunded_amount__gt=0) | Q(pk__in=list(refunds))).values_list("pk",
                                                                             "refunded_amount"):
        if refunds.get(pk, 0) != refunded:
            found.append(f"transaction {pk}: refunded {refunded} != refunds {refunds.get(pk, 0)}")
    with_open_hold = set(Hold.objects.filter(status=Hold.Status.OPEN).values_list(
        "transaction", flat=True))
    pending = set(Transaction.objects.filter(status=Transaction.Status.PENDING).values_list(
        "pk", flat=True))
    for pk in pending - with_open_hold:
        found.append(f"transaction {pk}: pending without an open hold")
    for pk in with_open_hold - pending:
        found.append(f"transaction {pk}: not pending but still holds money")
    return found
