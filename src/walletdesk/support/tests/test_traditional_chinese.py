"""Traditional Chinese customers (Hong Kong, Macau, Taiwan): the conversation keeps zh-hant, so
what they are told is written in Traditional characters, while routing treats it as Chinese:
a Traditional or Cantonese agent first, a Simplified Chinese one when none is free, never an
English-only one."""

from __future__ import annotations

from typing import Any

from django.test import Client

from walletdesk.core import hant
from walletdesk.support import labels, supervision
from walletdesk.support.models import CannedReply, Conversation
from walletdesk.support.services import conversations, routing


def _open(open_chat: Any, **extra: Any) -> Conversation:
    conv: Conversation = open_chat("payments", text="我的轉賬沒有到賬", language="zh-hant",
                                   **extra).conversation
    conv.refresh_from_db()
    return conv


def test_the_conversation_keeps_traditional_chinese(open_chat: Any) -> None:
    assert _open(open_chat).language == "zh-hant"
    assert open_chat("payments", language="fr").conversation.language == "zh-hans"  # unknown: default


def test_a_cantonese_agent_first_then_a_mandarin_one_never_english_only(
        make_agent: Any, open_chat: Any) -> None:
    english = make_agent(["payments"], ["en"], cap=5)
    mandarin = make_agent(["payments"], ["zh-hans"], cap=5)
    cantonese = make_agent(["payments"], ["yue", "en"], cap=2)
    first, second = _open(open_chat), _open(open_chat)
    assert first.offered_to_id == second.offered_to_id == cantonese.pk  # preferred while free
    third = _open(open_chat)
    assert third.offered_to_id == mandarin.pk  # the Cantonese agent is full: Mandarin takes it
    for conv in (first, second, third):
        assert not routing.suitable(english, conv)
    assert routing.suitable(mandarin, first) and routing.suitable(cantonese, first)
    conversations.accept(mandarin, first)  # any Chinese-writing agent may take it
    simplified = open_chat("payments", language="zh-hans").conversation
    simplified.refresh_from_db()
    assert not routing.suitable(cantonese, simplified)  # Simplified Chinese routing is unchanged


def test_an_agent_who_lists_traditional_chinese_comes_before_cantonese(
        make_agent: Any, open_chat: Any) -> None:
    make_agent(["payments"], ["yue"])
    taiwan = make_agent(["payments"], ["zh-hant", "zh-hans"])
    assert _open(open_chat).offered_to_id == taiwan.pk


def test_supervisors_see_traditional_chinese_waiting_with_the_agents_who_can_take_it(
        make_agent: Any, open_chat: Any) -> None:
    make_agent(["payments"], ["zh-hans"], online=False)
    _open(open_chat)
    make_agent(["refunds"], ["yue"])
    rows = {(r["skill"], r["language"]): r for r in supervision.queue_rows()}
    row = rows[(labels.skill("payments"), labels.language("zh-hant"))]
    assert row["waiting"] == 1 and row["agents"] == 0 and row["short"]  # offline: nobody yet
    make_agent(["payments"], ["zh-hans"])
    rows = {(r["skill"], r["language"]): r for r in supervision.queue_rows()}
    assert rows[(labels.skill("payments"), labels.language("zh-hant"))]["agents"] == 1


def test_the_console_offers_canned_replies_in_traditional_script(client: Client,
                                                                 make_agent: Any) -> None:
    CannedReply.objects.create(title_zh="核实身份", title_en="Verify identity",
                               text_zh="为保护您的账户，请在应用内确认。",
                               text_en="To protect your account, please confirm in the app.")
    agent = make_agent(name="王磊")
    client.force_login(agent.user)
    client.cookies["walletdesk_language"] = "zh-hant"
    page = client.get("/support/console/").content.decode()
    assert f'data-hant="{hant.convert("为保护您的账户，请在应用内确认。")}"' in page
    assert hant.convert("核实身份") in page
