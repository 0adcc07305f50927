"""Guest chat: someone who cannot log in gives the email or phone on file.

The answer is the same whether or not an account has that address (no
enumeration): a conversation is opened either way and "if it is on file, a
code is on its way". Only a proven code attaches the conversation to the
account and its context. Codes are the accounts app's (purpose ``support``:
single use, keyed hash, 5 tries, 3 sends an hour).
"""

from __future__ import annotations

from django.db import transaction

from walletdesk.accounts import services as accounts
from walletdesk.accounts.models import User
from walletdesk.accounts.services import codes
from walletdesk.core import clock
from walletdesk.directory import ratelimit

from .. import access, events, notices, snapshot
from ..errors import InvalidTopic
from ..models import Conversation
from . import routing
from .chat import add_event, check_text
from .conversations import TOPICS, Opened, _create, _opened, new_guest_key, route_for

PURPOSE = "support"
# Guests per client address (the codes have their own limits: 3 sends an hour, 5 tries).
GUEST_LIMIT = ratelimit.Limit("support_guest", 10, 3600)


def _account(contact: str) -> User | None:
    user = accounts.find_user_by_login(contact)
    return user if user is not None and user.is_active else None


def send_code(conv: Conversation) -> None:
    """(Re)send the code to the contact given, if it belongs to an account. Same answer always."""
    contact = conv.guest_contact
    user = _account(contact)
    if user is None or conv.customer_id is not None:
        accounts._dummy_work(contact)
        return
    channel = "email" if "@" in contact else "sms"
    with transaction.atomic():
        code = codes.issue(user, PURPOSE, channel)
        if code is not None:
            notices.send("support_code", contact, user, code=code, reference=conv.reference,
                         minutes=codes.ttl_minutes(channel))


def open_guest(*, contact: object, topic: object, message: object, language: str = "zh-hans",
               region: str = "CN") -> Opened:
    value = accounts.valid_login(contact)
    text = check_text(message)
    if not isinstance(topic, str) or topic not in TOPICS:
        raise InvalidTopic()
    key = new_guest_key()
    conv, open_now, next_open = _create(
        customer=None, topic=topic, description=text, lang=language, region=region,
        ctx=snapshot.guest_snapshot(value, region, language), txn_id="", channel="chat",
        use_triage=False, guest_contact=value, guest_key_hash=access.guest_key_hash(key))
    send_code(conv)
    opened = _opened(conv, open_now, next_open)
    opened.guest_token = access.guest_token(conv, key)
    return opened


def verify(conv: Conversation, code: object) -> Conversation:
    """Prove the contact: the conversation joins the account and gets its context."""
    user = _account(conv.guest_contact) if conv.customer_id is None else None
    codes.consume(user, PURPOSE, code)  # InvalidCode for a wrong code and a missing account alike
    assert user is not None
    ctx = snapshot.snapshot(user)
    skill, priority = route_for(conv.topic, "", user.language, ctx)
    with transaction.atomic():
        Conversation.objects.filter(pk=conv.pk, customer__isnull=True).update(
            customer=user, context=ctx, guest_verified_at=clock.now(),
            priority=max(priority, conv.priority), updated_at=clock.now())
        add_event(conv, "guest_verified")
        events.publish(events.staff_group(conv.pk), {"type": "context", "conversation_id": conv.pk})
        routing.dispatch()
        routing.after_queue_change({skill})
    conv.refresh_from_db()
    return conv
