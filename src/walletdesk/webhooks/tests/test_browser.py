"""A supervisor registers an endpoint on the page and sends a test event; the real server's
job worker signs and delivers it to a receiver here, and the log shows the answer."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from walletdesk.conftest import DEMO_PASSWORD, SCREENSHOTS, browser_second_step
from walletdesk.webhooks import signing

from .receiver import receiver

pytestmark = pytest.mark.browser


def send_test(page: Any) -> None:
    """Press "Send test event" and wait until its post and redirect have landed: a reload
    while that navigation is still under way finds no page to reload."""
    page.get_by_test_id("send-test").click()
    page.get_by_text(re.compile(r"Test event \S+ is on its way")).wait_for()


def test_register_and_send_a_test_event(live_server_url: str, page_for: Any) -> None:
    page = page_for("en")
    page.goto(f"{live_server_url}/login/")
    page.fill("input[name=username]", "chen.jing@walletdesk.example")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form button[type=submit].primary").click()
    browser_second_step(page, live_server_url, "chen.jing@walletdesk.example")
    page.wait_for_url(re.compile(r".*/(wallet|support)/.*$"))
    with receiver(answers=[503]) as rx:
        page.goto(f"{live_server_url}/support/webhooks/")
        page.get_by_test_id("endpoint-url").fill(rx.url)
        page.locator("input[name=event_types][value='conversation.created']").check()
        page.get_by_test_id("endpoint-save").click()
        page.wait_for_url(re.compile(r".*/support/webhooks/\d+/$"))
        secret = page.get_by_test_id("endpoint-secret").locator(".secret").inner_text().strip()
        assert secret.startswith("whsec_")
        send_test(page)
        deadline = time.monotonic() + 20
        while not rx.requests and time.monotonic() < deadline:
            time.sleep(0.2)
        assert rx.requests, "the worker of the live server delivered nothing"
        request = rx.requests[0]
        assert request.json["type"] == "webhook.test"
        assert signing.verify(secret, request.headers[signing.HEADER], request.body)
        page.reload()
        log = page.get_by_test_id("delivery-log")
        log.get_by_role("cell", name="503", exact=True).wait_for()
        assert "webhook.test" in log.inner_text()
        send_test(page)  # leave a delivered one in the log too
        deadline = time.monotonic() + 20
        while len(rx.requests) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        page.reload()
        page.get_by_test_id("delivery-log").get_by_text("Delivered", exact=True).wait_for()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "webhooks-en.png"), full_page=True)
