"""Periodic notify jobs. Agent replies are found by a sweep rather than a hook in the chat's
hot path (its PostgreSQL path stores a message with one raw statement and no signal): a
reply the customer has not read after ``REPLY_DELAY`` seconds becomes one notification per
unread stretch of a conversation. Read through the app registry, not an import: support
imports notify, so notify must not import support."""

from __future__ import annotations

from datetime import timedelta

from django.apps import apps
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from walletdesk.core import clock
from walletdesk.core.services import jobs

from .models import Kind
from .services import inbox

REPLY_DELAY = timedelta(seconds=20)
REPLY_WINDOW = timedelta(days=1)


@jobs.periodic("notify.agent_replies", seconds=10)
def agent_replies() -> int:
    conversation = apps.get_model("support", "Conversation")
    message = apps.get_model("support", "Message")
    now = clock.now()
    told = 0
    unread = (conversation.objects.select_related("customer")
              .filter(customer__isnull=False, updated_at__gte=now - REPLY_WINDOW,
                      last_seq__gt=F("customer_read_seq"))
              .order_by("pk")[:500])
    for conv in unread:
        first = (message.objects.filter(conversation_id=conv.pk, seq__gt=conv.customer_read_seq,
                                        role="agent", kind__in=("text", "image"),
                                        sent_at__lte=now - REPLY_DELAY)
                 .order_by("seq").first())
        if first is None:
            continue
        body = (_("%(name)s (employee ID %(employee_id)s) replied in conversation %(reference)s. "
                  "Open the app to read it."),
                {"name": first.sender_name_in(conv.customer.language or "zh-hans"),
                 "employee_id": first.employee_id,
                 "reference": conv.reference})
        if inbox.add(conv.customer, Kind.AGENT_REPLY, _("Customer service replied"), body,
                     link=reverse("support:chat", args=[conv.pk]),
                     source=f"reply:{conv.pk}:{conv.customer_read_seq}"):
            told += 1
    return told
