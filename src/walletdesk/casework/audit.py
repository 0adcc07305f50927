"""The audit trail of agent actions.

Two records, both append-only, both written in the transaction that makes the change:

* the accounts app's hash-chained ``SecurityEvent`` log (kind ``support_*``, with the
  agent's employee ID, the conversation, the action and the reason): the tamper-evident
  record that security staff review;
* an event message in the conversation (``support.services.chat.add_event``): the customer sees it
  in the chat and the transcript, so nothing is done to an account behind its owner's back.
"""

from __future__ import annotations

from typing import Any

from walletdesk.accounts.models import SecurityEvent
from walletdesk.accounts.services import events as security_events
from walletdesk.support.models import Agent, Conversation, Message
from walletdesk.support.services import chat


def record(kind: str, customer: Any, agent: Agent | None, **data: Any) -> SecurityEvent:
    who = {"agent": agent.employee_id, "agent_role": str(agent.user.role)} if agent else {}
    return security_events.record(f"support_{kind}", customer, **who, **data)


def tell_conversation(conv: Conversation, event: str, text: str = "", *,
                      agent: Agent | None = None) -> Message:
    return chat.add_event(conv, event, text[:300], user=agent.user if agent else None, agent=agent)
