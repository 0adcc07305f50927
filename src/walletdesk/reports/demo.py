"""Demo history for the report page: about fifty finished conversations over the last
nine days, in every channel and region, some opened just before the desk closed and
answered the next morning. Deterministic (a seeded generator) and safe to run again:
nothing is added once conversations older than a day exist."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from walletdesk.accounts.models import User
from walletdesk.core import clock
from walletdesk.support.models import Agent, Conversation
from walletdesk.support.services import chat, conversations

SHANGHAI = ZoneInfo("Asia/Shanghai")
CUSTOMERS = ["li.na@example.cn", "zhang.wei@example.cn", "alice@example.com", "bob@example.com"]
AGENTS = ["WD1024", "WD2048", "WD3007", "WD4012"]
CHANNELS = ["chat"] * 6 + ["email"] * 3 + ["phone"]
TOPICS = ["payments", "payments", "missing_money", "refunds", "account_locked", "technical",
          "general", "account_security"]
ASKS = {"zh-hans": "你好，我想咨询一下这笔交易。", "en": "Hello, I have a question about a payment."}
ANSWERS = {"zh-hans": "您好，我已查到这笔交易，正在为您处理。",
           "en": "Hi, I found the payment and I'm on it."}
THANKS = {"zh-hans": "好的，谢谢！", "en": "Great, thank you!"}


def _at(moment: datetime, action: Any) -> Any:
    with clock.frozen(moment):
        return action()


def _one(rng: random.Random, opened: datetime, customer: User, agent: Agent) -> None:
    lang = customer.language if customer.language in ASKS else "zh-hans"
    conv: Conversation = _at(opened, lambda: conversations.open_conversation(
        customer, topic=rng.choice(TOPICS), message=ASKS[lang], channel=rng.choice(CHANNELS),
        use_triage=False).conversation)
    local = opened.astimezone(SHANGHAI)
    # Left while the desk was closed (the channel's hours say so): taken next morning; a line
    # open at night (account security) answers at night like any other time.
    if conv.after_hours and (local.hour >= 23 or local.hour < 7):
        next_day = local.date() + timedelta(days=1 if local.hour >= 23 else 0)
        taken = datetime.combine(next_day, time(7, rng.randint(2, 25)), tzinfo=SHANGHAI)
        if taken > clock.now() - timedelta(hours=2):  # that morning has not come yet: at once
            taken = opened + timedelta(minutes=5)
    else:
        taken = opened + timedelta(seconds=rng.randint(20, 900))
    _at(taken, lambda: conversations.accept(agent, conv))
    replied = taken + timedelta(seconds=rng.randint(30, 420))
    _at(replied, lambda: chat.post(conv, agent.user, ANSWERS[lang], agent=agent))
    _at(replied + timedelta(seconds=rng.randint(30, 300)), lambda: chat.post(conv, customer, THANKS[lang]))
    resolved = replied + timedelta(seconds=rng.randint(300, 3600))
    _at(resolved, lambda: conversations.resolve(agent, conv))
    if rng.random() < 0.7:
        rating = rng.choices([5, 4, 3, 2, 1], weights=[50, 28, 12, 6, 4])[0]
        _at(resolved + timedelta(minutes=2), lambda: conversations.rate(conv, rating))


def seed() -> list[dict[str, Any]]:
    now = clock.now()
    if Conversation.objects.filter(created_at__lt=now - timedelta(days=1)).exists():
        return []
    customers = list(User.objects.filter(email__in=CUSTOMERS).order_by("email"))
    agents = list(Agent.objects.filter(employee_id__in=AGENTS).order_by("employee_id"))
    if not customers or not agents:
        return []
    rng = random.Random(2026)
    today = now.astimezone(SHANGHAI).date()
    for days_ago in range(9, 0, -1):
        day = today - timedelta(days=days_ago)
        starts = sorted(rng.randint(8 * 60, 23 * 60 + 25) for _ in range(rng.randint(3, 9)))
        for minute in starts:
            opened = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=SHANGHAI)
            _one(rng, opened, rng.choice(customers), rng.choice(agents))
    return []
