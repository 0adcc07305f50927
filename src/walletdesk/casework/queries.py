"""What the console's context panel shows: each action, what it needs, and why it is or is
not available now (role, verification and its time left, conversation state)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from walletdesk.core.errors import DomainError
from walletdesk.support.models import Agent, Conversation

from . import guards, roles
from .models import AgentAction, MerchantRefundRequest
from .services import as_dict, verification
from .services.handlers import SPECS, Ctx

TXN = gettext_lazy("a transaction ID")
NEEDS = {
    "start_unlock": gettext_lazy("a locked account"),
    "release_hold": gettext_lazy("an active hold (hold ID optional)"),
    "freeze": "", "reset_2fa": gettext_lazy("two-step verification turned on"),
    "trace_transaction": TXN, "retry_transaction": gettext_lazy("a pending transaction ID"),
    "expire_transaction": gettext_lazy("a pending transaction ID"),
    "request_merchant_refund": gettext_lazy("a completed payment's ID (amount and note optional)"),
    "refund_fee": gettext_lazy("the ID of a transaction that charged a fee (amount optional)"),
    "refund_from_merchant": gettext_lazy("a refund request passed to support (payment ID and "
                                         "amount optional)"),
    "close_refund_request": gettext_lazy("a refund request passed to support (payment ID "
                                         "optional)"),
}
# Each action in words, as the console's form names it (casework/_console.html).
ACTION_LABELS = {
    "start_unlock": gettext_lazy("Start an unlock"),
    "release_hold": gettext_lazy("Release a hold"),
    "freeze": gettext_lazy("Freeze the account"),
    "trace_transaction": gettext_lazy("Trace a transaction"),
    "retry_transaction": gettext_lazy("Retry a pending transaction"),
    "expire_transaction": gettext_lazy("Give up a pending transaction"),
    "request_merchant_refund": gettext_lazy("Ask the merchant for a refund"),
    "refund_fee": gettext_lazy("Refund a fee"),
    "reset_2fa": gettext_lazy("Reset two-step verification"),
    "refund_from_merchant": gettext_lazy("Refund from the merchant's balance"),
    "close_refund_request": gettext_lazy("Close the refund request"),
}
# Actions on the account itself, and on a refund request escalated into this conversation:
# the panel can tell at once whether they apply.
ACCOUNT_ACTIONS = ("start_unlock", "release_hold", "reset_2fa", "refund_from_merchant",
                   "close_refund_request")


def _state_blocker(agent: Agent, conv: Conversation, action: str) -> list[dict[str, str]]:
    if action not in ACCOUNT_ACTIONS or conv.customer is None:
        return []
    try:
        SPECS[action].check(Ctx(agent, conv, conv.customer, "", {}))
    except DomainError as exc:
        return [{"code": exc.code, "message": str(exc.message)}]
    return []


def _approval_rule(action: str) -> str:
    rule = roles.MATRIX[action][1]
    if rule == "always":
        return "always"
    if rule == "above_limit":
        return f"above:{roles.fee_refund_approval_above()}"
    return "never"


def panel(agent: Agent, conv: Conversation) -> dict[str, Any]:
    v_live = verification.valid_for(conv)
    blockers: list[dict[str, str]] = []
    if conv.agent_id != agent.pk:
        blockers.append({"code": "not_your_conversation",
                         "message": _("This conversation is not assigned to you.")})
    if conv.status not in guards.LIVE:
        blockers.append({"code": "conversation_not_live",
                         "message": _("Actions are possible only while the conversation is active.")})
    if conv.customer_id is None:
        blockers.append({"code": "customer_unknown",
                         "message": _("The customer has not proven their contact yet.")})
    elif v_live is None:
        blockers.append({"code": "verification_required",
                         "message": _("Verify the customer in this conversation first.")})
    actions = []
    for name in roles.ACTIONS:
        permitted = roles.may_request(agent, name)
        why = ([] if permitted else [{"code": "action_not_permitted",
                                      "message": _("Your role does not allow this action.")}])
        why += _state_blocker(agent, conv, name)
        actions.append({"action": name, "permitted": permitted, "needs": str(NEEDS[name]),
                        "approval": _approval_rule(name),
                        "approvers": sorted(roles.APPROVERS[name]),
                        "roles": sorted(roles.PERMITTED[name]),
                        "role_labels": _role_labels(roles.PERMITTED[name]),
                        "available": not why and not blockers, "why_not": why + blockers})
    history = AgentAction.objects.filter(conversation=conv).select_related(
        "requested_by", "approved_by")[:30]
    return {
        "conversation_id": conv.pk, "conversation_status": conv.status, "topic": conv.topic,
        "assigned_to_me": conv.agent_id == agent.pk, "role": roles.role_of(agent),
        "employee_id": agent.employee_id,
        "verification": verification.as_dict(verification.latest(conv)),
        "verified": v_live is not None, "blockers": blockers,
        "methods": verification.available_methods(conv.customer) if conv.customer else [],
        "actions": actions, "history": [as_dict(a) for a in history],
        **(_objects(conv) if conv.agent_id == agent.pk and conv.customer else
           {"holds": [], "transactions": []}),
        "currency": _wallet_currency(conv),
        "approvals": approval_queue(agent),
    }


def _role_labels(codes: Any) -> list[str]:
    """Staff roles as words ("Senior agent", never `senior_agent`)."""
    from walletdesk.accounts.models import User

    names = dict(User.Role.choices)
    return [str(names.get(c, c)) for c in sorted(codes)]


def _objects(conv: Conversation) -> dict[str, Any]:
    """What the assigned agent can name in a form: the customer's holds and recent transactions."""
    from walletdesk.accounts.services import holds
    from walletdesk.wallet.queries import transactions_of
    from walletdesk.wallet.serializers import desk_dict

    assert conv.customer is not None
    return {
        "holds": [{"id": h.pk, "kind": h.kind, "kind_label": h.get_kind_display(), "reason": h.reason,
                   "reason_label": holds.reason_label(h.reason),
                   "since": h.created_at.isoformat(),
                   "until": h.until.isoformat() if h.until else None}
                  for h in holds.active(conv.customer).order_by("pk")[:10]],
        "transactions": [{**desk_dict(t, conv.customer), "type_label": t.get_type_display(),
                          "status_label": t.get_status_display()}
                         for t in transactions_of(conv.customer).order_by("-created_at")[:10]],
    }


def _wallet_currency(conv: Conversation) -> str:
    """The currency the customer's money is in: their oldest wallet's, else yuan."""
    from walletdesk.wallet.models import LedgerAccount

    if conv.customer_id is None:
        return "CNY"
    wallet = (LedgerAccount.objects.filter(owner_id=conv.customer_id,
                                           kind=LedgerAccount.Kind.CUSTOMER)
              .order_by("pk").values_list("currency", flat=True).first())
    return wallet or "CNY"


def approval_queue(agent: Agent) -> list[dict[str, Any]]:
    """Actions waiting for a second person that this agent may approve (never their own)."""
    mine = [a for a in roles.ACTIONS if roles.may_approve(agent, a)]
    if not mine:
        return []
    qs = (AgentAction.objects.filter(status=AgentAction.Status.AWAITING_APPROVAL, action__in=mine)
          .exclude(requested_by=agent)
          .select_related("requested_by", "approved_by", "conversation", "customer")
          .order_by("created_at")[:50])
    return [{**as_dict(a), "reference": a.conversation.reference,
             "requested_by_name": a.requested_by.name_in(),
             "customer_name": str(a.customer) if a.customer_id else ""} for a in qs]


def refund_requests_for(merchant: Any, status: str = "") -> list[dict[str, Any]]:
    qs = MerchantRefundRequest.objects.filter(merchant=merchant).select_related("payment", "refund")
    if status:
        qs = qs.filter(Q(status=status))
    return [{"id": r.pk, "payment_id": r.payment.public_id, "amount": r.amount,
             "currency": r.payment.currency, "note": r.note, "status": r.status,
             "created_at": r.created_at.isoformat(),
             "refund_id": r.refund.public_id if r.refund else None,
             "refund_url": f"/api/v1/wallet/payments/{r.payment.public_id}/refunds"}
            for r in qs.order_by("-created_at")[:200]]
