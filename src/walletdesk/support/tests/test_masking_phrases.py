"""Words about a password are not a password (finding: an agent's note "客户说密码输错被锁" was
stored as "客户说密码••••••"), and staff who trip the mask are told in staff's words."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync

from walletdesk.accounts.services import issue_token
from walletdesk.support.masking import mask
from walletdesk.support.models import Message
from walletdesk.support.services import conversations

from .test_websockets import connect, frames_until


@pytest.mark.parametrize("text", [
    "密码是 abc123", "my password is hunter22", "password: hunter22", "支付密码：778899",
    "密码abc123", "登录密码为Qwerty!", "我的密码是 Abc!2345，谢谢",
])
def test_real_secrets_are_still_masked(text: str) -> None:
    got = mask(text)
    assert got.kinds == ["password"] and "••••••" in got.text, got


@pytest.mark.parametrize("text", [
    "内部备注：客户说密码输错被锁，但账户显示未锁定。", "密码输错被锁", "客户密码忘了", "密码错误三次",
    "密码是错的", "I typed the wrong password", "I typed the wrong password yesterday",
    "my password is wrong", "the password field is empty", "密码被锁了怎么办",
])
def test_words_about_a_password_are_left_alone(text: str) -> None:
    assert mask(text).text == text and mask(text).kinds == []


PLAIN_NOTE = "内部备注：客户说密码输错被锁，但账户显示未锁定。"


async def _agent_is_told_in_staff_words(conv_id: int, token: str) -> dict[str, Any]:
    agent = connect("/ws/agent/", token)
    assert (await agent.connect())[0]
    await frames_until(agent, lambda f: f["type"] == "hello")
    await agent.send_json_to({"type": "message", "conversation_id": conv_id, "private": True,
                              "text": "客户说密码是 abc123，已提醒他修改", "client_id": "n-secret"})
    warning = (await frames_until(agent, lambda f: f["type"] in ("warning", "error")))[-1]
    await agent.send_json_to({"type": "message", "conversation_id": conv_id, "private": True,
                              "text": PLAIN_NOTE, "client_id": "n-plain"})
    await frames_until(agent, lambda f: f.get("client_id") == "n-plain")
    await agent.disconnect()
    return dict(warning)


@pytest.mark.django_db(transaction=True)
def test_an_agent_note_keeps_its_words_and_a_secret_is_reported_in_staff_words(
        make_agent: Any, make_customer: Any) -> None:
    agent = make_agent()
    conv = conversations.open_conversation(make_customer(), topic="general", message="你好",
                                           use_triage=False).conversation
    conversations.accept(agent, conv)
    warning = async_to_sync(_agent_is_told_in_staff_words)(conv.pk, issue_token(agent.user))
    assert warning["type"] == "warning" and warning["kinds"] == ["password"]
    assert "including us" not in warning["message"] and "包括我们的客服" not in warning["message"]
    assert Message.objects.get(client_id="n-plain").text == PLAIN_NOTE
    assert "abc123" not in Message.objects.get(client_id="n-secret").text
