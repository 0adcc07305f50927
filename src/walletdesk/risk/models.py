from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from walletdesk.core import clock


class Outcome(models.TextChoices):
    ALLOW = "allow", _("allow")
    STEP_UP = "step_up", _("step up")
    HOLD = "hold", _("hold for review")
    FREEZE = "freeze", _("freeze")


SEVERITY = {Outcome.ALLOW: 0, Outcome.STEP_UP: 1, Outcome.HOLD: 2, Outcome.FREEZE: 3}


class RiskRule(models.Model):
    """One rule on outgoing money; thresholds and outcome are edited in the admin.

    Amounts are in minor units of the operation's currency.
    """

    class Code(models.TextChoices):
        STEP_UP_AMOUNT = "step_up_amount", _("amount that needs a recent authentication")
        COUNT_HOUR = "count_hour", _("operations per hour")
        COUNT_DAY = "count_day", _("operations per day")
        AMOUNT_HOUR = "amount_hour", _("amount per hour")
        AMOUNT_DAY = "amount_day", _("amount per day")
        FAR_ABOVE_USUAL = "far_above_usual", _("amount far above the usual")
        NEW_PAYEE_LARGE = "new_payee_large", _("large amount to a new payee")
        AFTER_CREDENTIAL_CHANGE = "after_credential_change", _("money out soon after a credential change")

    code = models.CharField(max_length=40, choices=Code.choices, unique=True, verbose_name=_("rule"))
    enabled = models.BooleanField(default=True, verbose_name=_("enabled"))
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.STEP_UP,
                               verbose_name=_("outcome"))
    limit_count = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("count limit"))
    limit_amount = models.BigIntegerField(null=True, blank=True,
                                          verbose_name=_("amount limit"))
    factor = models.FloatField(null=True, blank=True, verbose_name=_("factor"))
    window_hours = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("window (hours)"))

    class Meta:
        verbose_name = _("risk rule")
        verbose_name_plural = _("risk rules")

    def __str__(self) -> str:
        return str(self.get_code_display())


class RiskDecision(models.Model):
    """Every assessment of an outgoing operation, with the rules that fired."""

    # Indexed by riskdecision_user_at, which leads with it (ADR 0121).
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="risk_decisions",
                             db_index=False, verbose_name=_("user"))
    operation = models.CharField(max_length=20, verbose_name=_("operation"))
    amount = models.BigIntegerField(verbose_name=_("amount"))
    currency = models.CharField(max_length=3, verbose_name=_("currency"))
    outcome = models.CharField(max_length=10, choices=Outcome.choices, verbose_name=_("outcome"))
    # Who the money was for, as the caller named it (a login, a shop's slug); "" for withdrawals.
    payee = models.CharField(max_length=120, blank=True, default="", verbose_name=_("payee"))
    reasons = models.JSONField(default=list, blank=True, verbose_name=_("reasons"))
    interactive = models.BooleanField(default=True, verbose_name=_("interactive"))
    created_at = models.DateTimeField(default=clock.now, verbose_name=_("created at"))
    # Written once even when the caller's transaction rolls back (see risk.errors).
    ref = models.UUIDField(default=uuid.uuid4, unique=True, editable=False, verbose_name=_("reference"))

    class Meta:
        verbose_name = _("risk decision")
        verbose_name_plural = _("risk decisions")
        indexes = [models.Index(fields=["user", "created_at"], name="riskdecision_user_at")]

    def __str__(self) -> str:
        return f"{self.operation} {self.amount} {self.currency}: {self.outcome}"


class Review(models.Model):
    """A payment held by the rules (``held_for_review``), open until staff approve or reject it.

    An approval lets the same operation (type, payee, currency, amount up to the held one)
    pass the rules once within ``APPROVAL_HOURS``; the customer is told to send it again.
    """

    APPROVAL_HOURS = 24

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    decision = models.OneToOneField(RiskDecision, on_delete=models.CASCADE, related_name="review",
                                    verbose_name=_("risk decision"))
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="risk_reviews",
                             verbose_name=_("user"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN,
                              verbose_name=_("status"))
    opened_at = models.DateTimeField(default=clock.now, verbose_name=_("opened at"))
    reviewer = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("reviewer"))
    reviewed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("reviewed at"))
    note = models.CharField(_("reason"), max_length=500, blank=True, default="")
    froze = models.BooleanField(default=False, verbose_name=_("froze outgoing money"))
    approved_until = models.DateTimeField(null=True, blank=True, verbose_name=_("approved until"))
    used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("used at"))

    class Meta:
        verbose_name = _("held payment review")
        verbose_name_plural = _("held payment reviews")
        indexes = [models.Index(fields=["status", "opened_at"], name="riskreview_status_at"),
                   models.Index(fields=["user", "status"], name="riskreview_user_status")]

    def __str__(self) -> str:
        return f"review {self.pk}: {self.status}"


DEFAULT_RULES = [
    # code, outcome, count, amount, factor, window hours
    ("step_up_amount", "step_up", None, 100_000, None, None),
    ("count_hour", "step_up", 10, None, None, 1),
    ("count_day", "hold", 50, None, None, 24),
    ("amount_hour", "step_up", None, 2_000_000, None, 1),
    ("amount_day", "hold", None, 5_000_000, None, 24),
    ("far_above_usual", "step_up", 3, 50_000, 10.0, 24 * 30),
    ("new_payee_large", "step_up", None, 500_000, None, None),
    ("after_credential_change", "hold", None, 100_000, None, 24),
]


class RiskCounter(models.Model):
    """One user's outgoing money in one currency: this hour and this day (ADR 0046).

    The velocity rules read these totals instead of counting past transactions. Every
    outgoing transaction adds itself in the transaction that writes it, and an interactive
    request reads the row under its lock first, in the same database transaction that books
    the money, so parallel requests queue on the row and exactly the limit passes. Periods
    are the hour and the day on the user's clock; a row whose period has ended counts as zero
    and is reset by its next write. ``misses`` counts this day's transfers to unknown
    recipients (a rate-limited lookup, ADR 0047).
    """

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    currency = models.CharField(max_length=3)
    hour_start = models.DateTimeField()
    hour_count = models.IntegerField(default=0)
    hour_amount = models.BigIntegerField(default=0)
    day_start = models.DateTimeField()
    day_count = models.IntegerField(default=0)
    day_amount = models.BigIntegerField(default=0)
    misses = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "currency"],
                                               name="riskcounter_user_currency")]

    def __str__(self) -> str:
        return f"counter {self.user_id} {self.currency}"
