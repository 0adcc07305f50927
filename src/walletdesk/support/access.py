"""Who may see and act on a conversation.

A customer sees only their own conversations (a guest only the one their
signed guest key names); an agent sees queued ones and those assigned to
them; a supervisor sees all.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.core import signing

from walletdesk.accounts.models import User

from .errors import ConversationNotFound as ConversationNotFound
from .errors import NotAllowed as NotAllowed
from .models import Agent, Conversation

GUEST_SALT = "walletdesk.support.guest"


def agent_of(user: Any) -> Agent | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if getattr(user, "role", "") not in ("agent", "senior_agent", "supervisor"):
        return None
    try:
        return user.agent  # type: ignore[no-any-return]
    except Agent.DoesNotExist:
        return None


def is_supervisor(user: Any) -> bool:
    return getattr(user, "role", "") == "supervisor" and agent_of(user) is not None


def guest_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def guest_token(conversation: Conversation, key: str) -> str:
    return signing.dumps({"c": conversation.pk, "k": key}, salt=GUEST_SALT)


def guest_conversation_id(token: str) -> tuple[int, str] | None:
    try:
        data = signing.loads(token, salt=GUEST_SALT, max_age=7 * 24 * 3600)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("c"), int):
        return None
    return data["c"], str(data.get("k", ""))


def _staff(user: Any, agent: Agent, status: str, agent_id: int | None) -> str | None:
    if is_supervisor(user):
        return "supervisor"
    if status == Conversation.Status.QUEUED or agent_id == agent.pk:
        return "agent"
    return None


def role_in(conversation: Conversation, user: Any, guest_token_value: str = "") -> str | None:
    """'customer', 'agent', 'supervisor' or None (may not see it)."""
    if user is not None and getattr(user, "is_authenticated", False):
        agent = agent_of(user)
        if agent is not None:
            return _staff(user, agent, conversation.status, conversation.agent_id)
        if conversation.customer_id == user.pk:
            return "customer"
    if guest_token_value:
        found = guest_conversation_id(guest_token_value)
        if (found and found[0] == conversation.pk and conversation.guest_key_hash
                and hmac.compare_digest(conversation.guest_key_hash, guest_key_hash(found[1]))):
            return "customer"
    return None


def get_for(conversation_id: int, user: User | Any, guest: str = "") -> tuple[Conversation, str]:
    """The conversation and the caller's role in it; 404 when they may not see it."""
    conv = Conversation.objects.select_related("agent", "customer").filter(pk=conversation_id).first()
    if conv is None:
        raise ConversationNotFound()
    role = role_in(conv, user, guest)
    if role is None:
        raise ConversationNotFound()
    return conv, role


def require_staff(role: str) -> None:
    if role not in ("agent", "supervisor"):
        raise NotAllowed()
