from __future__ import annotations

from typing import Any

from django.test import Client

from walletdesk.conftest import PASSWORD


def test_page_triages_a_message_in_both_languages(customer: Any) -> None:
    c = Client()
    assert c.login(username=customer.email, password=PASSWORD)
    r = c.post("/triage/", {"text": "我要找人工客服"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 200
    body = r.content.decode()
    assert "contact_human" in body and "contact-support" in body and "消息分流" in body
    r = c.post("/triage/", {"text": "   "}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 422 and "Please write a few words" in r.content.decode()


def test_page_needs_a_login() -> None:
    assert Client().get("/triage/").status_code == 302
