"""Event types and payloads. Support records each key action on a conversation as an
event message (``support.services.chat.add_event``); those and the public messages become webhook
events; service-level warnings and breaches come from ``servicelevels.Event`` rows
(``signals.connect_optional``). Payloads carry what the desk shows staff, never contact details, and message
text as stored (secrets already masked by support, the kinds listed in ``masked``)."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from walletdesk.support.models import Conversation, Message

EVENT_TYPES: dict[str, Any] = {
    "conversation.created": _("Conversation created"),
    "conversation.assigned": _("Conversation assigned to an agent"),
    "conversation.transferred": _("Conversation transferred"),
    "conversation.requeued": _("Conversation back in the queue"),
    "conversation.resolved": _("Conversation resolved"),
    "conversation.closed": _("Conversation closed"),
    "conversation.rated": _("Conversation rated"),
    "conversation.callback_requested": _("Callback requested"),
    "conversation.sla_warning": _("Service level about to be missed"),
    "conversation.sla_breached": _("Service level missed"),
    "message.from_customer": _("Message from the customer"),
    "message.from_agent": _("Message from an agent"),
    # sent only to the merchant's own endpoint (disputes.MerchantTerms.webhook)
    "refund_request.created": _("A customer asks the merchant for a refund"),
}
TEST_EVENT = "webhook.test"

# support event message → webhook event types
FROM_SUPPORT_EVENT: dict[str, tuple[str, ...]] = {
    "opened": ("conversation.created",),
    "assigned": ("conversation.assigned",),
    "transferred": ("conversation.transferred",),
    "requeued": ("conversation.requeued",),
    "resolved": ("conversation.resolved",),
    "rated": ("conversation.rated", "conversation.closed"),
    "closed": ("conversation.closed",),
    "callback_requested": ("conversation.callback_requested",),
}


def types_for(message: Message) -> tuple[str, ...]:
    if message.kind == Message.Kind.EVENT:
        return FROM_SUPPORT_EVENT.get(message.event, ())
    if message.kind in (Message.Kind.TEXT, Message.Kind.IMAGE):
        if message.role == Message.Role.CUSTOMER:
            return ("message.from_customer",)
        if message.role == Message.Role.AGENT:
            return ("message.from_agent",)
    return ()  # private notes never leave the desk


def new_id() -> str:
    return f"evt_{uuid.uuid4().hex}"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def conversation_data(conv: Conversation) -> dict[str, Any]:
    agent = conv.agent
    return {
        "id": conv.pk, "reference": conv.reference, "channel": conv.channel, "status": conv.status,
        "topic": conv.topic, "queue": conv.skill, "priority": conv.priority,
        "language": conv.language, "region": conv.region,
        "customer_id": conv.customer_id,
        "agent": {"employee_id": agent.employee_id, "name": agent.display_name} if agent else None,
        "rating": conv.rating, "created_at": _iso(conv.created_at),
        "assigned_at": _iso(conv.assigned_at), "first_response_at": _iso(conv.first_response_at),
        "resolved_at": _iso(conv.resolved_at), "closed_at": _iso(conv.closed_at),
    }


def message_data(m: Message) -> dict[str, Any]:
    out: dict[str, Any] = {"seq": m.seq, "kind": m.kind, "role": m.role, "text": m.text,
                           "masked": list(m.masked or []), "sent_at": _iso(m.sent_at),
                           "sender": {"name": m.sender_name}}
    if m.role == Message.Role.AGENT and m.employee_id:
        out["sender"]["employee_id"] = m.employee_id
    if m.kind == Message.Kind.EVENT:
        out["event"] = m.event
    if m.attachment_id:
        out["attachment_id"] = m.attachment_id
    return out


def body(event_id: str, event_type: str, created_at: datetime, data: dict[str, Any]) -> str:
    """The one serialization of an event: sorted keys, compact, UTF-8 text kept as is."""
    return json.dumps({"id": event_id, "type": event_type, "created_at": created_at.isoformat(),
                       "api_version": 1, "data": data},
                      sort_keys=True, separators=(",", ":"), ensure_ascii=False)
