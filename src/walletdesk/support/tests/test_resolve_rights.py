"""Only a conversation's own agent resolves it; a supervisor may resolve any (issue 15,
finding 13: any agent could resolve any queued conversation)."""

from __future__ import annotations

from typing import Any

import pytest

from walletdesk.support.errors import NotAllowed
from walletdesk.support.models import Conversation
from walletdesk.support.services import conversations

pytestmark = [pytest.mark.django_db, pytest.mark.security]


def test_another_agent_cannot_resolve_a_queued_conversation(make_agent: Any,
                                                            open_chat: Any) -> None:
    stranger = make_agent(online=False)
    conv = open_chat().conversation
    assert Conversation.objects.get(pk=conv.pk).status == Conversation.Status.QUEUED
    with pytest.raises(NotAllowed):
        conversations.resolve(stranger, conv)
    assert Conversation.objects.get(pk=conv.pk).status == Conversation.Status.QUEUED


def test_a_supervisor_may_resolve_it(make_agent: Any, open_chat: Any) -> None:
    boss = make_agent(online=False, role="supervisor")
    conv = open_chat().conversation
    assert conversations.resolve(boss, conv).status == Conversation.Status.RESOLVED
