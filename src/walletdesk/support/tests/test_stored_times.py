"""A message moves its conversation's ``updated_at`` in the same form as the ORM writes it, so
lists sorted by it (the supervisor's recent conversations) are in time order on SQLite too."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from walletdesk.core import clock
from walletdesk.support.models import Conversation
from walletdesk.support.services import chat as chats


def test_a_message_time_sorts_with_the_orms(chat: dict[str, Any], open_chat: Any) -> None:
    moment = datetime(2026, 7, 1, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))  # 02:30 UTC
    with clock.frozen(moment):
        chats.post(chat["conv"], chat["customer"], "还在吗？")
    later = open_chat("general", "另一个问题").conversation
    Conversation.objects.filter(pk=later.pk).update(updated_at=moment + timedelta(hours=1))
    first = Conversation.objects.get(pk=chat["conv"].pk)
    assert first.updated_at == moment
    newest = Conversation.objects.filter(pk__in=[first.pk, later.pk]).order_by("-updated_at")
    assert [c.pk for c in newest] == [later.pk, first.pk]
