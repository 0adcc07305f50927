"""An agent's message in an email conversation leaves by mail (a job after commit).

A signal keeps the chat code unaware of email. It costs one indexed query per
agent message (the conversation's channel); customer messages, notes and
events cost nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from walletdesk.core import jobs
from walletdesk.support.models import Conversation, Message

SENT_KINDS = (Message.Kind.TEXT, Message.Kind.IMAGE)


@receiver(post_save, sender=Message, dispatch_uid="mailroom.agent_reply")
def agent_reply(sender: Any, instance: Message, created: bool, **kwargs: Any) -> None:
    if not created or instance.role != Message.Role.AGENT or instance.kind not in SENT_KINDS:
        return
    if Conversation.objects.filter(pk=instance.conversation_id,
                                   channel=Conversation.Channel.EMAIL).exists():
        jobs.enqueue("mailroom.reply", message_id=instance.pk,
                     unique_key=f"mailroom.reply:{instance.pk}")
