"""Wallet services: the only code that moves money or changes a transaction.

This package is the wallet's one writer (issue 18): this module holds the operations
callers use (top-up, transfer, pay, withdraw, refund, payment requests, network results,
the expiry sweeper, fee changes); beside it ``ledger`` (postings, holds, accounts),
``booking`` (the hot path), ``adjustments`` (support's changes), ``cards``, ``merchants``
(API keys) and ``idempotency`` (the Idempotency-Key records).

Every public function here owns one database transaction, locks what it
writes through ``locks.py`` (transactions first, then accounts in id order),
and leaves outside calls (the payment network, notifications) to jobs that
run after commit.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, cast

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q

from walletdesk.accounts.models import User
from walletdesk.accounts.services import find_user_by_login
from walletdesk.core import clock
from walletdesk.core.errors import Conflict
from walletdesk.core.money import check_amount, check_currency
from walletdesk.core.services import jobs
from walletdesk.notify.services import inbox as notify_inbox
from walletdesk.risk.models import RiskDecision
from walletdesk.risk.services import (
    LOOK_UP,
    OUTGOING,
    assess_outgoing,
    counters,
    is_interactive,
    write_pending,
)

from .. import conf, fees, locks, recipients
from ..errors import (
    FeeNoticeTooShort,
    InsufficientFunds,
    InsufficientMerchantFunds,
    MethodNotLinked,
    NotRefundable,
    RefundExceedsPayment,
    RequestNotOpen,
    TooManyUnknownRecipients,
    TransactionNotFound,
    TransferToSelf,
    UnknownMerchant,
    UnknownMethod,
    UnknownRecipient,
    WrongMerchant,
)
from ..models import (
    OPERATION_METHODS,
    FeeAnnouncement,
    FeePolicy,
    Hold,
    LedgerAccount,
    Merchant,
    Method,
    PaymentMethod,
    PaymentRequest,
    Promotion,
    Transaction,
    TransactionEvent,
    public_id,
)
from . import booking, ledger

log = logging.getLogger(__name__)
Status = Transaction.Status
Kind = LedgerAccount.Kind


# --- helpers -------------------------------------------------------------------------

def _check_method(operation: str, method: object) -> str:
    if not isinstance(method, str) or method not in OPERATION_METHODS[operation]:
        raise UnknownMethod()
    return method


def _linked_card(user: User, method: str, card_id: object = "") -> PaymentMethod | None:
    """The card chosen by its public id, else the default card of that kind."""
    if method == Method.BALANCE:
        return None
    cards = PaymentMethod.objects.filter(owner=user, kind=method, removed_at__isnull=True)
    if card_id:
        cards = cards.filter(public_id=card_id if isinstance(card_id, str) else "")
    card = cards.order_by("-is_default", "-created_at").first()
    if card is None:
        raise MethodNotLinked()
    return card


def _record(txn: Transaction, from_status: str, reason: str, detail: str = "") -> None:
    TransactionEvent.objects.create(transaction=txn, from_status=from_status,
                                    to_status=txn.status, reason=reason, detail=detail[:300],
                                    at=clock.now())


def _move(txn: Transaction, new: str, reason: str, detail: str = "") -> bool:
    """Change a transaction's status if it is still what we read (guarded)."""
    old = txn.status
    now = clock.now()
    extra = {"completed_at": now} if new == Status.COMPLETED else {}
    if not Transaction.objects.filter(pk=txn.pk, status=old).update(status=new, updated_at=now,
                                                                   **extra):
        return False
    txn.status, txn.updated_at = new, now
    if extra:
        txn.completed_at = now
    _record(txn, old, reason, detail)
    if new in NOT_COUNTED and old not in NOT_COUNTED:
        uncount(txn)
    return True


# Outgoing transactions in these states no longer count towards the velocity rules.
NOT_COUNTED = (Status.FAILED, Status.EXPIRED, Status.REVERSED)


def _count(user: User, txn_type: str, amount: int, currency: str) -> None:
    """Add an outgoing operation to the user's counter row (before any account lock)."""
    if txn_type in OUTGOING:
        counters.add(user.pk, currency, user.time_zone, amount)


def uncount(txn: Transaction) -> None:
    if txn.type in OUTGOING and txn.customer_id is not None:
        zone = User.objects.filter(pk=txn.customer_id).values_list("time_zone", flat=True).first()
        counters.take_back(txn.customer_id, txn.currency, zone, txn.amount, txn.created_at)


def _new_transaction(**fields: object) -> Transaction:
    now = clock.now()
    txn = Transaction.objects.create(public_id=public_id("tx"), created_at=now, updated_at=now,
                                     **fields)
    _record(txn, "", "created")
    return txn


def _raise_on_constraint(exc: IntegrityError) -> None:
    if "account_available_gte_0" in str(exc):
        raise InsufficientFunds() from exc
    raise exc


def _pending_deadline() -> timedelta:
    return timedelta(seconds=conf.get().pending_timeout_seconds)


def _submit_after_commit(txn: Transaction) -> None:
    jobs.enqueue("wallet.submit_to_network", transaction_id=txn.pk)


# --- operations ------------------------------------------------------------------------

def top_up(user: User, *, amount: object, currency: object, method: object,
           card: object = "") -> Transaction:
    """Pull money from a linked card; pending until the network confirms."""
    amount, currency = check_amount(amount), check_currency(currency)
    method = _check_method("topup", method)
    card = _linked_card(user, method, card)
    with transaction.atomic():
        quote = fees.quote("topup", method, amount, currency, user_id=user.pk)
        account = ledger.customer_account(user, currency)
        txn = _new_transaction(
            type=Transaction.Type.TOPUP, status=Status.PENDING, amount=amount, fee=quote.fee,
            fee_before_promotion=quote.fee_before_promotion, fee_policy=quote.policy,
            promotion=quote.promotion, currency=currency, method=method, payment_method=card,
            customer=user, expires_at=clock.now() + _pending_deadline())
        ledger.open_hold(txn, account, Hold.Direction.IN, amount)
        _submit_after_commit(txn)
    return txn


def transfer(user: User, *, to: object, amount: object, currency: object,
             note: str = "") -> Transaction:
    """Send money to another wallet, at once.

    The sender's hold, balance and the recipient are read in one statement; an interactive
    request then has the risk rules decide on the sender's counter row, locked until this
    transaction ends (ADR 0046). Whether a login has a wallet is told only to a sender who
    could pay, and only a limited number of times a day (ADR 0047).
    """
    amount, currency = check_amount(amount), check_currency(currency)
    # An interactive transfer takes its counter row in the same statement (ADR 0118).
    hold, available, recipient, locked = (
        recipients.find_for_transfer(user, to, currency, lock_counter=is_interactive(user))
        if isinstance(to, str) else (LOOK_UP, LOOK_UP, None, None))
    decision = assess_outgoing(user, "transfer", amount, currency, payee=to, hold=hold,
                               available=available, locked_totals=locked, with_booking=True)
    totals = getattr(decision, "totals", None)
    if recipient is None or not recipient.is_active or recipient.role != User.Role.CUSTOMER:
        _refuse_unknown_recipient(user, amount, currency, available, totals)
    assert recipient is not None
    if recipient.pk == user.pk:
        raise TransferToSelf()
    if totals is not None and totals.misses >= MISS_LIMIT and not Transaction.objects.filter(
            customer=user, counterparty=recipient, type=Transaction.Type.TRANSFER).exists():
        raise TooManyUnknownRecipients()  # the same answer as for a login without a wallet
    return _quote_and_book("transfer", amount, currency, Transaction.Type.TRANSFER, user,
                           counterparty=recipient, note=(note or "")[:140], decision=decision)


# Transfers to logins without a wallet, per sender and currency a day, and payment requests
# to them per merchant a day (ADR 0047).
MISS_LIMIT = 10
MERCHANT_MISS_LIMIT = 20


def _refuse_unknown_recipient(user: User, amount: int, currency: str, available: object,
                              totals: Any) -> None:
    """No wallet for this login: a sender who could not pay hears insufficient_funds, as for
    a real recipient; past the day's limit, the answer a new payee gets too."""
    if available is LOOK_UP:
        account = LedgerAccount.objects.filter(**ledger.customer_lookup(user, currency)).first()
        available = account.available if account is not None else None
    need = amount + fees.quote("transfer", Method.BALANCE, amount, currency, user_id=user.pk).fee
    if available is None or cast(int, available) < need:
        raise InsufficientFunds()
    if totals is not None and totals.misses >= MISS_LIMIT:
        raise TooManyUnknownRecipients()
    error = UnknownRecipient()
    if transaction.get_connection().in_atomic_block:
        error.miss = (user, currency)  # counted after the rollback (wallet.refusals.record)
    else:
        counters.note_miss(user, currency)
    raise error


def _quote_and_book(operation: str, amount: int, currency: str, kind: str, user: User,
                    **parties: Any) -> Transaction:
    quote = fees.quote(operation, Method.BALANCE, amount, currency, user_id=user.pk)
    if quote.promotion is None or quote.promotion.per_user_limit is None:
        return _book(quote, kind, user, **parties)
    # A capped promotion counts the user's past uses: quote again inside the
    # transaction that books (SQLite's writer lock makes the count exact).
    with transaction.atomic():
        quote = fees.quote(operation, Method.BALANCE, amount, currency, user_id=user.pk)
        return _book(quote, kind, user, **parties)


def _book(quote: fees.FeeQuote, kind: str, user: User, *, counterparty: User | None = None,
          merchant: Merchant | None = None, note: str = "",
          decision: RiskDecision | None = None) -> Transaction:
    """A completed move from the customer's balance (the hot path, see ``booking``)."""
    entry = booking.Booking(
        type=kind, customer_id=user.pk, counterparty_id=counterparty.pk if counterparty else None,
        merchant_id=merchant.pk if merchant else None, currency=quote.currency,
        method=Method.BALANCE, amount=quote.amount, fee=quote.fee,
        fee_before_promotion=quote.fee_before_promotion,
        fee_policy_id=quote.policy.pk if quote.policy else None,
        promotion_id=quote.promotion.pk if quote.promotion else None, note=note,
        time_zone=user.time_zone)
    try:
        txn_id, ref, at = booking.book(entry, decision)  # with the allowed decision, if left
    except IntegrityError as exc:
        _raise_on_constraint(exc)
        raise
    return booking.as_transaction(entry, txn_id, ref, at, customer=user,
                                  counterparty=counterparty, merchant=merchant,
                                  fee_policy=quote.policy, promotion=quote.promotion)


def _fee_lookups(currency: str, quote: fees.FeeQuote) -> list[dict[str, object]]:
    """The revenue (and promotion expense) accounts a fee will touch, to lock up front."""
    if quote.fee_before_promotion == 0:
        return []
    lookups = [ledger.system_lookup(Kind.FEE_REVENUE, currency)]
    if quote.discount:
        lookups.append(ledger.system_lookup(Kind.PROMOTION_EXPENSE, currency))
    return lookups


def _post_fee(txn: Transaction, payer: LedgerAccount, fee_accounts: list[LedgerAccount],
              quote: fees.FeeQuote) -> None:
    if not fee_accounts:
        return
    revenue = fee_accounts[0]
    ledger.post(txn, payer, revenue, quote.fee, "fee")
    if quote.discount:
        ledger.post(txn, fee_accounts[1], revenue, quote.discount, "promotion")


def find_merchant(ref: object) -> Merchant:
    if not isinstance(ref, (str, int)) or isinstance(ref, bool):
        raise UnknownMerchant()
    text = str(ref).strip()[:60]
    merchant = Merchant.objects.filter(slug=text, is_active=True).first()
    if merchant is None and text.isdigit():
        merchant = Merchant.objects.filter(pk=int(text), is_active=True).first()
    if merchant is None:
        raise UnknownMerchant()
    return merchant


def pay(user: User, *, merchant: object, amount: object, currency: object, method: object,
        request: PaymentRequest | None = None, card: object = "") -> Transaction:
    """Pay a merchant: from the balance at once, or by card (pending on the network)."""
    amount, currency = check_amount(amount), check_currency(currency)
    hold, available, locked = recipients.sender_state(user, currency,
                                                      lock_counter=is_interactive(user))
    decision = assess_outgoing(user, "payment", amount, currency, payee=merchant, method=method,
                               hold=hold, available=available, locked_totals=locked,
                               with_booking=True)
    method = _check_method("payment", method)
    shop = merchant if isinstance(merchant, Merchant) else find_merchant(merchant)
    card = _linked_card(user, method, card)
    if card is None and request is None:
        return _quote_and_book("payment", amount, currency, Transaction.Type.PAYMENT, user,
                               merchant=shop, decision=decision)
    write_pending(decision)  # a card or a payment request: written here, as before
    try:
        with transaction.atomic():
            quote = fees.quote("payment", method, amount, currency, user_id=user.pk)
            if card is not None:
                _count(user, Transaction.Type.PAYMENT, amount, currency)
                txn = _new_transaction(
                    type=Transaction.Type.PAYMENT, status=Status.PENDING, amount=amount,
                    fee=quote.fee, fee_before_promotion=quote.fee_before_promotion,
                    fee_policy=quote.policy, promotion=quote.promotion, currency=currency,
                    method=method, payment_method=card, customer=user, merchant=shop,
                    expires_at=clock.now() + _pending_deadline())
                ledger.open_hold(txn, ledger.merchant_account(shop, currency), Hold.Direction.IN,
                                 amount)
                _submit_after_commit(txn)
            else:
                txn = _book(quote, Transaction.Type.PAYMENT, user, merchant=shop)
            if request is not None and not PaymentRequest.objects.filter(
                    pk=request.pk, status=PaymentRequest.Status.OPEN,
                    expires_at__gt=clock.now()).update(status=PaymentRequest.Status.PAID,
                                                       transaction=txn):
                raise RequestNotOpen()
    except IntegrityError as exc:
        _raise_on_constraint(exc)
    return txn


def withdraw(user: User, *, amount: object, currency: object, method: object,
             card: object = "") -> Transaction:
    """Send money to a linked bank card; the amount and fee are held until the network answers."""
    amount, currency = check_amount(amount), check_currency(currency)
    assess_outgoing(user, "withdrawal", amount, currency)
    method = _check_method("withdrawal", method)
    card = _linked_card(user, method, card)
    with transaction.atomic():
        quote = fees.quote("withdrawal", method, amount, currency, user_id=user.pk)
        account = ledger.customer_account(user, currency)
        _count(user, Transaction.Type.WITHDRAWAL, amount, currency)  # counter row, then accounts
        locks.lock_accounts([account.pk])
        txn = _new_transaction(
            type=Transaction.Type.WITHDRAWAL, status=Status.PENDING, amount=amount,
            fee=quote.fee, fee_before_promotion=quote.fee_before_promotion,
            fee_policy=quote.policy, promotion=quote.promotion, currency=currency, method=method,
            payment_method=card, customer=user, expires_at=clock.now() + _pending_deadline())
        ledger.open_hold(txn, account, Hold.Direction.OUT, amount + quote.fee)
        _submit_after_commit(txn)
    return txn


def refund(merchant: Merchant, *, payment_id: object, amount: object) -> Transaction:
    """A merchant gives back all or part of a completed payment, into the customer's wallet."""
    amount = check_amount(amount)
    if not isinstance(payment_id, str):
        raise TransactionNotFound()
    try:
        with transaction.atomic():
            found = Transaction.objects.filter(public_id=payment_id,
                                               type=Transaction.Type.PAYMENT).first()
            if found is None:
                raise TransactionNotFound()
            payment = locks.lock_transaction(found.pk)
            if payment.merchant_id != merchant.pk:
                raise WrongMerchant()
            if payment.status not in (Status.COMPLETED, Status.PARTIALLY_REFUNDED):
                raise NotRefundable()
            if amount > payment.refundable_amount:
                raise RefundExceedsPayment(refundable=payment.refundable_amount)
            src, dst = ledger.lock([ledger.merchant_lookup(merchant, payment.currency),
                                    ledger.customer_lookup(payment.customer_id, payment.currency)])
            if src.available < amount:
                raise InsufficientMerchantFunds()
            if not Transaction.objects.filter(
                    pk=payment.pk, refunded_amount__lte=F("amount") - amount).update(
                    refunded_amount=F("refunded_amount") + amount):
                raise RefundExceedsPayment(refundable=payment.refundable_amount)
            payment.refunded_amount += amount
            txn = _new_transaction(
                type=Transaction.Type.REFUND, status=Status.COMPLETED, amount=amount,
                currency=payment.currency, method=Method.BALANCE, customer_id=payment.customer_id,
                merchant=merchant, parent=payment, completed_at=clock.now())
            ledger.post(txn, src, dst, amount, "refund")
            full = payment.refunded_amount == payment.amount
            _move(payment, Status.REFUNDED if full else Status.PARTIALLY_REFUNDED,
                  "refund", txn.public_id)
    except IntegrityError as exc:
        if "account_available_gte_0" in str(exc):
            raise InsufficientMerchantFunds() from exc
        raise
    return txn


# --- requests from merchants ----------------------------------------------------------

def create_payment_request(merchant: Merchant, *, customer: object, amount: object,
                           currency: object, description: str = "") -> PaymentRequest:
    """A merchant asks a customer for money. Whether a login has a wallet is told a limited
    number of times a day (ADR 0047): past MERCHANT_MISS_LIMIT unknown logins, a request to a
    customer the merchant never asked before is refused like an unknown login."""
    amount, currency = check_amount(amount), check_currency(currency)
    user = find_user_by_login(customer) if isinstance(customer, str) else None
    misses_key = f"wallet:request-misses:{merchant.pk}:{clock.now():%Y%m%d}"
    over = (cache.get(misses_key) or 0) >= MERCHANT_MISS_LIMIT
    if user is None or user.role != User.Role.CUSTOMER:
        if over:
            raise TooManyUnknownRecipients()
        cache.add(misses_key, 0, timeout=2 * 24 * 3600)
        cache.incr(misses_key)
        raise UnknownRecipient()
    if over and not PaymentRequest.objects.filter(merchant=merchant, customer=user).exists():
        raise TooManyUnknownRecipients()
    return PaymentRequest.objects.create(
        public_id=public_id("pr"), merchant=merchant, customer=user, amount=amount,
        currency=currency, description=(description or "")[:140],
        expires_at=clock.now() + timedelta(days=7))


def answer_payment_request(user: User, request_id: str, *, approve: bool,
                           method: object = Method.BALANCE) -> PaymentRequest:
    req = PaymentRequest.objects.filter(public_id=request_id, customer=user).first()
    if req is None:
        raise TransactionNotFound()
    if req.status != PaymentRequest.Status.OPEN or req.expires_at <= clock.now():
        raise RequestNotOpen()
    if approve:
        pay(user, merchant=req.merchant, amount=req.amount, currency=req.currency,
            method=method, request=req)
    elif not PaymentRequest.objects.filter(pk=req.pk, status=PaymentRequest.Status.OPEN).update(
            status=PaymentRequest.Status.DECLINED):
        raise RequestNotOpen()
    req.refresh_from_db()
    return req


# --- fee changes ----------------------------------------------------------------------
# Every process caches the policies and promotions for fees.CACHE_FOR; a change takes
# effect no sooner than fees.NOTICE after it is written, so no process quotes from a
# stale copy (ADR 0005).

def _check_notice(at: datetime) -> None:
    if at < clock.now() + fees.NOTICE:
        raise FeeNoticeTooShort()


def schedule_fee_policy(operation: str, method: str, currency: object, *, effective_from: datetime,
                        basis_points: int = 0, fixed: int = 0, minimum: int = 0,
                        maximum: int | None = None,
                        announcement: dict[str, str] | None = None) -> FeePolicy:
    """The next version of a fee policy; the version in force until then ends at its start."""
    currency = check_currency(currency)
    method = _check_method(operation, method) if operation in OPERATION_METHODS else ""
    if not method:
        raise UnknownMethod()
    _check_notice(effective_from)
    same = FeePolicy.objects.filter(operation=operation, method=method, currency=currency)
    try:
        with transaction.atomic():
            version = (same.aggregate(v=Max("version"))["v"] or 0) + 1
            same.filter(effective_from__lt=effective_from).filter(
                Q(effective_to__isnull=True) | Q(effective_to__gt=effective_from)).update(
                effective_to=effective_from)
            policy = FeePolicy.objects.create(
                operation=operation, method=method, currency=currency, version=version,
                basis_points=basis_points, fixed=fixed, minimum=minimum, maximum=maximum,
                effective_from=effective_from)
            if announcement:
                FeeAnnouncement.objects.create(policy=policy, **announcement)
                notify_inbox.fee_change(policy_id=policy.pk, **announcement)
            transaction.on_commit(fees.forget_cached)
    except IntegrityError as exc:  # another version was published at the same moment
        raise Conflict() from exc
    return policy


def schedule_promotion(**fields: Any) -> Promotion:
    """A promotion whose window starts no sooner than the notice."""
    _check_notice(fields["starts_at"])
    return Promotion.objects.create(**fields)


def end_promotion(promotion: Promotion, at: datetime) -> Promotion:
    """End a running promotion at ``at`` (no sooner than the notice)."""
    _check_notice(at)
    Promotion.objects.filter(pk=promotion.pk, ends_at__gt=at).update(ends_at=at)
    transaction.on_commit(fees.forget_cached)
    promotion.refresh_from_db()
    return promotion


# --- the payment network's side ----------------------------------------------------------

def network_kind(txn: Transaction) -> str:
    return "payout" if txn.type == Transaction.Type.WITHDRAWAL else "charge"


def record_submission(txn_id: int, reference: str) -> None:
    with transaction.atomic():
        Transaction.objects.filter(pk=txn_id, network_ref="").update(network_ref=reference)
        txn = Transaction.objects.get(pk=txn_id)
        TransactionEvent.objects.create(transaction=txn, from_status=txn.status,
                                        to_status=txn.status, reason="sent_to_network",
                                        detail=reference, at=clock.now())


def on_network_result(client_ref: str, state: str, decline_reason: str = "",
                      reference: str = "") -> Transaction | None:
    """The network tells us how a charge or payout ended (idempotent).

    The notification carries the network's reference: if the worker that
    submitted the operation died before recording it, it is recorded here.
    """
    with transaction.atomic():
        found = Transaction.objects.filter(public_id=client_ref).first()
        if found is None:
            log.warning("network result for unknown transaction %s", client_ref)
            return None
        txn = locks.lock_transaction(found.pk)
        if reference and not txn.network_ref:
            Transaction.objects.filter(pk=txn.pk, network_ref="").update(network_ref=reference)
            txn.network_ref = reference
        if txn.status == Status.PENDING:
            if state == "confirmed":
                _complete_external(txn)
            elif state == "failed":
                ledger.close_holds(txn, Hold.Status.VOIDED)
                _move(txn, Status.FAILED, "network_declined", decline_reason)
        elif txn.status == Status.EXPIRED and state == "confirmed":
            # Money moved at the network after we gave up: send it back.
            _move(txn, Status.REVERSED, "late_confirmation", txn.network_ref)
            jobs.enqueue("wallet.reverse_on_network", transaction_id=txn.pk)
        notify_inbox.payment_result(txn)  # in-app + push, once per outcome (after commit)
    return txn


def _complete_external(txn: Transaction) -> None:
    quote = fees.FeeQuote(network_kind(txn), txn.method, txn.currency, txn.amount,
                          txn.fee_before_promotion, txn.fee, txn.fee_policy, txn.promotion)
    shop = [ledger.merchant_lookup(txn.merchant_id, txn.currency)] if txn.merchant_id else []
    customer, clearing, *rest = ledger.lock([
        ledger.customer_lookup(txn.customer_id, txn.currency),
        ledger.system_lookup(Kind.CLEARING, txn.currency, txn.method), *shop,
        *_fee_lookups(txn.currency, quote)])
    merchant = rest.pop(0) if shop else None
    fee_accounts = rest
    ledger.close_holds(txn, Hold.Status.POSTED)
    if txn.type == Transaction.Type.WITHDRAWAL:
        ledger.post(txn, customer, clearing, txn.amount, "principal")
    else:
        # Card money enters through the customer's wallet: amount and fee.
        ledger.post(txn, clearing, customer, txn.amount + txn.fee, "principal")
        if merchant is not None:
            ledger.post(txn, customer, merchant, txn.amount, "principal")
    _post_fee(txn, customer, fee_accounts, quote)
    _move(txn, Status.COMPLETED, "network_confirmed", txn.network_ref)


def expire_stale(limit: int = 500) -> int:
    """Give up on pending transactions past their deadline and release their holds."""
    now = clock.now()
    ids = list(Transaction.objects.filter(status=Status.PENDING, expires_at__lte=now)
               .order_by("expires_at").values_list("pk", flat=True)[:limit])
    expired = 0
    for pk in ids:
        with transaction.atomic():
            txn = locks.lock_transaction(pk)
            if txn.status != Status.PENDING or txn.expires_at is None or txn.expires_at > now:
                continue
            ledger.close_holds(txn, Hold.Status.VOIDED)
            _move(txn, Status.EXPIRED, "timeout")
            if txn.network_ref:
                jobs.enqueue("wallet.cancel_on_network", transaction_id=txn.pk)
            expired += 1
    return expired


def get_transaction_for(user: User, public: str) -> Transaction:
    from ..queries import transactions_of

    txn = transactions_of(user).filter(public_id=public).first() if isinstance(public, str) else None
    if txn is None:
        raise TransactionNotFound()
    return txn
