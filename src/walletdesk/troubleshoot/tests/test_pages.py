"""The pages in both languages, and the links from the contact hub, the help center and
the transaction detail page."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from walletdesk.accounts.services import lockout
from walletdesk.wallet import services as wallet

pytestmark = [pytest.mark.django_db]


def client_for(user, lang):
    user.language = lang
    user.save(update_fields=["language"])
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    c.cookies["django_language"] = lang
    return c


@pytest.mark.parametrize("lang, title, step", [
    ("zh-hans", "我的账户为什么被锁定？", "请等到"),
    ("en", "Why is my account locked?", "Wait until"),
])
def test_lock_page_for_a_logged_in_customer(customer, lang, title, step):
    for _ in range(5):
        lockout.register_failure(customer)
    r = client_for(customer, lang).get("/troubleshoot/lock/")
    text = r.content.decode()
    assert r.status_code == 200
    assert title in text and step in text
    assert 'data-code="step.wait"' in text
    assert "style=" not in text and not re.search(r"<script(?![^>]*src=)", text)


@pytest.mark.parametrize("lang, needle", [("zh-hans", "商户可以部分退款"),
                                          ("en", "A merchant may refund part of a payment")])
def test_refund_page(customer, fund, merchant, lang, needle):
    fund(customer, 10_000)
    txn = wallet.pay(customer, merchant=merchant, amount=1_000, currency="CNY", method="balance")
    r = client_for(customer, lang).get("/troubleshoot/refund/", {"transaction": txn.public_id})
    text = r.content.decode()
    assert r.status_code == 200 and needle in text
    assert ("Sample Coffee" if lang == "en" else "示例咖啡") in text
    assert f'name="transaction" value="{txn.public_id}"' in text


def test_picker_lists_my_transactions_first_by_problem(customer, fund):
    top = fund(customer, 10_000)
    r = client_for(customer, "en").get("/troubleshoot/payment/")
    assert r.status_code == 200 and top.public_id in r.content.decode()


def test_index_and_entry_links(customer, fund):
    from walletdesk.directory import demo

    demo.seed()
    anon = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert anon.get("/troubleshoot/").status_code == 200
    assert anon.get("/troubleshoot/payment/").status_code == 302  # to the login page
    official = anon.get("/contact/", follow=True).content.decode()  # not logged in
    assert 'href="/troubleshoot/lock/"' in official
    hub = client_for(customer, "en").get("/contact/").content.decode()
    assert 'href="/troubleshoot/refund/"' in hub
    help_home = anon.get("/help/", follow=True).content.decode()
    assert 'href="/troubleshoot/payment/"' in help_home
    txn = fund(customer, 10_000)
    detail = client_for(customer, "en").get(f"/wallet/t/{txn.public_id}/").content.decode()
    assert "Something wrong with this payment?" in detail
    assert f'/troubleshoot/payment/?transaction={txn.public_id}' in detail


def test_staff_get_no_transaction_troubleshooters(make_customer):
    agent = make_customer("agent@walletdesk.example", role="agent")
    c = Client()
    c.force_login(agent)
    assert c.get("/troubleshoot/fee/").status_code == 404


def _main_text(html: str) -> str:
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r"<[^>]+>", " ", main)


@pytest.mark.parametrize(("lang", "title"), [("zh-hans", "是有人让您转这笔钱的吗？"),
                                             ("en", "Were you told to send this money?")])
def test_a_transfer_result_warns_of_scams_before_anything_else(customer, fund, make_customer,
                                                               lang, title):
    make_customer("bob@example.com", display_name="Bob")
    fund(customer, 10_000)
    txn = wallet.transfer(customer, to="bob@example.com", amount=3_000, currency="CNY")
    html = client_for(customer, lang).get("/troubleshoot/refund/",
                                          {"transaction": txn.public_id}).content.decode()
    assert 'data-testid="ts-scam-warning"' in html and title in html
    assert html.index('data-testid="ts-scam-warning"') < html.index('data-testid="ts-finding"')
    assert 'href="#ts-talk"' in html and 'id="ts-talk"' in html  # the button reaches a person


def test_the_result_names_the_transaction_in_words_not_by_its_id(customer, fund, merchant):
    fund(customer, 10_000)
    txn = wallet.pay(customer, merchant=merchant, amount=1_000, currency="CNY", method="balance")
    html = client_for(customer, "zh-hans").get("/troubleshoot/refund/",
                                               {"transaction": txn.public_id}).content.decode()
    text = _main_text(html)
    assert txn.public_id not in text and not re.search(r"\btx_[0-9a-f]{8,}", text)
    assert "付款 · 示例咖啡" in text and "¥10.00" in text
    # No space between a Chinese shop name and the Chinese around it.
    assert "示例咖啡最多可退还" in text
    assert 'data-testid="ts-scam-warning"' not in html
    # The floating button leads to this page's own way to a person, which keeps the finding.
    assert re.search(r'<a class="fab fab-kept" href="#ts-talk" data-testid="contact-fab">', html)


def test_a_refund_names_the_payment_it_refunds_by_shop_and_day(customer, fund, merchant):
    fund(customer, 10_000)
    paid = wallet.pay(customer, merchant=merchant, amount=1_000, currency="CNY", method="balance")
    refund = wallet.refund(merchant, payment_id=paid.public_id, amount=500)
    for lang, words in (("zh-hans", "向示例咖啡的付款"), ("en", "your payment to Sample Coffee")):
        html = client_for(customer, lang).get("/troubleshoot/refund/",
                                              {"transaction": refund.public_id}).content.decode()
        finding = re.search(r'data-code="refund.is_refund">([^<]*)<', html).group(1)
        assert words in finding and paid.public_id not in finding


def test_signed_out_tiles_say_which_need_a_login():
    html = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/troubleshoot/").content.decode()
    assert html.count('data-testid="ts-needs-login"') == 3  # payment, refund, fee; not the lock
    assert "登录后可查" in html
    crumb = Client(HTTP_ACCEPT_LANGUAGE="en").get("/troubleshoot/lock/").content.decode()
    assert '<nav class="crumbs"' in crumb


@pytest.mark.parametrize("lang, checked", [("zh-hans", r"检查时间：\d\d:\d\d。"),
                                           ("en", r"Checked at \d\d:\d\d\.")])
def test_the_result_and_the_picker_say_times_in_words(customer, fund, merchant, lang, checked):
    """Checked today: the time alone; the payment's time in words; no ISO date anywhere seen."""
    fund(customer, 10_000)
    txn = wallet.pay(customer, merchant=merchant, amount=1_000, currency="CNY", method="balance")
    c = client_for(customer, lang)
    result = c.get("/troubleshoot/refund/", {"transaction": txn.public_id}).content.decode()
    picker = c.get("/troubleshoot/payment/").content.decode()
    assert re.search(checked, _main_text(result))
    assert re.search(r'data-testid="ts-txn">.*<time class="nowrap" datetime="[^"]+">\d\d:\d\d</time>',
                     result)
    for html in (result, picker):
        assert not re.search(r"\d{4}-\d{2}-\d{2}", _main_text(html))
