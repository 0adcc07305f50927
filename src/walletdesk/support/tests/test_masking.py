"""Secrets in chat: cards (Luhn-checked), codes, passwords; both directions; sender warned."""

from __future__ import annotations

from typing import Any

import pytest

from walletdesk.support.masking import luhn_ok, mask
from walletdesk.support.models import Message
from walletdesk.support.services import chat, conversations


@pytest.mark.parametrize(("text", "kinds", "gone"), [
    ("我的卡号是 6222 0212 3456 7890 128", ["card"], "6222 0212 3456 7890 128"),
    ("card 4111-1111-1111-1111 please", ["card"], "4111-1111-1111-1111"),
    ("验证码是 482913", ["code"], "482913"),
    ("my verification code: 4829", ["code"], "4829"),
    ("482913", ["code"], "482913"),
    ("我的密码是 Abc!2345，帮我看看", ["password"], "Abc!2345"),
    ("password is hunter22", ["password"], "hunter22"),
    ("支付密码：778899", ["password"], "778899"),
])
def test_secrets_are_masked(text: str, kinds: list[str], gone: str) -> None:
    out = mask(text)
    assert out.kinds == kinds
    assert gone not in out.text


@pytest.mark.parametrize("text", ["订单号 1234567890123", "转账 5000 元", "电话 13800138000",
                                  "交易 TX-20261125-0042 还没到账", "I paid 120.50 yesterday"])
def test_ordinary_numbers_stay(text: str) -> None:
    assert mask(text).text == text and mask(text).kinds == []


def test_luhn() -> None:
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")


@pytest.mark.security
def test_masked_in_both_directions_before_storing(make_agent: Any, make_customer: Any) -> None:
    agent = make_agent()
    customer = make_customer()
    conv = conversations.open_conversation(customer, topic="general", message="hi",
                                           use_triage=False).conversation
    conversations.accept(agent, conv)
    posted = chat.post(conv, customer, "卡号 4111 1111 1111 1111", client_id="c1")
    assert posted.masked == ["card"]
    posted = chat.post(conv, agent.user, "请不要告诉任何人验证码 123456", agent=agent, client_id="a1")
    assert posted.masked == ["code"]
    texts = " ".join(Message.objects.filter(conversation=conv).values_list("text", flat=True))
    assert "4111 1111 1111 1111" not in texts and "123456" not in texts
