"""Reading conversations: what each caller may list, dictionaries for the API, transcripts."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from . import access, events, labels, snapshot
from .masking import mask_contact
from .models import Agent, Conversation, Message, name_for
from .services import chat, waits
from .services.conversations import TOPIC_LABELS


def event_label(event: str) -> str:
    labels = {
        "opened": _("Conversation opened"), "assigned": _("Agent joined"), "transferred": _("Transferred"),
        "resolved": _("Resolved"), "rated": _("Rated"), "requeued": _("Back in the queue"),
        "guest_verified": _("Contact verified"), "callback_requested": _("Callback requested"),
        # after hours and phone callbacks (translated in the phone app's catalogue)
        "queued": _("In the queue now"), "callback_cancelled": _("Callback cancelled"),
        "call_started": _("Calling you now"), "call_answered": _("Call answered"),
        "call_no_answer": _("Call not answered"), "call_failed": _("Call failed"),
        "call_completed": _("Call ended"),
        # agent actions (translated in the casework app's catalogue)
        "verification_requested": _("Identity check requested"),
        "customer_verified": _("Customer verified"),
        "action_awaiting_approval": _("Action waiting for a second colleague to approve"),
        "action_rejected": _("Action rejected"), "unlock_completed": _("Account unlocked by the customer"),
        "refund_granted": _("Merchant granted the refund"),
        "action_start_unlock": _("Unlock started: a code was sent to the contact on file"),
        "action_release_hold": _("Account hold released"),
        "action_freeze": _("Account frozen for protection"),
        "action_trace_transaction": _("Transaction traced"),
        "action_retry_transaction": _("Pending transaction checked again with the network"),
        "action_expire_transaction": _("Pending transaction stopped, held money released"),
        "action_request_merchant_refund": _("Refund requested from the merchant"),
        "action_refund_fee": _("Fee refunded"), "action_reset_2fa": _("Two-step verification reset"),
        # refund requests passed to support (translated in the disputes app's catalogue)
        "action_refund_from_merchant": _("Refunded from the merchant's balance"),
        "action_close_refund_request": _("Refund request closed by customer support"),
    }
    return str(labels.get(event, event))


def visible_to(user: Any) -> QuerySet[Conversation]:
    qs = Conversation.objects.select_related("agent")
    agent = access.agent_of(user)
    if agent is not None:
        if access.is_supervisor(user):
            return qs
        return qs.filter(Q(status=Conversation.Status.QUEUED) | Q(agent=agent))
    if getattr(user, "is_authenticated", False):
        return qs.filter(customer=user)
    return qs.none()


def listing(user: Any, *, status: str = "", channel: str = "", reference: str = "",
            limit: int = 100) -> list[Conversation]:
    qs = visible_to(user)
    if reference:
        qs = qs.filter(reference=reference)
    if status:
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel)
    return list(qs.order_by("-priority", "queued_at", "pk")[:limit] if status == "queued"
                else qs.order_by("-updated_at", "-pk")[:limit])


def agent_dict(conv: Conversation) -> dict[str, Any] | None:
    if conv.agent is None:
        return None
    return {"name": conv.agent.name_in(), "employee_id": conv.agent.employee_id,
            "verify_url": events.verify_url(conv.agent.employee_id)}


def subject_of(conv: Conversation) -> str:
    """Email: the mail's subject (the first line of the opening text); otherwise its start."""
    if conv.channel == Conversation.Channel.EMAIL:
        return (conv.description or "").partition("\n")[0][:255]
    return (conv.description or "")[:80]


def conversation_dict(conv: Conversation, role: str) -> dict[str, Any]:
    pos = waits.position_of(conv)
    out: dict[str, Any] = {
        "id": conv.pk, "reference": conv.reference, "channel": conv.channel, "topic": conv.topic,
        "topic_label": str(TOPIC_LABELS.get(conv.topic, conv.topic)), "skill": conv.skill,
        "language": conv.language, "priority": conv.priority, "status": conv.status,
        "skill_label": labels.skill(conv.skill), "priority_label": labels.priority(conv.priority),
        "language_label": labels.language(conv.language),
        "status_label": labels.conversation_status(conv.status),
        "queue_position": pos,
        "estimated_wait_seconds": waits.estimate(conv.skill, pos, open_now=not conv.after_hours)
        if pos else None,
        "after_hours": conv.after_hours, "callback_requested": conv.callback_requested,
        "agent": agent_dict(conv), "last_seq": conv.last_seq,
        "customer_read_seq": conv.customer_read_seq, "agent_read_seq": conv.agent_read_seq,
        "rating": conv.rating, "created_at": conv.created_at.isoformat(),
        "assigned_at": conv.assigned_at.isoformat() if conv.assigned_at else None,
        "resolved_at": conv.resolved_at.isoformat() if conv.resolved_at else None,
        "subject": subject_of(conv),
    }
    if role in ("agent", "supervisor"):
        out["context"] = conv.context
        # A guest by their contact, masked as in every list (the e-mail banner has it in full)
        out["customer"] = ((conv.context.get("customer") or {}).get("name")
                           or mask_contact(conv.guest_contact))
        out["guest"] = conv.customer_id is None
        out["offered_to"] = conv.offered_to_id
    return out


EARLIER = 10  # the customer's other conversations the console shows


def earlier_with(conv: Conversation, *, for_assigned: Agent | None, supervisor: bool) -> list[dict[str, Any]]:
    """The customer's other conversations, newest first: what they asked, when, how it ended,
    who handled it and how they rated it, so the agent knows what came before (Zendesk's
    interaction history). Like the casework panel's holds and transactions, only for the agent
    the conversation is assigned to, or a supervisor; a guest's until their contact is proven
    (there is no customer to look up before)."""
    if conv.customer_id is None or not (supervisor or (for_assigned is not None
                                                        and conv.agent_id == for_assigned.pk)):
        return []
    rows = (Conversation.objects.filter(customer_id=conv.customer_id).exclude(pk=conv.pk)
            .select_related("agent").order_by("-created_at", "-pk")[:EARLIER])
    return [{"id": c.pk, "reference": c.reference, "channel": c.channel,
             "topic_label": str(TOPIC_LABELS.get(c.topic, c.topic)),
             "status": c.status, "status_label": labels.conversation_status(c.status),
             "created_at": c.created_at.isoformat(),
             "resolved_at": c.resolved_at.isoformat() if c.resolved_at else None,
             "agent": agent_dict(c), "rating": c.rating, "subject": subject_of(c)}
            for c in rows]


def live_customer(conv: Conversation, *, for_assigned: Agent | None,
                  supervisor: bool) -> dict[str, Any] | None:
    """The customer's account, holds and transactions as they are now, in the shape of the
    conversation's context (which keeps what they were when it opened, the record of what the
    desk saw then). Like the earlier conversations, only for the agent the conversation is
    assigned to, or a supervisor, and never for a guest: None otherwise."""
    if conv.customer is None or not (supervisor or (for_assigned is not None
                                                    and conv.agent_id == for_assigned.pk)):
        return None
    return snapshot.snapshot(conv.customer, conv.transaction_public_id)


def messages_for(conv: Conversation, role: str, after_seq: int = 0) -> list[dict[str, Any]]:
    lang = translation.get_language()
    return [events.message_frame(m, lang) for m in chat.visible(conv.pk, role, after_seq)]


def transcript(conv: Conversation, tz_name: str = "", language: str | None = None) -> str:
    """Plain text: reference, agents with 工号, every message and key action with its time."""
    tz = ZoneInfo(tz_name or settings.DEFAULT_USER_TIME_ZONE)
    with translation.override(language or translation.get_language()):
        lang = translation.get_language()
        lines = [_("Support conversation %(ref)s") % {"ref": conv.reference},
                 _("Topic: %(topic)s") % {"topic": TOPIC_LABELS.get(conv.topic, conv.topic)},
                 _("Opened: %(at)s") % {"at": conv.created_at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")}]
        agents = (Message.objects.filter(conversation=conv, role=Message.Role.AGENT)
                  .values_list("sender_name", "sender_latin_name", "employee_id").distinct())
        for name, eid in sorted({(name_for(n, latin, lang), eid) for n, latin, eid in agents}):
            lines.append(_("Agent: %(name)s, employee ID %(eid)s") % {"name": name, "eid": eid})
        lines.append("")
        for m in chat.visible(conv.pk, "customer", 0, limit=100000):
            at = m.sent_at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
            if m.kind == Message.Kind.EVENT:
                who = f" {m.sender_name_in(lang)} ({m.employee_id})" if m.employee_id else ""
                # "assigned", "resolved" and the like carry the agent's name as their text
                said = m.text if m.event != "assigned" and m.text != m.sender_name else ""
                lines.append(f"[{at}] * {event_label(m.event)}{who} {said}".rstrip())
                continue
            who = (f"{m.sender_name_in(lang)} ({_('employee ID')} {m.employee_id})"
                   if m.role == Message.Role.AGENT
                   else (m.sender_name or _("Customer")))
            body = m.text if m.kind == Message.Kind.TEXT else _("[image]")
            lines.append(f"[{at}] {who}: {body}")
        if conv.rating:
            lines.append("")
            lines.append(_("Rating: %(n)s/5") % {"n": conv.rating})
    return "\n".join(lines) + "\n"
