"""The checks every action passes, in one place (re-run on approval)."""

from __future__ import annotations

from walletdesk.support import access
from walletdesk.support.errors import ConversationNotFound
from walletdesk.support.models import Agent, Conversation

from .errors import ConversationNotLive, CustomerUnknown, NotYourConversation, OwnAccount

LIVE = (Conversation.Status.ACTIVE, Conversation.Status.WAITING)


def conversation(conv_id: int) -> Conversation:
    conv = Conversation.objects.select_related("customer", "agent").filter(pk=conv_id).first()
    if conv is None:
        raise ConversationNotFound()
    return conv


def check_live(agent: Agent, conv: Conversation) -> None:
    if conv.agent_id != agent.pk:
        # Another agent's conversation is outside a plain agent's lists: for them it does not
        # exist (404, as support's API answers); a supervisor, who sees every conversation,
        # and anyone looking at the queue are told it is not theirs.
        if conv.status != Conversation.Status.QUEUED and not access.is_supervisor(agent.user):
            raise ConversationNotFound()
        raise NotYourConversation()
    if conv.status not in LIVE:
        raise ConversationNotLive()
    if conv.customer_id is None:
        raise CustomerUnknown()
    if conv.customer_id == agent.user_id:
        raise OwnAccount()


def live_conversation_of(agent: Agent, conv_id: int) -> Conversation:
    """A live (active/waiting) conversation assigned to this agent, with a known customer."""
    conv = conversation(conv_id)
    check_live(agent, conv)
    return conv
