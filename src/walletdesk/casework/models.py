"""Verified customers and typed agent actions inside a support conversation.

* ``Verification``: the agent asks, the customer proves who they are (in the
  logged-in app, with a code sent to the contact on file, or with their
  authenticator). Never security questions. It expires.
* ``AgentAction``: one typed action (unlock, trace, refund a fee, ...) with its
  required reason, parameters, state and result. Every state change is also
  written to the hash-chained security log and to the conversation's record
  (see docs/agent-actions.md).
* ``MerchantRefundRequest``: what the merchant sees through its API key.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from walletdesk.core import clock


class Verification(models.Model):
    class Method(models.TextChoices):
        IN_APP = "in_app", _("Confirm in the app")
        CODE = "code", _("Code sent to the contact on file")
        TOTP = "totp", _("Authenticator app code")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the customer")
        CONFIRMED = "confirmed", _("Verified")
        CANCELLED = "cancelled", _("Replaced by a newer request")

    conversation = models.ForeignKey("support.Conversation", on_delete=models.CASCADE,
                                     related_name="verifications", verbose_name=_("conversation"))
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("customer"))
    requested_by = models.ForeignKey("support.Agent", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    method = models.CharField(max_length=10, choices=Method.choices, verbose_name=_("method"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING,
                              verbose_name=_("status"))
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    created_at = models.DateTimeField(default=clock.now, verbose_name=_("created at"))
    confirmed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("confirmed at"))
    # Pending: the request lapses at this time; confirmed: the verification does.
    expires_at = models.DateTimeField(verbose_name=_("expires at"))

    class Meta:
        verbose_name = _("customer verification")
        verbose_name_plural = _("customer verifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["conversation", "-created_at"], name="verif_conv_recent")]

    def __str__(self) -> str:
        return f"verification {self.pk} ({self.status})"

    def valid_now(self) -> bool:
        return (self.status == self.Status.CONFIRMED and self.expires_at > clock.now()
                and self.conversation.customer_id == self.customer_id)


class AgentAction(models.Model):
    class Status(models.TextChoices):
        DONE = "done", _("Done")
        AWAITING_CUSTOMER = "awaiting_customer", _("Waiting for the customer")
        AWAITING_APPROVAL = "awaiting_approval", _("Waiting for approval")
        REJECTED = "rejected", _("Rejected")
        FAILED = "failed", _("Failed")

    conversation = models.ForeignKey("support.Conversation", on_delete=models.PROTECT,
                                     related_name="actions", verbose_name=_("conversation"))
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("customer"))
    action = models.CharField(max_length=30, verbose_name=_("action"))
    reason = models.CharField(max_length=500, verbose_name=_("reason"))
    params = models.JSONField(default=dict, blank=True, verbose_name=_("parameters"))
    status = models.CharField(max_length=20, choices=Status.choices, verbose_name=_("status"))
    requested_by = models.ForeignKey("support.Agent", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    approved_by = models.ForeignKey("support.Agent", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+", verbose_name=_("approved by"))
    verification = models.ForeignKey(Verification, on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+", verbose_name=_("verification"))
    result = models.JSONField(default=dict, blank=True, verbose_name=_("result"))
    created_at = models.DateTimeField(default=clock.now, verbose_name=_("created at"))
    updated_at = models.DateTimeField(default=clock.now, verbose_name=_("updated at"))
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("decided at"))
    completed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("completed at"))

    class Meta:
        verbose_name = _("agent action")
        verbose_name_plural = _("agent actions")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="action_status_time"),
                   models.Index(fields=["conversation", "-created_at"], name="action_conv_recent")]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="action_reason_required"),
            models.CheckConstraint(condition=Q(approved_by__isnull=True) | ~Q(
                approved_by=models.F("requested_by")), name="action_not_self_approved"),
        ]

    def __str__(self) -> str:
        return f"{self.action} #{self.pk} ({self.status})"


class MerchantRefundRequest(models.Model):
    """Support asks a merchant to refund a payment; the merchant grants it with its own
    refund endpoint (``POST /api/v1/wallet/payments/{id}/refunds``)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the merchant")
        GRANTED = "granted", _("Refunded by the merchant")

    action = models.OneToOneField(AgentAction, on_delete=models.PROTECT, related_name="refund_request",
                                  verbose_name=_("action"))
    merchant = models.ForeignKey("wallet.Merchant", on_delete=models.PROTECT,
                                 related_name="refund_requests", verbose_name=_("merchant"))
    payment = models.ForeignKey("wallet.Transaction", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("payment"))
    amount = models.BigIntegerField(verbose_name=_("amount"))
    note = models.CharField(max_length=500, blank=True, default="", verbose_name=_("note"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN,
                              verbose_name=_("status"))
    created_at = models.DateTimeField(default=clock.now, verbose_name=_("created at"))
    granted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("granted at"))
    refund = models.ForeignKey("wallet.Transaction", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="+", verbose_name=_("refund"))

    class Meta:
        verbose_name = _("merchant refund request")
        verbose_name_plural = _("merchant refund requests")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_request_amount_gt_0"),
            models.UniqueConstraint(fields=["payment"], condition=Q(status="open"),
                                    name="one_open_refund_request_per_payment"),
        ]

    def __str__(self) -> str:
        return f"refund request {self.pk} ({self.status})"
