"""Words for the codes staff meet in the console and the supervisor view.

Queues (agent skills), priorities and conversation languages are stored as codes; these are
their labels. Conversation and agent statuses get their own pgettext contexts here because
other apps use the same English words for other things ("Closed" is also a desk that is not
open now, "Away" and "Online" are also channel states).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import pgettext_lazy

from .models import PRIORITY_HIGH, PRIORITY_NORMAL, PRIORITY_URGENT, Agent, Conversation

# The queues an agent can be skilled for, in the order the console and the supervisor list them.
SKILLS: dict[str, Any] = {
    "payments": pgettext_lazy("support queue", "Payments"),
    "refunds": pgettext_lazy("support queue", "Refunds"),
    "account_security": pgettext_lazy("support queue", "Account security"),
    "technical": pgettext_lazy("support queue", "Technical problems"),
    "general": pgettext_lazy("support queue", "General"),
}
PRIORITIES: dict[int, Any] = {
    PRIORITY_URGENT: pgettext_lazy("conversation priority", "Urgent"),
    PRIORITY_HIGH: pgettext_lazy("conversation priority", "High"),
    PRIORITY_NORMAL: pgettext_lazy("conversation priority", "Normal"),
}
LANGUAGES: dict[str, Any] = {
    "zh-hans": pgettext_lazy("conversation language", "Chinese (Simplified)"),
    "zh-hant": pgettext_lazy("conversation language", "Chinese (Traditional)"),
    "en": pgettext_lazy("conversation language", "English"),
    "yue": pgettext_lazy("conversation language", "Cantonese"),
}
CONVERSATION_STATUSES: dict[str, Any] = {
    Conversation.Status.QUEUED: pgettext_lazy("conversation status", "Queued"),
    Conversation.Status.ACTIVE: pgettext_lazy("conversation status", "Active"),
    Conversation.Status.WAITING: pgettext_lazy("conversation status", "Waiting on customer"),
    Conversation.Status.RESOLVED: pgettext_lazy("conversation status", "Resolved"),
    Conversation.Status.CLOSED: pgettext_lazy("conversation status", "Closed"),
}
AGENT_STATUSES: dict[str, Any] = {
    Agent.Status.ONLINE: pgettext_lazy("agent status", "Online"),
    Agent.Status.AWAY: pgettext_lazy("agent status", "Away"),
    Agent.Status.OFFLINE: pgettext_lazy("agent status", "Offline"),
}


def skill(code: str) -> str:
    return str(SKILLS.get(code, code.replace("_", " ")))


def priority(value: int) -> str:
    """The label of the highest band the value reaches (triage may raise a priority)."""
    for band in sorted(PRIORITIES, reverse=True):
        if value >= band:
            return str(PRIORITIES[band])
    return str(PRIORITIES[PRIORITY_NORMAL])


def language(code: str) -> str:
    return str(LANGUAGES.get(code, code))


def conversation_status(code: str) -> str:
    return str(CONVERSATION_STATUSES.get(code, code))


def agent_status(code: str) -> str:
    return str(AGENT_STATUSES.get(code, code))


def for_console() -> dict[str, dict[str, str]]:
    """Every label table the console's scripts need, in the current language."""
    from walletdesk.accounts.models import AccountHold, User
    from walletdesk.directory import queries as directory_queries
    from walletdesk.disputes.models import Reason, RefundRequest, RefundRequestEvent
    from walletdesk.wallet.models import Transaction

    return {
        "skill": {k: str(v) for k, v in SKILLS.items()},
        "priority": {str(k): str(v) for k, v in PRIORITIES.items()},
        "language": {k: str(v) for k, v in LANGUAGES.items()},
        "status": {k: str(v) for k, v in CONVERSATION_STATUSES.items()},
        "txn_type": {k: str(v) for k, v in Transaction.Type.choices},
        "txn_status": {k: str(v) for k, v in Transaction.Status.choices},
        "hold": {k: str(v) for k, v in AccountHold.Kind.choices},
        "role": {k: str(v) for k, v in User.Role.choices},
        # an escalated refund request in the context (disputes app)
        "rr_status": {k: str(v) for k, v in RefundRequest.Status.choices},
        "rr_event": {k: str(v) for k, v in RefundRequestEvent.Kind.choices},
        "rr_reason": {k: str(v) for k, v in Reason.choices},
        "region": directory_queries.region_labels(),
    }


def duration(seconds: int | None) -> str:
    """A wait as people say it: "50 s", "3 min", "2 h 15 min"."""
    from django.utils.translation import gettext as _

    if seconds is None:
        return "—"
    if seconds < 60:
        return _("%(n)s s") % {"n": seconds}
    minutes = round(seconds / 60)
    if minutes < 60:
        return _("%(n)s min") % {"n": minutes}
    return _("%(h)s h %(m)s min") % {"h": minutes // 60, "m": minutes % 60}
