"""A page below a tab shows the way up ("← Wallet", "← 我的") above its content, as a banking
app does; the tabs' own pages do not, and neither do staff or a merchant sent to a customer's
page (web.templatetags.tabbar.back)."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.template import Context, Template
from django.test import Client

pytestmark = pytest.mark.django_db

BACK = re.compile(r'<a href="([^"]+)" data-testid="back">← ([^<]+)</a>')

BELOW_A_TAB = [
    ("/wallet/cards/", "/wallet/", {"zh-hans": "钱包", "en": "Wallet", "zh-hant": "錢包"}),
    ("/wallet/statement/", "/wallet/", {"en": "Wallet"}),
    ("/wallet/transfer/", "/wallet/", {"en": "Wallet"}),
    ("/account/devices/", "/me/", {"zh-hans": "我的", "en": "Me", "zh-hant": "我的"}),
    ("/account/checkup/", "/me/", {"en": "Me"}),
    ("/security/", "/me/", {"en": "Me"}),
    ("/support/", "/me/", {"en": "Me"}),
    ("/support/new/", "/contact/", {"zh-hans": "联系客服", "en": "Contact us"}),
    ("/refunds/", "/me/", {"en": "Me"}),
]
TABS = ["/wallet/", "/wallet/history/", "/help/", "/contact/", "/me/"]


def _back(client: Client, path: str) -> tuple[str, str] | None:
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    found = BACK.findall(page.content.decode())
    assert len(found) <= 1, found
    return found[0] if found else None


@pytest.mark.parametrize("lang", ["zh-hans", "en", "zh-hant"])
def test_a_page_below_a_tab_leads_up_and_a_tab_does_not(customer: Any, lang: str) -> None:
    client = Client(headers={"accept-language": lang})
    client.force_login(customer)
    for path, up, words in BELOW_A_TAB:
        found = _back(client, path)
        assert found is not None and found[0] == up, (path, found)
        if lang in words:
            assert found[1] == words[lang], (path, found)
    for path in TABS:
        assert _back(client, path) is None, path


def test_a_transaction_and_a_chat_lead_to_their_lists(customer: Any, fund: Any) -> None:
    from walletdesk.support.services import conversations

    t = fund(customer, 10_000)
    opened = conversations.open_conversation(customer, topic="general", message="hello",
                                             use_triage=False)
    client = Client(headers={"accept-language": "en"})
    client.force_login(customer)
    assert _back(client, f"/wallet/t/{t.public_id}/") == ("/wallet/history/", "History")
    assert _back(client, f"/support/c/{opened.conversation.pk}/") == ("/support/", "My conversations")


def test_a_page_is_under_the_tab_its_way_back_leads_to(customer: Any, fund: Any) -> None:
    """"← History" above a transaction with the Wallet tab lit would send the eye two ways:
    the lit tab is the tab of the page the way back leads to."""
    from walletdesk.support.services import conversations
    from walletdesk.web.templatetags.tabbar import tab_of

    t = fund(customer, 10_000)
    opened = conversations.open_conversation(customer, topic="general", message="hello",
                                             use_triage=False)
    client = Client(headers={"accept-language": "en"})
    client.force_login(customer)
    pages = [path for path, _up, _words in BELOW_A_TAB] + [
        f"/wallet/t/{t.public_id}/", f"/support/c/{opened.conversation.pk}/",
        f"/support/c/{opened.conversation.pk}/transcript/", "/phone/callbacks/",
        "/wallet/fees/"]  # booking a call and two-step (after a step-up): test_browser_phone
    for path in pages:
        html = client.get(path).content.decode()
        found = BACK.findall(html)
        assert len(found) == 1, path
        lit = re.search(r'aria-current="page" data-testid="tab-([a-z]+)"', html)
        assert lit and lit.group(1) == tab_of(found[0][0]), (path, found, lit)


def test_a_visitor_on_a_public_page_below_a_tab_gets_none(db: Any) -> None:
    assert _back(Client(headers={"accept-language": "en"}), "/wallet/fees/") is None


def test_a_merchant_is_led_only_where_merchants_go(make_customer: Any) -> None:
    client = Client(headers={"accept-language": "en"})
    client.force_login(make_customer(role="merchant"))
    assert _back(client, "/support/new/") == ("/contact/", "Contact us")
    assert _back(client, "/support/") is None  # "Me" is a customer's tab


@pytest.mark.parametrize(("role", "signed_in", "shown"), [
    ("customer", True, True), ("agent", True, False), ("supervisor", True, False),
    ("admin", True, False), ("", False, False)])
def test_only_a_signed_in_customer_is_led_back(role: str, signed_in: bool, shown: bool) -> None:
    html = Template('{% load tabbar %}{% back "web:me" %}').render(
        Context({"user": SimpleNamespace(role=role, is_authenticated=signed_in)}))
    assert ('data-testid="back"' in html) is shown
