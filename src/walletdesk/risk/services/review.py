"""The review queue: payments held by the rules wait here for a supervisor or an admin.

* A ``hold`` decision opens a case (one per identical operation while it is open) and the
  customer is told that nothing left the account.
* **Approve** (a reason is required): the same operation, that is the same type, payee
  and currency with an amount up to the held one, passes the hold rules **once** within
  24 hours; the customer is told to send it again (with the same Idempotency-Key if they
  like: a held refusal is not replayed). Other rules (step-up, freeze) still apply.
* **Reject** (a reason is required): the payment stays refused; the reviewer may also
  freeze outgoing money (a ``review`` hold that only staff release).
* Nobody reviews their own payment. Every step is a security event; the customer hears
  of it in their language. ADR 0045.
"""

from __future__ import annotations

import unicodedata
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from walletdesk.accounts.models import AccountHold, User
from walletdesk.accounts.services import events, holds
from walletdesk.core import clock
from walletdesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from walletdesk.core.money import format_minor
from walletdesk.notify import services as notify

from ..errors import OwnPayment, ReviewClosed
from ..models import SEVERITY, Outcome, Review, RiskDecision

REVIEWER_ROLES = (User.Role.SUPERVISOR, User.Role.ADMIN)
OPERATIONS = {"transfer": _("transfer"), "payment": _("payment"), "withdrawal": _("withdrawal")}
NOTE_MAX = 500
Reason = dict[str, Any]


# --- called by risk.services.assess_outgoing ------------------------------------------------

def rules_outcome(fired: list[Reason], recent_auth: bool) -> str:
    """The most severe outcome of the rules that fired; a step-up is satisfied by a recent
    authentication (and marked so in its reason)."""
    outcome = Outcome.ALLOW
    for reason in fired:
        o = reason["outcome"]
        if o == Outcome.STEP_UP and recent_auth:
            reason["satisfied"] = True
            continue
        if SEVERITY[Outcome(o)] > SEVERITY[outcome]:
            outcome = Outcome(o)
    return str(outcome)


def payee_key(operation: str, payee: object) -> str:
    """The payee as the caller named it, comparable without a query (a login or a slug)."""
    from walletdesk.accounts.services import normalize_login

    if operation == "transfer" and isinstance(payee, str):
        return normalize_login(payee)[:120]
    if operation == "payment" and payee is not None:
        slug = getattr(payee, "slug", None)
        return str(slug if slug is not None else payee).strip()[:120]
    return ""


def decide(user: User, operation: str, amount: int, currency: str, payee: object,
           reasons: list[Reason], recent: bool) -> str:
    """The rules' outcome, where an unused approval lets a matching held operation pass once."""
    outcome = rules_outcome(reasons, recent)
    if outcome != Outcome.HOLD:
        return outcome
    approval = _approval(user, operation, amount, currency, payee_key(operation, payee))
    if approval is None:
        return outcome
    rest = rules_outcome([r for r in reasons if r["outcome"] != Outcome.HOLD], recent)
    if rest != Outcome.ALLOW:
        return rest  # step up (or a freeze) first; the approval is not used yet
    # Used in the caller's transaction: if the payment fails after all, it is not used up.
    if not Review.objects.filter(pk=approval.pk, used_at__isnull=True).update(used_at=clock.now()):
        return outcome
    for reason in reasons:
        if reason["outcome"] == Outcome.HOLD:
            reason["approved_in_review"] = approval.pk
    events.record("risk_review_used", user, review=approval.pk, operation=operation)
    return str(Outcome.ALLOW)


def _approval(user: User, operation: str, amount: int, currency: str, payee: str) -> Review | None:
    return (Review.objects.filter(
        user=user, status=Review.Status.APPROVED, used_at__isnull=True,
        approved_until__gt=clock.now(), decision__operation=operation,
        decision__currency=currency, decision__payee=payee, decision__amount__gte=amount)
        .order_by("approved_until").first())


def open_case(decision: RiskDecision) -> Review | None:
    """A held decision waits for review (called when the decision is stored)."""
    same = Review.objects.filter(
        user_id=decision.user_id, status=Review.Status.OPEN,
        decision__operation=decision.operation, decision__currency=decision.currency,
        decision__payee=decision.payee, decision__amount=decision.amount)
    if same.exists():
        return None
    review = Review.objects.create(decision=decision, user_id=decision.user_id,
                                   opened_at=decision.created_at)
    notify.tell_owner(decision.user, "risk_hold", **_message_context(decision))
    return review


# --- the reviewers ----------------------------------------------------------------------------

def can_review(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and (
        user.role in REVIEWER_ROLES or user.is_superuser))


def open_cases() -> QuerySet[Review]:
    return (Review.objects.filter(status=Review.Status.OPEN)
            .select_related("decision", "user").order_by("opened_at", "pk"))


def recent_closed(limit: int = 20) -> list[Review]:
    return list(Review.objects.exclude(status=Review.Status.OPEN)
                .select_related("decision", "user", "reviewer").order_by("-reviewed_at")[:limit])


def case_for(reviewer: User, review_id: object) -> Review:
    if not can_review(reviewer):
        raise PermissionDenied()
    if not isinstance(review_id, int) or isinstance(review_id, bool):
        raise NotFound()
    review = Review.objects.select_related("decision", "user").filter(pk=review_id).first()
    if review is None:
        raise NotFound()
    return review


def approve(reviewer: User, review_id: object, note: object, *, ip: str | None = None) -> Review:
    review, note = _checked(reviewer, review_id, note)
    now = clock.now()
    until = now + timedelta(hours=Review.APPROVAL_HOURS)
    with transaction.atomic():
        _close(review, reviewer, note, status=Review.Status.APPROVED, approved_until=until)
        events.record("risk_review_approved", review.user, ip=ip, review=review.pk,
                      decision=review.decision_id, by=reviewer.pk, reason=note)
        notify.tell_owner(review.user, "review_approved", until=until.strftime("%Y-%m-%d %H:%M"),
                          **_message_context(review.decision))
    review.refresh_from_db()
    return review


def reject(reviewer: User, review_id: object, note: object, *, freeze: bool = False,
           ip: str | None = None) -> Review:
    review, note = _checked(reviewer, review_id, note)
    with transaction.atomic():
        _close(review, reviewer, note, status=Review.Status.REJECTED, froze=bool(freeze))
        if freeze:
            holds.place(review.user, AccountHold.Kind.REVIEW, "payment rejected after review",
                        blocks_login=False)
        events.record("risk_review_rejected", review.user, ip=ip, review=review.pk,
                      decision=review.decision_id, by=reviewer.pk, reason=note, froze=bool(freeze))
        notify.tell_owner(review.user, "review_rejected", frozen=bool(freeze),
                          **_message_context(review.decision))
    review.refresh_from_db()
    return review


def release_review_hold(reviewer: User, hold: AccountHold, *, ip: str | None = None) -> bool:
    """Staff end a freeze placed by a rejection (the owner's self-service unlock cannot)."""
    if not can_review(reviewer) or reviewer.pk == hold.user_id:
        raise PermissionDenied()
    with transaction.atomic():
        done = bool(holds.active(hold.user).filter(pk=hold.pk, kind=AccountHold.Kind.REVIEW)
                    .update(released_at=clock.now(), released_by=reviewer))
        if done:
            events.record("risk_review_hold_released", hold.user, ip=ip, by=reviewer.pk)
            notify.tell_owner(hold.user, "account_unlocked")
    return done


def _checked(reviewer: User, review_id: object, note: object) -> tuple[Review, str]:
    review = case_for(reviewer, review_id)
    if review.user_id == reviewer.pk:
        raise OwnPayment()
    clean = unicodedata.normalize("NFKC", note).strip() if isinstance(note, str) else ""
    if len(clean) < 3 or len(clean) > NOTE_MAX or any(
            unicodedata.category(c) in ("Cc", "Cf") and c not in "\n\t" for c in clean):
        raise ValidationFailed(_("Give a reason of 3 to 500 characters."), code="reason_required")
    if review.status != Review.Status.OPEN:
        raise ReviewClosed()
    return review, clean


def _close(review: Review, reviewer: User, note: str, **fields: Any) -> None:
    if not Review.objects.filter(pk=review.pk, status=Review.Status.OPEN).update(
            reviewer=reviewer, reviewed_at=clock.now(), note=note, **fields):
        raise ReviewClosed()  # someone else decided first


def _message_context(decision: RiskDecision) -> dict[str, Any]:
    return {"amount": format_minor(decision.amount, decision.currency),
            "payee": decision.payee or "—",
            "operation": OPERATIONS.get(decision.operation, decision.operation)}
