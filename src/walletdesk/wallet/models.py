"""The ledger and the user-facing transactions built on it.

* ``LedgerAccount`` holds one owner's money in one currency. ``balance`` is
  maintained by a database trigger on ``Posting`` (never by Python), and a
  CHECK constraint keeps ``balance - pending_out`` at or above zero unless the
  account may go negative.
* ``Posting`` moves a positive amount from one account to another in one
  currency: every posting sums to zero by construction; triggers refuse a
  currency mismatch and any UPDATE or DELETE (append-only).
* ``Hold`` reserves money for a pending transaction (two-phase, as
  TigerBeetle's pending transfers): open holds add up to the account's
  ``pending_out`` / ``pending_in``.
* ``Transaction`` is what a user sees: type, status, amount, fee, and its
  ``TransactionEvent`` history.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from walletdesk.core import clock, hant
from walletdesk.core.money import CURRENCY_CHOICES

from . import reference as refs


def public_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(10)}"


class Method(models.TextChoices):
    BALANCE = "balance", _("Wallet balance")
    BANK_CARD = "bank_card", _("Bank card")
    CREDIT_CARD = "credit_card", _("Credit card")


OUTSIDE_METHODS = (Method.BANK_CARD, Method.CREDIT_CARD)


class Operation(models.TextChoices):
    TOPUP = "topup", _("Top-up")
    TRANSFER = "transfer", _("Transfer")
    PAYMENT = "payment", _("Payment")
    REFUND = "refund", _("Refund")
    WITHDRAWAL = "withdrawal", _("Withdrawal")


# Which methods each operation accepts.
OPERATION_METHODS: dict[str, tuple[str, ...]] = {
    Operation.TOPUP: (Method.BANK_CARD, Method.CREDIT_CARD),
    Operation.TRANSFER: (Method.BALANCE,),
    Operation.PAYMENT: (Method.BALANCE, Method.BANK_CARD, Method.CREDIT_CARD),
    Operation.WITHDRAWAL: (Method.BANK_CARD,),
}


class Merchant(models.Model):
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120, blank=True, default="")
    slug = models.SlugField(unique=True, verbose_name=_("slug"))
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="merchant", null=True, blank=True, verbose_name=_("user"))
    api_key_hash = models.CharField(max_length=64, unique=True, null=True, blank=True,
                                    verbose_name=_("API key fingerprint"))
    api_key_hint = models.CharField(max_length=12, blank=True, default="",
                                    verbose_name=_("API key (last four)"))
    is_active = models.BooleanField(default=True, verbose_name=_("active"))
    created_at = models.DateTimeField(default=clock.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("merchant")
        verbose_name_plural = _("merchants")

    def __str__(self) -> str:
        """The name in the language the page or message is written in: the English name for
        English readers when the merchant has one, else its own name (in Traditional script for
        zh-hant readers)."""
        return hant.for_reader(self.name, self.name_en)


class LedgerAccount(models.Model):
    class Kind(models.TextChoices):
        CUSTOMER = "customer", _("Customer wallet")
        MERCHANT = "merchant", _("Merchant")
        FEE_REVENUE = "fee_revenue", _("Fee revenue")
        PROMOTION_EXPENSE = "promotion_expense", _("Promotion expense")
        CLEARING = "clearing", _("Clearing")

    kind = models.CharField(max_length=20, choices=Kind.choices, verbose_name=_("kind"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="ledger_accounts", verbose_name=_("owner"))
    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="ledger_accounts", verbose_name=_("merchant"))
    method = models.CharField(max_length=20, blank=True, default="", verbose_name=_("method"))
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, verbose_name=_("currency"))
    allow_negative = models.BooleanField(default=False, verbose_name=_("may go negative"))
    # Maintained by the trigger on Posting; Python never writes it.
    balance = models.BigIntegerField(default=0, editable=False, verbose_name=_("balance"))
    pending_out = models.BigIntegerField(default=0, editable=False, verbose_name=_("pending out"))
    pending_in = models.BigIntegerField(default=0, editable=False, verbose_name=_("pending in"))
    created_at = models.DateTimeField(default=clock.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        constraints = [
            models.CheckConstraint(condition=Q(pending_out__gte=0), name="account_pending_out_gte_0"),
            models.CheckConstraint(condition=Q(pending_in__gte=0), name="account_pending_in_gte_0"),
            models.CheckConstraint(
                condition=Q(allow_negative=True) | Q(balance__gte=F("pending_out")),
                name="account_available_gte_0",
            ),
            models.UniqueConstraint(fields=["owner", "currency"], condition=Q(kind="customer"),
                                    name="one_wallet_per_owner_currency"),
            models.UniqueConstraint(fields=["merchant", "currency"],
                                    condition=Q(kind="merchant"),
                                    name="one_account_per_merchant_currency"),
            models.UniqueConstraint(fields=["kind", "method", "currency"],
                                    condition=Q(owner__isnull=True, merchant__isnull=True),
                                    name="one_system_account_per_kind"),
        ]

    def __str__(self) -> str:
        who = self.owner_id or self.merchant_id or self.method
        return f"{self.kind}:{who}:{self.currency}"

    @property
    def available(self) -> int:
        return self.balance - self.pending_out


class PaymentMethod(models.Model):
    """A card linked to a customer's wallet: the brand and last four digits are kept, and a keyed
    fingerprint of the number (never the number itself) so that it is linked only once."""

    public_id = models.CharField(max_length=40, unique=True, default="", verbose_name=_("public ID"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="payment_methods", verbose_name=_("owner"))
    kind = models.CharField(max_length=20, choices=[(m.value, m.label) for m in OUTSIDE_METHODS],
                            verbose_name=_("kind"))
    brand = models.CharField(max_length=20, verbose_name=_("brand"))
    last4 = models.CharField(max_length=4, verbose_name=_("last four digits"))
    is_default = models.BooleanField(default=True, verbose_name=_("default"))
    created_at = models.DateTimeField(default=clock.now, verbose_name=_("created at"))
    removed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("removed at"))
    # HMAC-SHA256 of the owner and the full number under a key derived from SECRET_KEY
    # (``services.cards.fingerprint``); NULL for cards linked before it was kept (ADR 0129).
    fingerprint = models.CharField(max_length=64, null=True, blank=True, editable=False,
                                   verbose_name=_("card fingerprint"))

    class Meta:
        verbose_name = _("payment method")
        verbose_name_plural = _("payment methods")
        constraints = [
            # One default per kind among a customer's linked cards: two first cards linked at
            # the same moment have no row to lock, so the database keeps the rule (ADR 0127).
            models.UniqueConstraint(
                fields=["owner", "kind"],
                condition=models.Q(is_default=True, removed_at__isnull=True),
                name="wallet_one_default_card_per_kind"),
            # A card is linked once among a customer's linked cards, whatever its kind; a
            # removed card may be linked again, another customer may link the same one
            # (ADR 0129).
            models.UniqueConstraint(
                fields=["owner", "fingerprint"],
                condition=models.Q(removed_at__isnull=True, fingerprint__isnull=False),
                name="wallet_card_linked_once"),
        ]

    def __str__(self) -> str:
        return f"{self.brand} •••• {self.last4}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.public_id:
            self.public_id = public_id("pm")
        super().save(*args, **kwargs)


class Transaction(models.Model):
    class Type(models.TextChoices):
        TOPUP = "topup", _("Top-up")
        TRANSFER = "transfer", _("Transfer")
        PAYMENT = "payment", _("Payment")
        REFUND = "refund", _("Refund")
        WITHDRAWAL = "withdrawal", _("Withdrawal")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        COMPLETED = "completed", _("Completed")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Incomplete")
        REFUNDED = "refunded", _("Refunded")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
        REVERSED = "reversed", _("Reversed")

    public_id = models.CharField(max_length=40, unique=True, verbose_name=_("public ID"))
    type = models.CharField(max_length=20, choices=Type.choices, verbose_name=_("type"))
    status = models.CharField(max_length=20, choices=Status.choices, verbose_name=_("status"))
    amount = models.BigIntegerField(verbose_name=_("amount"))
    fee = models.BigIntegerField(default=0, verbose_name=_("fee"))
    fee_before_promotion = models.BigIntegerField(default=0, verbose_name=_("fee before the promotion"))
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, verbose_name=_("currency"))
    method = models.CharField(max_length=20, choices=Method.choices, default=Method.BALANCE,
                              verbose_name=_("method"))
    # Every foreign key is indexed by Meta.indexes below, not by its own index (ADR 0121).
    payment_method = models.ForeignKey(PaymentMethod, on_delete=models.PROTECT, null=True,
                                       blank=True, db_index=False,
                                       verbose_name=_("payment method"))
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="transactions", db_index=False,
                                 verbose_name=_("customer"))
    counterparty = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="received_transactions",
                                     db_index=False, verbose_name=_("counterparty"))
    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="transactions", db_index=False,
                                 verbose_name=_("merchant"))
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="children", db_index=False,
                               verbose_name=_("original transaction"))
    fee_policy = models.ForeignKey("FeePolicy", on_delete=models.PROTECT, null=True, blank=True,
                                   db_index=False, verbose_name=_("fee policy"))
    promotion = models.ForeignKey("Promotion", on_delete=models.PROTECT, null=True, blank=True,
                                  db_index=False, verbose_name=_("promotion"))
    refunded_amount = models.BigIntegerField(default=0, verbose_name=_("refunded amount"))
    note = models.CharField(max_length=140, blank=True, default="", verbose_name=_("note"))
    network_ref = models.CharField(max_length=64, blank=True, default="",
                                   verbose_name=_("network reference"))
    expires_at = models.DateTimeField(null=True, blank=True, verbose_name=_("expires at"))
    created_at = models.DateTimeField(default=clock.now, verbose_name=_("created at"))
    updated_at = models.DateTimeField(default=clock.now, verbose_name=_("updated at"))
    completed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("completed at"))

    class Meta:
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="txn_amount_gt_0"),
            models.CheckConstraint(condition=Q(fee__gte=0), name="txn_fee_gte_0"),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0) & Q(refunded_amount__lte=F("amount")),
                name="txn_refunded_within_amount",
            ),
        ]
        # Most rows are written once and read through these: every index is one more B-tree
        # insert per booking, so none repeats another's leading column, and a column that most
        # rows leave empty is indexed only where it is set (ADR 0121). ``x = value`` (and
        # ``<=``, ``IN``) implies ``x IS NOT NULL``: both databases use the partial indexes
        # for such look-ups, a bound parameter included.
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="txn_customer_recent"),
            models.Index(fields=["counterparty", "-created_at"], name="txn_counterparty_recent",
                         condition=Q(counterparty__isnull=False)),
            models.Index(fields=["merchant", "-created_at"], name="txn_merchant_recent",
                         condition=Q(merchant__isnull=False)),
            models.Index(fields=["status", "expires_at"], name="txn_pending_expiry",
                         condition=Q(expires_at__isnull=False)),
            models.Index(fields=["payment_method"], name="txn_payment_method",
                         condition=Q(payment_method__isnull=False)),
            models.Index(fields=["parent"], name="txn_parent",
                         condition=Q(parent__isnull=False)),
            models.Index(fields=["fee_policy"], name="txn_fee_policy",
                         condition=Q(fee_policy__isnull=False)),
            models.Index(fields=["promotion"], name="txn_promotion",
                         condition=Q(promotion__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def reference(self) -> str:
        """The 16 digits a customer reads out to support (``wallet.reference``)."""
        return refs.of(self.public_id)

    @property
    def reference_grouped(self) -> str:
        """"0123 4567 8901 2345", as the customer sees it."""
        return refs.grouped(self.reference)

    @property
    def refundable_amount(self) -> int:
        return self.amount - self.refunded_amount

    # What get_type_display / get_status_display give, from a dict built once: Django's
    # versions rebuild a dict of all choices on every call (a dozen times per table of
    # transactions; issue #16). The labels are lazy: translated when rendered.
    @property
    def type_label(self) -> object:
        return _TYPE_LABELS.get(self.type, self.type)

    @property
    def status_label(self) -> object:
        return _STATUS_LABELS.get(self.status, self.status)


_TYPE_LABELS: dict[str, object] = dict(Transaction.Type.choices)
_STATUS_LABELS: dict[str, object] = dict(Transaction.Status.choices)


# Why a status changed, as shown to people (the stored ``reason`` is the stable code).
EVENT_REASONS = {
    "created": _("Created"),
    "sent_to_network": _("Sent to the bank or card network"),
    "network_confirmed": _("Confirmed by the network"),
    "network_declined": _("Declined by the network"),
    "timeout": _("Not confirmed in time; held money released"),
    "late_confirmation": _("Confirmed after the time limit; the money was sent back"),
    "refund": _("Refunded by the merchant"),
    "expired_by_support": _("Given up by customer support; held money released"),
    "fee_refunded": _("Fee refunded by customer support"),
    "fee_refund": _("Refund of a fee"),
}

POSTING_KINDS = {
    "principal": _("Amount"),
    "fee": _("Fee"),
    "promotion": _("Promotion"),
    "refund": _("Refund"),
    "fee_refund": _("Fee refund"),
}


class TransactionEvent(models.Model):
    """One change of a transaction's status, with its time and reason (append-only)."""

    transaction = models.ForeignKey(Transaction, on_delete=models.CASCADE, related_name="events",
                                    verbose_name=_("transaction"))
    from_status = models.CharField(max_length=20, blank=True, default="", verbose_name=_("previous status"))
    to_status = models.CharField(max_length=20, verbose_name=_("new status"))
    reason = models.CharField(max_length=60, verbose_name=_("reason"))
    detail = models.CharField(max_length=300, blank=True, default="", verbose_name=_("detail"))
    at = models.DateTimeField(default=clock.now, verbose_name=_("time"))

    class Meta:
        verbose_name = _("transaction event")
        verbose_name_plural = _("transaction events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.transaction_id}: {self.from_status}->{self.to_status}"

    @property
    def reason_label(self) -> str:
        return str(EVENT_REASONS.get(self.reason, self.reason))

    @property
    def to_label(self) -> str:
        return str(Transaction.Status(self.to_status).label)

    @property
    def from_label(self) -> str:
        return str(Transaction.Status(self.from_status).label) if self.from_status else ""


class Posting(models.Model):
    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="postings",
                                    verbose_name=_("transaction"))
    # Indexed by posting_source_time / posting_dest_time, which lead with them (ADR 0121).
    source = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="+",
                               db_index=False, verbose_name=_("from account"))
    destination = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="+",
                                    db_index=False, verbose_name=_("to account"))
    amount = models.BigIntegerField(verbose_name=_("amount"))
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, verbose_name=_("currency"))
    kind = models.CharField(max_length=20,
                            verbose_name=_("kind"))  # principal, fee, promotion, refund, reversal
    created_at = models.DateTimeField(default=clock.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="posting_amount_gt_0"),
            models.CheckConstraint(condition=~Q(source=F("destination")),
                                   name="posting_two_accounts"),
        ]
        indexes = [
            models.Index(fields=["source", "created_at"], name="posting_source_time"),
            models.Index(fields=["destination", "created_at"], name="posting_dest_time"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id}->{self.destination_id} {self.amount} {self.currency}"


class Hold(models.Model):
    class Direction(models.TextChoices):
        OUT = "out"
        IN = "in"

    class Status(models.TextChoices):
        OPEN = "open"
        POSTED = "posted"
        VOIDED = "voided"

    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="holds",
                                    verbose_name=_("transaction"))
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="holds",
                                verbose_name=_("account"))
    direction = models.CharField(max_length=3, choices=Direction.choices, verbose_name=_("direction"))
    amount = models.BigIntegerField(verbose_name=_("amount"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN,
                              verbose_name=_("status"))
    created_at = models.DateTimeField(default=clock.now, verbose_name=_("created at"))
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("closed at"))

    class Meta:
        verbose_name = _("pending hold")
        verbose_name_plural = _("pending holds")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="hold_amount_gt_0"),
        ]

    def __str__(self) -> str:
        return f"hold {self.direction} {self.amount} on {self.account_id} ({self.status})"


class FeePolicy(models.Model):
    """A versioned fee rule for one operation × method × currency."""

    operation = models.CharField(max_length=20, choices=Operation.choices, verbose_name=_("operation"))
    method = models.CharField(max_length=20, choices=Method.choices, verbose_name=_("method"))
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, verbose_name=_("currency"))
    version = models.PositiveIntegerField(default=1, verbose_name=_("version"))
    basis_points = models.PositiveIntegerField(default=0, help_text=_("1 bp = 0.01%"),
                                               verbose_name=_("rate (basis points)"))
    fixed = models.BigIntegerField(default=0, help_text=_("minor units"), verbose_name=_("fixed fee"))
    minimum = models.BigIntegerField(default=0, verbose_name=_("minimum fee"))
    maximum = models.BigIntegerField(null=True, blank=True, verbose_name=_("maximum fee"))
    effective_from = models.DateTimeField(default=clock.now, verbose_name=_("effective from"))
    effective_to = models.DateTimeField(null=True, blank=True, verbose_name=_("effective until"))
    note_zh = models.CharField(max_length=200, blank=True, default="", verbose_name=_("note (Chinese)"))
    note_en = models.CharField(max_length=200, blank=True, default="", verbose_name=_("note (English)"))
    created_at = models.DateTimeField(default=clock.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("fee policy")
        verbose_name_plural = _("fee policies")
        constraints = [
            models.UniqueConstraint(fields=["operation", "method", "currency", "version"],
                                    name="fee_policy_version_unique"),
            models.CheckConstraint(condition=Q(fixed__gte=0) & Q(minimum__gte=0),
                                   name="fee_policy_nonnegative"),
            models.CheckConstraint(
                condition=Q(maximum__isnull=True) | Q(maximum__gte=F("minimum")),
                name="fee_policy_max_gte_min",
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gt=F("effective_from")),
                name="fee_policy_window_ordered",
            ),
        ]
        ordering = ["operation", "method", "currency", "-version"]

    def __str__(self) -> str:
        return f"{self.operation}/{self.method}/{self.currency} v{self.version}"


class Promotion(models.Model):
    """A fee-free (or fee-reduced) window, optionally per method, with a per-user cap."""

    name_zh = models.CharField(max_length=120, verbose_name=_("name (Chinese)"))
    name_en = models.CharField(max_length=120, verbose_name=_("name (English)"))
    operation = models.CharField(max_length=20, choices=Operation.choices, verbose_name=_("operation"))
    method = models.CharField(max_length=20, choices=Method.choices, blank=True, default="",
                              help_text=_("empty = every method"), verbose_name=_("method"))
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, blank=True, default="",
                                verbose_name=_("currency"))
    discount_bps = models.PositiveIntegerField(default=10_000,
                                               help_text=_("share of the fee waived; 10000 = all"),
                                               verbose_name=_("share of the fee waived (basis points)"))
    starts_at = models.DateTimeField(verbose_name=_("starts at"))
    ends_at = models.DateTimeField(verbose_name=_("ends at"))
    per_user_limit = models.PositiveIntegerField(null=True, blank=True,
                                                 help_text=_("uses per user; empty = no cap"),
                                                 verbose_name=_("uses per user"))
    is_active = models.BooleanField(default=True, verbose_name=_("active"))

    class Meta:
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")),
                                   name="promotion_window_ordered"),
            models.CheckConstraint(condition=Q(discount_bps__lte=10_000),
                                   name="promotion_discount_le_100pct"),
        ]

    def __str__(self) -> str:
        return self.name_en


class PaymentRequest(models.Model):
    """A merchant asks a customer to pay; nothing moves until the customer approves."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for approval")
        PAID = "paid", _("Approved")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")

    public_id = models.CharField(max_length=40, unique=True, verbose_name=_("public ID"))
    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="requests",
                                 verbose_name=_("merchant"))
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="payment_requests", verbose_name=_("customer"))
    amount = models.BigIntegerField(verbose_name=_("amount"))
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, verbose_name=_("currency"))
    description = models.CharField(max_length=140, blank=True, default="", verbose_name=_("description"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN,
                              verbose_name=_("status"))
    transaction = models.OneToOneField(Transaction, on_delete=models.PROTECT, null=True,
                                       blank=True, related_name="payment_request",
                                       verbose_name=_("transaction"))
    created_at = models.DateTimeField(default=clock.now, verbose_name=_("created at"))
    expires_at = models.DateTimeField(verbose_name=_("expires at"))

    class Meta:
        verbose_name = _("payment request")
        verbose_name_plural = _("payment requests")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="request_amount_gt_0")]

    def __str__(self) -> str:
        return self.public_id


class IdempotencyRecord(models.Model):
    """The first answer to a money-moving call, replayed for the same key."""

    class State(models.TextChoices):
        RUNNING = "running"
        DONE = "done"

    scope = models.CharField(max_length=40, verbose_name=_("scope"))
    key = models.CharField(max_length=255, verbose_name=_("idempotency key"))
    request_hash = models.CharField(max_length=64, verbose_name=_("request fingerprint"))
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING,
                             verbose_name=_("state"))
    owner_token = models.CharField(max_length=32, verbose_name=_("owner token"))
    locked_until = models.DateTimeField(verbose_name=_("locked until"))
    response_status = models.PositiveSmallIntegerField(null=True, blank=True,
                                                       verbose_name=_("response status"))
    response_body = models.JSONField(null=True, blank=True, verbose_name=_("response"))
    created_at = models.DateTimeField(default=clock.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotency_unique")]
        indexes = [models.Index(fields=["created_at"], name="idempotency_age")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


class FeeAnnouncement(models.Model):
    """A notice to users about a fee policy change before it takes effect."""

    policy = models.OneToOneField(FeePolicy, on_delete=models.CASCADE, related_name="announcement",
                                  verbose_name=_("fee policy"))
    title_zh = models.CharField(max_length=160, verbose_name=_("title (Chinese)"))
    title_en = models.CharField(max_length=160, verbose_name=_("title (English)"))
    body_zh = models.TextField(verbose_name=_("text (Chinese)"))
    body_en = models.TextField(verbose_name=_("text (English)"))
    published_at = models.DateTimeField(default=clock.now, verbose_name=_("published at"))

    class Meta:
        verbose_name = _("fee announcement")
        verbose_name_plural = _("fee announcements")

    def __str__(self) -> str:
        return self.title_en


class NetworkOperation(models.Model):
    """The payment-network simulator's own memory (the outside system's side).

    The wallet never reads this table directly: it talks to the network through
    :mod:`walletdesk.wallet.network`, and the simulator answers through it.
    """

    class Kind(models.TextChoices):
        CHARGE = "charge"  # pull money from a card into the wallet
        PAYOUT = "payout"  # push money from the wallet to a card
        REVERSAL = "reversal"  # undo a charge or payout that the wallet gave up on

    class State(models.TextChoices):
        PROCESSING = "processing"
        CONFIRMED = "confirmed"
        FAILED = "failed"
        CANCELLED = "cancelled"

    reference = models.CharField(max_length=40, unique=True, verbose_name=_("reference"))
    client_ref = models.CharField(max_length=80, unique=True, verbose_name=_("client reference"))
    kind = models.CharField(max_length=10, choices=Kind.choices, verbose_name=_("kind"))
    amount = models.BigIntegerField(verbose_name=_("amount"))
    currency = models.CharField(max_length=3, verbose_name=_("currency"))
    method = models.CharField(max_length=20, verbose_name=_("method"))
    planned_outcome = models.CharField(max_length=10, verbose_name=_("planned outcome"))  # confirm, fail
    state = models.CharField(max_length=12, choices=State.choices, default=State.PROCESSING,
                             verbose_name=_("state"))
    decide_at = models.DateTimeField(verbose_name=_("decides at"))
    decline_reason = models.CharField(max_length=40, blank=True, default="",
                                      verbose_name=_("decline reason"))
    created_at = models.DateTimeField(default=clock.now, verbose_name=_("created at"))
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("decided at"))

    class Meta:
        verbose_name = _("payment network operation")
        verbose_name_plural = _("payment network operations")

    def __str__(self) -> str:
        return f"{self.kind} {self.reference} ({self.state})"
