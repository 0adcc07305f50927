"""The whole flow in three browsers: the customer asks from the payment's page, the merchant
declines on its page, the customer passes it to customer support, and the agent refunds
from the merchant's balance in the console. One test, kept short (CI time budget)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from walletdesk.conftest import DEMO_PASSWORD, in_live_db
from walletdesk.conftest import browser_login as login

pytestmark = pytest.mark.browser
CUSTOMER = "li.na@example.cn"


def test_ask_decline_escalate_agent_refunds(live_server_url: str, page_for: Any,
                                            tmp_path_factory: pytest.TempPathFactory) -> None:
    url = live_server_url
    out = tmp_path_factory.mktemp("rr") / "payment.txt"
    # A ¥18.00 payment to Sample Coffee (below the second-person threshold of ¥20.00).
    in_live_db(tmp_path_factory, "from walletdesk.accounts import services as s\n"
               "from walletdesk.wallet import services as w\n"
               "from walletdesk.wallet.models import Merchant\n"
               f"u = s.find_user_by_login({CUSTOMER!r})\n"
               "t = w.pay(u, merchant=Merchant.objects.get(slug='sample-coffee'), amount=1800,"
               " currency='CNY', method='balance')\n"
               f"open({str(out)!r}, 'w').write(t.public_id)\n")
    payment = out.read_text().strip()

    customer = page_for("en")
    customer.set_viewport_size({"width": 390, "height": 844})  # phone first
    login(customer, url, CUSTOMER)
    customer.goto(f"{url}/wallet/t/{payment}/")
    customer.get_by_test_id("rr-ask").click()
    customer.get_by_test_id("rr-reason").select_option("not_received")
    customer.get_by_test_id("rr-text").fill("The coffee was never served.")
    customer.get_by_test_id("rr-submit").click()
    customer.wait_for_url(re.compile(r".*/refunds/rr_[0-9a-f]+/$"))
    expect(customer.get_by_test_id("rr-status")).to_have_text("Waiting for the merchant")
    assert "¥18.00" in customer.get_by_test_id("rr-amount-asked").inner_text()
    detail_url = customer.url

    shop = page_for("zh-hans")
    shop.goto(f"{url}/login/")
    shop.fill("input[name=username]", "coffee@merchant.example")
    shop.fill("input[name=password]", DEMO_PASSWORD)
    shop.locator("form button[type=submit].primary").click()
    shop.wait_for_url(re.compile(r".*/wallet/.*$"))
    shop.goto(f"{url}/refunds/merchant/")
    # The merchant sees the payment's time and amount, not its internal id (kept in an attribute).
    assert "tx_" not in shop.get_by_test_id("rr-merchant-open").inner_text()
    row = shop.get_by_test_id("rr-merchant-open").locator(f'tr[data-payment="{payment}"]')
    assert "¥18.00" in row.inner_text()
    row.get_by_test_id("rr-decline-reason-input").fill("咖啡已于下单后五分钟送达")
    row.get_by_test_id("rr-decline").click()
    shop.wait_for_url(re.compile(r".*/refunds/merchant/$"))
    assert not shop.get_by_test_id("rr-merchant-open").locator(f'tr[data-payment="{payment}"]').count()

    customer.goto(detail_url)
    expect(customer.get_by_test_id("rr-decline-reason")).to_contain_text("五分钟")
    customer.get_by_test_id("rr-escalate").click()
    customer.wait_for_url(re.compile(r".*/support/c/\d+/$"))
    reference = customer.get_by_test_id("reference").inner_text()

    agent = page_for("zh-hans")
    login(agent, url, "liu.yang@walletdesk.example")
    agent.goto(f"{url}/support/console/")
    agent.get_by_test_id(f"conv-{reference}").click(timeout=15000)
    agent.get_by_test_id("accept").click()
    # Accepting goes over the socket: act on the conversation once it is the agent's own
    # (a verification asked before that would be refused, as it should be).
    agent.get_by_test_id("mine").get_by_test_id(f"conv-{reference}").wait_for()
    expect(agent.get_by_test_id("ctx-refund-request")).to_contain_text("商户已拒绝", timeout=15000)
    assert "¥18.00" in agent.get_by_test_id("ctx-refund-request").inner_text()
    panel = agent.get_by_test_id("cw-panel")
    panel.get_by_test_id("cw-verify").click()  # in the app
    customer.get_by_test_id("cw-verify-card").get_by_test_id("cw-confirm").click(timeout=15000)
    expect(panel.get_by_test_id("cw-act-refund_from_merchant")).to_have_attribute(
        "data-available", "1", timeout=15000)
    panel.get_by_test_id("cw-action").select_option("refund_from_merchant")
    panel.get_by_test_id("cw-reason").fill("商户无法提供送达记录，按客户申请全额退款")
    panel.get_by_test_id("cw-submit").click()
    expect(panel.get_by_test_id("cw-result")).to_have_attribute("data-status", "done",
                                                                timeout=15000)
    customer.get_by_test_id("chat-log").get_by_text(
        "Refunded from the merchant's balance").wait_for(timeout=15000)

    customer.goto(detail_url)
    expect(customer.get_by_test_id("rr-status")).to_have_text("Decided by customer support")
    assert "¥18.00" in customer.get_by_test_id("rr-granted").inner_text()
    assert customer.evaluate("document.documentElement.scrollWidth") <= 390
