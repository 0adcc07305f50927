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

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from walletdesk.core import clock
from walletdesk.core.money import CURRENCY_CHOICES


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
    slug = models.SlugField(unique=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="merchant", null=True, blank=True)
    api_key_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    api_key_hint = models.CharField(max_length=12, blank=True, default="")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=clock.now)

    def __str__(self) -> str:
        return self.name


class LedgerAccount(models.Model):
    class Kind(models.TextChoices):
        CUSTOMER = "customer", _("Customer wallet")
        MERCHANT = "merchant", _("Merchant")
        FEE_REVENUE = "fee_revenue", _("Fee revenue")
        PROMOTION_EXPENSE = "promotion_expense", _("Promotion expense")
        CLEARING = "clearing", _("Clearing")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="ledger_accounts")
    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="ledger_accounts")
    method = models.CharField(max_length=20, blank=True, default="")
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    allow_negative = models.BooleanField(default=False)
    # Maintained by the trigger on Posting; Python never writes it.
    balance = models.BigIntegerField(default=0, editable=False)
    pending_out = models.BigIntegerField(default=0, editable=False)
    pending_in = models.BigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
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
    """A card linked to a customer's wallet; only the brand and last four digits are kept."""

    public_id = models.CharField(max_length=40, unique=True, default="")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="payment_methods")
    kind = models.CharField(max_length=20, choices=[(m.value, m.label) for m in OUTSIDE_METHODS])
    brand = models.CharField(max_length=20)
    last4 = models.CharField(max_length=4)
    is_default = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=clock.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.brand} •••• {self.last4}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
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

    public_id = models.CharField(max_length=40, unique=True)
    type = models.CharField(max_length=20, choices=Type.choices)
    status = models.CharField(max_length=20, choices=Status.choices)
    amount = models.BigIntegerField()
    fee = models.BigIntegerField(default=0)
    fee_before_promotion = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    method = models.CharField(max_length=20, choices=Method.choices, default=Method.BALANCE)
    payment_method = models.ForeignKey(PaymentMethod, on_delete=models.PROTECT, null=True,
                                       blank=True)
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="transactions")
    counterparty = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="received_transactions")
    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="transactions")
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="children")
    fee_policy = models.ForeignKey("FeePolicy", on_delete=models.PROTECT, null=True, blank=True)
    promotion = models.ForeignKey("Promotion", on_delete=models.PROTECT, null=True, blank=True)
    refunded_amount = models.BigIntegerField(default=0)
    note = models.CharField(max_length=140, blank=True, default="")
    network_ref = models.CharField(max_length=64, blank=True, default="")
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="txn_amount_gt_0"),
            models.CheckConstraint(condition=Q(fee__gte=0), name="txn_fee_gte_0"),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0) & Q(refunded_amount__lte=F("amount")),
                name="txn_refunded_within_amount",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="txn_customer_recent"),
            models.Index(fields=["counterparty", "-created_at"], name="txn_counterparty_recent"),
            models.Index(fields=["merchant", "-created_at"], name="txn_merchant_recent"),
            models.Index(fields=["status", "expires_at"], name="txn_pending_expiry"),
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def refundable_amount(self) -> int:
        return self.amount - self.refunded_amount


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

    transaction = models.ForeignKey(Transaction, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, blank=True, default="")
    to_status = models.CharField(max_length=20)
    reason = models.CharField(max_length=60)
    detail = models.CharField(max_length=300, blank=True, default="")
    at = models.DateTimeField(default=clock.now)

    class Meta:
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
    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="postings")
    source = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="+")
    destination = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="+")
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    kind = models.CharField(max_length=20)  # principal, fee, promotion, refund, reversal
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
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

    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="holds")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="holds")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    amount = models.BigIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=clock.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="hold_amount_gt_0"),
        ]

    def __str__(self) -> str:
        return f"hold {self.direction} {self.amount} on {self.account_id} ({self.status})"


class FeePolicy(models.Model):
    """A versioned fee rule for one operation × method × currency."""

    operation = models.CharField(max_length=20, choices=Operation.choices)
    method = models.CharField(max_length=20, choices=Method.choices)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    version = models.PositiveIntegerField(default=1)
    basis_points = models.PositiveIntegerField(default=0, help_text=_("1 bp = 0.01%"))
    fixed = models.BigIntegerField(default=0, help_text=_("minor units"))
    minimum = models.BigIntegerField(default=0)
    maximum = models.BigIntegerField(null=True, blank=True)
    effective_from = models.DateTimeField(default=clock.now)
    effective_to = models.DateTimeField(null=True, blank=True)
    note_zh = models.CharField(max_length=200, blank=True, default="")
    note_en = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
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
        verbose_name_plural = "fee policies"

    def __str__(self) -> str:
        return f"{self.operation}/{self.method}/{self.currency} v{self.version}"


class Promotion(models.Model):
    """A fee-free (or fee-reduced) window, optionally per method, with a per-user cap."""

    name_zh = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120)
    operation = models.CharField(max_length=20, choices=Operation.choices)
    method = models.CharField(max_length=20, choices=Method.choices, blank=True, default="",
                              help_text=_("empty = every method"))
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, blank=True, default="")
    discount_bps = models.PositiveIntegerField(default=10_000,
                                               help_text=_("share of the fee waived; 10000 = all"))
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    per_user_limit = models.PositiveIntegerField(null=True, blank=True,
                                                 help_text=_("uses per user; empty = no cap"))
    is_active = models.BooleanField(default=True)

    class Meta:
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

    public_id = models.CharField(max_length=40, unique=True)
    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="requests")
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="payment_requests")
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    description = models.CharField(max_length=140, blank=True, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    transaction = models.OneToOneField(Transaction, on_delete=models.PROTECT, null=True,
                                       blank=True, related_name="payment_request")
    created_at = models.DateTimeField(default=clock.now)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="request_amount_gt_0")]

    def __str__(self) -> str:
        return self.public_id


class IdempotencyRecord(models.Model):
    """The first answer to a money-moving call, replayed for the same key."""

    class State(models.TextChoices):
        RUNNING = "running"
        DONE = "done"

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    owner_token = models.CharField(max_length=32)
    locked_until = models.DateTimeField()
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotency_unique")]
        indexes = [models.Index(fields=["created_at"], name="idempotency_age")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


class FeeAnnouncement(models.Model):
    """A notice to users about a fee policy change before it takes effect."""

    policy = models.OneToOneField(FeePolicy, on_delete=models.CASCADE, related_name="announcement")
    title_zh = models.CharField(max_length=160)
    title_en = models.CharField(max_length=160)
    body_zh = models.TextField()
    body_en = models.TextField()
    published_at = models.DateTimeField(default=clock.now)

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

    reference = models.CharField(max_length=40, unique=True)
    client_ref = models.CharField(max_length=80, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    method = models.CharField(max_length=20)
    planned_outcome = models.CharField(max_length=10)  # confirm, fail
    state = models.CharField(max_length=12, choices=State.choices, default=State.PROCESSING)
    decide_at = models.DateTimeField()
    decline_reason = models.CharField(max_length=40, blank=True, default="")
    created_at = models.DateTimeField(default=clock.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.reference} ({self.state})"
