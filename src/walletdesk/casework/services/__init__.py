"""Agent actions: the only code that creates or changes an ``AgentAction``.

``request`` runs every check before anything is written — the caller's role may request
the action (``roles.MATRIX``), the conversation is live and assigned to them, its
customer is verified now, the objects named belong to that customer — then either does
the action or, for four-eyes actions, stores it ``awaiting_approval``. ``approve`` is the
second person: another agent whose role may approve it; every check runs again before
the change is made. Each step writes the audit trail (``audit.py``) in the same
transaction; a refusal changes nothing and is itself written to the security log.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from walletdesk.core import clock
from walletdesk.core.errors import DomainError
from walletdesk.core.money import format_minor
from walletdesk.support import events
from walletdesk.support.models import Agent, Conversation
from walletdesk.wallet.models import Transaction

from .. import audit, guards, notices, roles
from ..errors import (
    ActionNotFound,
    ActionNotPermitted,
    ApprovalNotPermitted,
    ApprovalOwnRequest,
    NotAnAgent,
    NotAwaitingApproval,
    OwnAccount,
    ReasonRequired,
    UnknownAction,
    VerificationRequired,
)
from ..models import AgentAction, MerchantRefundRequest, Verification
from . import verification
from .handlers import SPECS, Ctx

Status = AgentAction.Status
MIN_REASON, MAX_REASON = 5, 500


def agent_for(user: Any) -> Agent:
    agent = roles.staff_agent(user)
    if agent is None:
        raise NotAnAgent()
    return agent


def clean_reason(reason: object) -> str:
    if not isinstance(reason, str) or not (MIN_REASON <= len(reason.strip()) <= MAX_REASON):
        raise ReasonRequired()
    return reason.strip()


def _verified(conv: Conversation) -> Verification:
    v = verification.valid_for(conv)
    if v is None:
        raise VerificationRequired()
    return v


def _refused(exc: DomainError, agent: Agent | None, conv: Conversation | None, action: str,
             **extra: Any) -> None:
    """Refusals are evidence too (an agent probing other customers' ids)."""
    customer = conv.customer if conv is not None else None
    audit.record("action_refused", customer, agent, action=action[:30], refusal=exc.code,
                 conversation=conv.reference if conv else None, **extra)


def request(user: Any, conv_id: int, action: object, reason: object,
            raw: dict[str, Any]) -> AgentAction:
    agent = agent_for(user)
    if not isinstance(action, str) or action not in SPECS:
        raise UnknownAction()
    conv: Conversation | None = None
    try:
        clean = clean_reason(reason)
        if not roles.may_request(agent, action):
            raise ActionNotPermitted()
        conv = guards.live_conversation_of(agent, conv_id)
        v = _verified(conv)
        assert conv.customer is not None
        ctx = Ctx(agent, conv, conv.customer, clean, raw)
        spec = SPECS[action]
        params = spec.check(ctx)
    except DomainError as exc:
        if exc.status == 403:
            _refused(exc, agent, conv, action)
        raise
    if roles.needs_approval(action, params):
        with transaction.atomic():
            act = _create(ctx, action, params, v, Status.AWAITING_APPROVAL)
            audit.record("action_requested", ctx.customer, agent, action=action, params=params,
                         reason=clean, conversation=conv.reference, action_id=act.pk)
            audit.tell_conversation(conv, "action_awaiting_approval", action, agent=agent)
            _changed(act)
        return act
    return _execute(ctx, action, params, v, act=None)


def _create(ctx: Ctx, action: str, params: dict[str, Any], v: Verification,
            status: str) -> AgentAction:
    now = clock.now()
    return AgentAction.objects.create(conversation=ctx.conv, customer=ctx.customer, action=action,
                                      reason=ctx.reason, params=params, status=status,
                                      requested_by=ctx.agent, verification=v, created_at=now,
                                      updated_at=now)


def _execute(ctx: Ctx, action: str, params: dict[str, Any], v: Verification,
             act: AgentAction | None) -> AgentAction:
    spec = SPECS[action]
    outcome: tuple[str, dict[str, Any]] | None = None
    if spec.outside:
        outcome = spec.run(ctx, params)
    with transaction.atomic():
        now = clock.now()
        if act is None:
            act = _create(ctx, action, params, v, Status.DONE)
        elif not AgentAction.objects.filter(pk=act.pk, status=Status.AWAITING_APPROVAL).update(
                status=Status.DONE, approved_by=ctx.actor, decided_at=now, updated_at=now):
            raise NotAwaitingApproval()
        if outcome is None:
            outcome = spec.run(ctx, params, act) if spec.wants_action else spec.run(ctx, params)
        status, result = outcome
        AgentAction.objects.filter(pk=act.pk).update(
            status=status, result=result, updated_at=now,
            completed_at=now if status == Status.DONE else None)
        act.refresh_from_db()
        audit.record("action_done" if status == Status.DONE else "action_started", ctx.customer,
                     ctx.by, action=action, params=params, reason=ctx.reason,
                     conversation=ctx.conv.reference, action_id=act.pk,
                     requested_by=ctx.agent.employee_id, status=status)
        audit.tell_conversation(ctx.conv, f"action_{action}", params.get("transaction_id", ""),
                                agent=ctx.by)
        _changed(act)
    return act


def approve(user: Any, action_id: int) -> AgentAction:
    """The second person: re-checks everything, then makes the change (one approval wins)."""
    approver = agent_for(user)
    act = (AgentAction.objects.select_related("requested_by__user", "conversation__customer")
           .filter(pk=action_id).first())
    if act is None:
        raise ActionNotFound()
    conv: Conversation | None = act.conversation
    try:
        if act.status != Status.AWAITING_APPROVAL:
            raise NotAwaitingApproval()
        if act.requested_by_id == approver.pk:
            raise ApprovalOwnRequest()
        if not roles.may_approve(approver, act.action):
            raise ApprovalNotPermitted()
        requester = act.requested_by
        if not roles.may_request(requester, act.action):
            raise ActionNotPermitted()
        if act.customer_id == approver.user_id:
            raise OwnAccount()
        conv = guards.conversation(act.conversation_id)
        guards.check_live(requester, conv)
        if conv.customer_id != act.customer_id:
            raise VerificationRequired()
        v = _verified(conv)
        assert conv.customer is not None
        ctx = Ctx(requester, conv, conv.customer, act.reason, dict(act.params), actor=approver)
        params = SPECS[act.action].check(ctx)
    except DomainError as exc:
        if exc.status == 403:
            _refused(exc, approver, conv, act.action, action_id=act.pk)
        raise
    audit.record("action_approved", conv.customer, approver, action=act.action, action_id=act.pk,
                 conversation=conv.reference, requested_by=requester.employee_id)
    return _execute(ctx, act.action, params, v, act)


def reject(user: Any, action_id: int, reason: object) -> AgentAction:
    approver = agent_for(user)
    clean = clean_reason(reason)
    act = AgentAction.objects.select_related("conversation").filter(pk=action_id).first()
    if act is None:
        raise ActionNotFound()
    if act.requested_by_id != approver.pk and not roles.may_approve(approver, act.action):
        raise ApprovalNotPermitted()
    now = clock.now()
    with transaction.atomic():
        if not AgentAction.objects.filter(pk=act.pk, status=Status.AWAITING_APPROVAL).update(
                status=Status.REJECTED, approved_by=None, decided_at=now, updated_at=now,
                result={"rejected_by": approver.employee_id, "reason": clean}):
            raise NotAwaitingApproval()
        audit.record("action_rejected", act.customer, approver, action=act.action,
                     action_id=act.pk, reason=clean, conversation=act.conversation.reference)
        audit.tell_conversation(act.conversation, "action_rejected", act.action, agent=approver)
        act.refresh_from_db()
        _changed(act)
    return act


def complete_unlocks(user_id: int) -> int:
    """The customer finished an agent-started unlock themselves (called on their unlock)."""
    now = clock.now()
    waiting = list(AgentAction.objects.select_related("conversation").filter(
        customer_id=user_id, action="start_unlock", status=Status.AWAITING_CUSTOMER))
    for act in waiting:
        if AgentAction.objects.filter(pk=act.pk, status=Status.AWAITING_CUSTOMER).update(
                status=Status.DONE, completed_at=now, updated_at=now):
            audit.tell_conversation(act.conversation, "unlock_completed")
            act.status = Status.DONE
            _changed(act)
    return len(waiting)


def grant_merchant_refunds(refund: Transaction) -> None:
    """The merchant refunded a payment through its own endpoint: every open request to refund
    that payment is granted and its customer told (called in the refund's transaction)."""
    for req in MerchantRefundRequest.objects.select_related(
            "action__conversation", "action__customer", "merchant", "payment").filter(
            payment_id=refund.parent_id, status=MerchantRefundRequest.Status.OPEN):
        if MerchantRefundRequest.objects.filter(pk=req.pk, status=MerchantRefundRequest.Status.OPEN
                                                ).update(status=MerchantRefundRequest.Status.GRANTED,
                                                         granted_at=clock.now(), refund=refund):
            conv = req.action.conversation
            audit.tell_conversation(conv, "refund_granted", refund.public_id)
            notices.tell_owner(req.action.customer, "refund_granted", reference=conv.reference,
                               merchant=req.merchant.name, payment=req.payment.public_id,
                               amount=format_minor(refund.amount, refund.currency))


def _changed(act: AgentAction) -> None:
    frame = {"type": "casework", "conversation_id": act.conversation_id, "action_id": act.pk,
             "status": act.status}
    events.publish(events.staff_group(act.conversation_id), frame)
    events.publish(events.AGENTS, {"type": "casework", "action_id": act.pk, "status": act.status})


def as_dict(act: AgentAction) -> dict[str, Any]:
    out: dict[str, Any] = {"id": act.pk, "action": act.action, "status": act.status,
                           "reason": act.reason, "params": act.params,
                           "conversation_id": act.conversation_id,
                           "requested_by": act.requested_by.employee_id,
                           "approved_by": act.approved_by.employee_id if act.approved_by else None,
                           "created_at": act.created_at.isoformat()}
    if act.status in (Status.DONE, Status.AWAITING_CUSTOMER, Status.REJECTED):
        out["result"] = act.result
    return out
