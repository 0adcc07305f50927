"""Refund requests from customers to merchants, and the disputes they may become.

* ``MerchantTerms``: a merchant's own settings for answering (how many business days,
  in which region's business hours) and the merchant's webhook endpoint.
* ``RefundRequest``: a customer asks a merchant for all or part of a payment back. The
  merchant grants (the refund books through ``wallet.services.refund``), partly grants or
  declines by ``respond_by``; an unanswered request expires; a declined or expired one
  can be escalated to customer support, which refunds from the merchant's balance or
  closes it (``casework`` actions).
* ``RefundRequestEvent``: the timeline (append-only), shown to the customer, the
  merchant and agents alike.
* ``RefundRequestImage``: up to three photos, re-encoded as chat images are.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from walletdesk.core import clock
from walletdesk.core.money import CURRENCY_CHOICES

DEFAULT_ANSWER_DAYS = 3


class MerchantTerms(models.Model):
    merchant = models.OneToOneField("wallet.Merchant", on_delete=models.CASCADE,
                                    related_name="refund_terms", verbose_name=_("merchant"))
    region = models.CharField(_("region"), max_length=8, default="CN",
                              help_text=_("Whose business hours count for the deadline"))
    answer_business_days = models.PositiveSmallIntegerField(
        _("business days to answer"), default=DEFAULT_ANSWER_DAYS)
    webhook = models.OneToOneField("webhooks.Endpoint", on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+",
                                   verbose_name=_("webhook endpoint"))

    class Meta:
        verbose_name = _("merchant refund terms")
        verbose_name_plural = _("merchant refund terms")
        constraints = [models.CheckConstraint(
            condition=Q(answer_business_days__gte=1) & Q(answer_business_days__lte=30),
            name="refund_terms_days_1_30")]

    def __str__(self) -> str:
        return f"{self.merchant_id}: {self.answer_business_days} ({self.region})"


class Reason(models.TextChoices):
    NOT_RECEIVED = "not_received", _("I did not receive what I paid for")
    NOT_AS_DESCRIBED = "not_as_described", _("It was not as described")
    CHARGED_TWICE = "charged_twice", _("I was charged twice")
    CANCELLED = "cancelled", _("I cancelled the order")
    WRONG_AMOUNT = "wrong_amount", _("The amount was wrong")
    OTHER = "other", pgettext_lazy("refund reason", "Something else")


class RefundRequest(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the merchant")
        GRANTED = "granted", _("Refunded by the merchant")
        PARTIALLY_GRANTED = "partially_granted", _("Partly refunded by the merchant")
        DECLINED = "declined", _("Declined by the merchant")
        EXPIRED = "expired", _("No answer in time")
        ESCALATED = "escalated", _("With customer support")
        RESOLVED_BY_SUPPORT = "resolved_by_support", _("Decided by customer support")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    public_id = models.CharField(_("public ID"), max_length=40, unique=True)
    payment = models.ForeignKey("wallet.Transaction", on_delete=models.PROTECT,
                                related_name="refund_requests", verbose_name=_("payment"))
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="refund_requests", verbose_name=_("customer"))
    merchant = models.ForeignKey("wallet.Merchant", on_delete=models.PROTECT,
                                 related_name="customer_refund_requests",
                                 verbose_name=_("merchant"))
    amount = models.BigIntegerField(_("amount asked"))
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    text = models.CharField(_("in the customer's words"), max_length=1000, blank=True,
                            default="")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.OPEN)
    respond_by = models.DateTimeField(_("answer by"))
    granted_amount = models.BigIntegerField(_("amount refunded"), default=0)
    decline_reason = models.CharField(_("why declined"), max_length=500, blank=True, default="")
    refund = models.ForeignKey("wallet.Transaction", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="+", verbose_name=_("refund"))
    conversation = models.ForeignKey("support.Conversation", on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="refund_requests",
                                     verbose_name=_("support conversation"))
    outcome = models.CharField(_("support's decision"), max_length=20, blank=True, default="")
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    answered_at = models.DateTimeField(pgettext_lazy("refund request", "answered at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    # Statuses that still hold the payment: a new request waits until these end.
    ACTIVE = ("open", "declined", "expired", "escalated")

    class Meta:
        verbose_name = _("refund request")
        verbose_name_plural = _("refund requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="disputes_amount_gt_0"),
            models.CheckConstraint(condition=Q(granted_amount__gte=0) &
                                   Q(granted_amount__lte=models.F("amount")),
                                   name="disputes_granted_within_amount"),
            models.UniqueConstraint(fields=["payment"],
                                    condition=Q(status__in=["open", "declined", "expired",
                                                            "escalated"]),
                                    name="disputes_one_active_request_per_payment"),
        ]
        indexes = [
            models.Index(fields=["status", "respond_by"], name="disputes_status_due"),
            models.Index(fields=["merchant", "-created_at"], name="disputes_merchant_recent"),
            models.Index(fields=["customer", "-created_at"], name="disputes_customer_recent"),
        ]

    def __str__(self) -> str:
        return self.public_id


class RefundRequestEvent(models.Model):
    class Kind(models.TextChoices):
        ASKED = "asked", _("Refund asked")
        GRANTED = "granted", _("Refunded by the merchant")
        PARTIALLY_GRANTED = "partially_granted", _("Partly refunded by the merchant")
        DECLINED = "declined", _("Declined by the merchant")
        EXPIRED = "expired", _("The merchant did not answer in time")
        ESCALATED = "escalated", _("Passed to customer support")
        SUPPORT_REFUNDED = "support_refunded", _("Refunded by customer support from the "
                                                 "merchant's balance")
        SUPPORT_CLOSED = "support_closed", _("Closed by customer support")
        WITHDRAWN = "withdrawn", _("Withdrawn by the customer")

    class Actor(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        MERCHANT = "merchant", _("Merchant")
        SUPPORT = "support", _("Customer support")
        SYSTEM = "system", _("Automatic")

    request = models.ForeignKey(RefundRequest, on_delete=models.CASCADE, related_name="events",
                                verbose_name=_("refund request"))
    kind = models.CharField(_("what happened"), max_length=20, choices=Kind.choices)
    actor = models.CharField(_("by"), max_length=10, choices=Actor.choices)
    amount = models.BigIntegerField(_("amount"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True, default="")
    at = models.DateTimeField(_("time"), default=clock.now)

    class Meta:
        verbose_name = _("refund request event")
        verbose_name_plural = _("refund request events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.kind}"


class RefundRequestImage(models.Model):
    request = models.ForeignKey(RefundRequest, on_delete=models.CASCADE, related_name="images",
                                verbose_name=_("refund request"))
    content_type = models.CharField(max_length=40)
    data = models.BinaryField()
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("refund request photo")
        verbose_name_plural = _("refund request photos")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"photo {self.pk} of {self.request_id}"
