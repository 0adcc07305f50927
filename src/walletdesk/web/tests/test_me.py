"""The "Me" tab (/me/): a customer's account at a glance, each row leading to its page and
saying where it stands; staff and merchants have their own landing pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from walletdesk.accounts.models import User
from walletdesk.notify.models import Notification
from walletdesk.support.models import Conversation
from walletdesk.wallet.models import Method, PaymentMethod
from walletdesk.wallet.services import cards

pytestmark = pytest.mark.django_db

UNIONPAY, VISA = "6222021234567890128", "4111111111111111"


def client_for(user: User, lang: str = "en") -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    c.cookies["django_language"] = lang
    return c


def rows(html: str) -> dict[str, str]:
    """Each row's words, by its key: label, then the detail when there is one."""
    found = re.findall(r'data-testid="me-([a-z]+)"><span class="me-label">([^<]+)</span>'
                       r'(?:<span class="me-detail[^"]*">([^<]+)</span>)?', html)
    return {key: f"{label} | {detail}" if detail else label for key, label, detail in found}


@pytest.fixture
def customer() -> User:
    return User.objects.create_user("mei@example.com", "pw-customer-123456", display_name="Mei Lin")


def test_a_customer_sees_their_account_at_a_glance(customer: User) -> None:
    page = client_for(customer).get("/me/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="me-name">Mei Lin<' in html
    assert "Signed in as m***@example.com" in html and "mei@example.com" not in html
    got = rows(html)
    assert got["checkup"] == "Security check-up | Two-step verification is off"
    assert got["cards"] == "Cards | None linked yet"
    assert got["conversations"] == "My conversations"  # nothing open: no figure
    assert set(got) == {"checkup", "devices", "activity", "cards", "statement", "fees",
                        "conversations", "callbacks", "refunds", "notifications"}
    assert 'class="me-detail attention"' in html  # the check-up asks for action
    assert 'href="/account/checkup/" data-testid="me-checkup"' in html
    assert 'data-testid="me-logout"' in html and 'action="/logout/"' in html


def test_figures_follow_the_account(customer: User) -> None:
    cards.link_card(customer, kind=Method.BANK_CARD, number=UNIONPAY)
    removed = cards.link_card(customer, kind=Method.CREDIT_CARD, number=VISA)
    cards.remove_card(customer, removed.public_id)  # a removed card is not counted
    cards.link_card(customer, kind=Method.CREDIT_CARD, number=VISA)
    Conversation.objects.create(customer=customer, topic="payments", reference="CS-20261206-900001")
    Conversation.objects.create(customer=customer, topic="payments", reference="CS-20261206-900002",
                                status=Conversation.Status.RESOLVED)
    unread = Notification.objects.filter(user=customer, read_at__isnull=True).count()
    got = rows(client_for(customer).get("/me/").content.decode())
    assert got["cards"] == "Cards | 2 cards"
    assert got["conversations"] == "My conversations | 1 open"
    assert got["notifications"] == (f"Notifications | {unread} unread" if unread else "Notifications")
    zh = rows(client_for(customer, "zh-hans").get("/me/").content.decode())
    assert zh["cards"] == "银行卡 | 2 张"
    assert zh["conversations"] == "我的客服会话 | 1 个进行中"
    assert zh["checkup"] == "安全检查 | 两步验证未开启"


def test_the_me_tab_leads_here_and_is_current(customer: User) -> None:
    html = client_for(customer).get("/me/").content.decode()
    tab = re.search(r'<a href="/me/"([^>]*)data-testid="tab-me"', html)
    assert tab and 'aria-current="page"' in tab.group(1)
    refunds = client_for(customer).get("/refunds/").content.decode()
    assert re.search(r'<a href="/me/" aria-current="page" data-testid="tab-me"', refunds)


@pytest.mark.parametrize("role", ["agent", "supervisor", "merchant"])
def test_staff_and_merchants_go_to_their_own_start(role: str) -> None:
    user = User.objects.create_user(f"{role}@walletdesk.example", "pw-staff-1234567", role=role)
    page = client_for(user).get("/me/")
    assert page.status_code == 302 and page["Location"] != "/me/"


def test_signed_out_goes_to_log_in() -> None:
    page = Client().get("/me/")
    assert page.status_code == 302 and page["Location"].startswith("/login/")


def test_nothing_changes_by_looking(customer: Any) -> None:
    before = (PaymentMethod.objects.count(), Conversation.objects.count(),
              Notification.objects.filter(read_at__isnull=True).count())
    client_for(customer).get("/me/")
    assert before == (PaymentMethod.objects.count(), Conversation.objects.count(),
                      Notification.objects.filter(read_at__isnull=True).count())


def test_the_name_in_the_header_leads_here(customer: User) -> None:
    html = client_for(customer).get("/wallet/").content.decode()
    assert '<a class="who" href="/me/" data-testid="who">Mei Lin</a>' in html
    merchant = User.objects.create_user("shop@example.com", "pw-merchant-12345", role="merchant")
    assert '<a class="who"' not in client_for(merchant).get("/wallet/merchant/").content.decode()
