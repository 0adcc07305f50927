"""Who may do what: the one table of agent permissions (docs/agent-actions.md copies it).

``PERMITTED[action]`` are the roles that may request the action; ``APPROVERS[action]`` the
roles that may approve it when it needs a second person (four-eyes). Nobody approves their
own request, whatever their role.
"""

from __future__ import annotations

from typing import Any

from walletdesk.support.models import Agent

from . import conf

AGENT, SENIOR, SUPERVISOR, ADMIN = "agent", "senior_agent", "supervisor", "admin"
STAFF_ROLES = (AGENT, SENIOR, SUPERVISOR, ADMIN)
EVERYONE = frozenset(STAFF_ROLES)
SENIOR_UP = frozenset({SENIOR, SUPERVISOR, ADMIN})
SUPERVISOR_UP = frozenset({SUPERVISOR, ADMIN})

ACTIONS = ("start_unlock", "release_hold", "freeze", "trace_transaction", "retry_transaction",
           "expire_transaction", "request_merchant_refund", "refund_fee", "reset_2fa",
           "refund_from_merchant", "close_refund_request")

#               action                     may request    needs approval         approvers
MATRIX: dict[str, tuple[frozenset[str], str, frozenset[str]]] = {
    "start_unlock":            (EVERYONE,  "never",        frozenset()),
    "trace_transaction":       (EVERYONE,  "never",        frozenset()),
    "retry_transaction":       (EVERYONE,  "never",        frozenset()),
    "expire_transaction":      (EVERYONE,  "never",        frozenset()),
    "request_merchant_refund": (EVERYONE,  "never",        frozenset()),
    "refund_fee":              (EVERYONE,  "above_limit",  SENIOR_UP),
    "freeze":                  (SENIOR_UP, "never",        frozenset()),
    "release_hold":            (SENIOR_UP, "always",       SUPERVISOR_UP),
    "reset_2fa":               (SENIOR_UP, "always",       SUPERVISOR_UP),
    # an escalated refund request (disputes app): the same threshold as a fee refund
    "refund_from_merchant":    (EVERYONE,  "above_limit",  SENIOR_UP),
    "close_refund_request":    (EVERYONE,  "never",        frozenset()),
}
PERMITTED = {a: row[0] for a, row in MATRIX.items()}
APPROVERS = {a: row[2] for a, row in MATRIX.items()}


def fee_refund_approval_above() -> int:
    """Fee refunds, and refunds support makes from a merchant's balance, above this amount
    (minor units) need a second person."""
    return conf.get().fee_refund_approval_above


def needs_approval(action: str, params: dict[str, Any]) -> bool:
    rule = MATRIX[action][1]
    if rule == "always":
        return True
    if rule == "above_limit":
        return int(params.get("amount", 0)) > fee_refund_approval_above()
    return False


def staff_agent(user: Any) -> Agent | None:
    """The caller's agent profile when their role is a staff role (admin included)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if getattr(user, "role", "") not in STAFF_ROLES:
        return None
    return Agent.objects.filter(user=user).select_related("user").first()


def role_of(agent: Agent) -> str:
    return str(agent.user.role)


def may_request(agent: Agent, action: str) -> bool:
    return role_of(agent) in PERMITTED[action]


def may_approve(agent: Agent, action: str) -> bool:
    return role_of(agent) in APPROVERS[action]
