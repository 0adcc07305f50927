"""An agent's message in an email conversation leaves by mail (a job after commit).

A signal keeps the chat code unaware of email. It costs one indexed query per
agent message (the conversation's channel); customer messages, notes and
events cost nothing. On PostgreSQL the chat stores messages with one SQL
statement and no model signal: there the ``mailroom.sweep_replies`` job
(every few seconds, ``tasks.py``) finds them. Both queue the same job, at
most once per message.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from walletdesk.support.models import Conversation, Message

from .services.outbound import SENT_KINDS, queue_reply


@receiver(post_save, sender=Message, dispatch_uid="mailroom.agent_reply")
def agent_reply(sender: Any, instance: Message, created: bool, **kwargs: Any) -> None:
    if not created or instance.role != Message.Role.AGENT or instance.kind not in SENT_KINDS:
        return
    if Conversation.objects.filter(pk=instance.conversation_id,
                                   channel=Conversation.Channel.EMAIL).exists():
        queue_reply(instance.pk)
