"""The console as a demanding agent uses it: no reply before accepting, a confirmed resolve that
leaves the conversation read-only, shortcuts in capitals, one note at a time, the open
conversation kept over a reload, and the transfer list saying who is online."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from walletdesk.conftest import SCREENSHOTS

from .test_browser import login, open_chat
from .test_console_browser import console_for, resolve

pytestmark = pytest.mark.browser


def test_no_reply_before_accepting_and_a_confirmed_resolve_is_read_only(
        live_server_url: str, page_for: Any) -> None:
    url = live_server_url
    customer = page_for("zh-hans")
    login(customer, url, "li.na@example.cn")
    reference, conv_id = open_chat(customer, url, "payments", "付款一直显示处理中，请帮我看看")
    agent = console_for(page_for("zh-hans"), url, "wang.lei@walletdesk.example")
    agent.get_by_test_id(f"conv-{reference}").click()
    # Queued, not accepted: the reply box is off and says why.
    expect(agent.get_by_test_id("composer-hint")).to_have_text("接入会话后才能回复。")
    expect(agent.get_by_test_id("agent-text")).to_be_disabled()
    expect(agent.get_by_test_id("agent-send")).to_be_disabled()
    expect(agent.get_by_test_id("resolve")).to_be_disabled()
    # The address names the open conversation by its reference (the one deep link, ADR 0128);
    # a reload opens it again, and so does an older link by id.
    assert agent.url.endswith(f"?c={reference}")
    agent.goto(f"{url}/support/console/?c={conv_id}")
    expect(agent.get_by_test_id("current-reference")).to_have_text(reference)
    agent.wait_for_url(f"**/support/console/?c={reference}")
    agent.reload()
    expect(agent.get_by_test_id("current-reference")).to_have_text(reference)

    agent.get_by_test_id("accept").click()
    agent.get_by_test_id("mine").get_by_test_id(f"conv-{reference}").wait_for()
    expect(agent.get_by_test_id("agent-text")).to_be_enabled()
    expect(agent.get_by_test_id("composer-hint")).to_be_hidden()
    # My conversations come before the queue.
    assert agent.evaluate("""() => {
        const mine = document.getElementById('mine'), queue = document.getElementById('queue');
        return !!(mine.compareDocumentPosition(queue) & Node.DOCUMENT_POSITION_FOLLOWING); }""")

    # At 1024×768 the customer's context stays beside the chat, on screen.
    agent.set_viewport_size({"width": 1024, "height": 768})
    box = agent.evaluate("""() => {
        const r = (s) => document.querySelector(s).getBoundingClientRect();
        return {conv: r('.pane-conv'), ctx: r('.pane-ctx')}; }""")
    assert box["ctx"]["left"] >= box["conv"]["right"] - 1 and box["ctx"]["top"] < 768, box
    assert box["conv"]["width"] >= 400, box
    agent.set_viewport_size({"width": 1280, "height": 900})

    # Resolving asks first; cancelling changes nothing.
    agent.get_by_test_id("resolve").click()
    expect(agent.get_by_test_id("resolve-confirm")).to_be_visible()
    agent.get_by_test_id("resolve-no").click()
    expect(agent.get_by_test_id("resolve-confirm")).to_be_hidden()
    expect(agent.get_by_test_id("agent-text")).to_be_enabled()
    agent.get_by_test_id("resolve").click()
    agent.get_by_test_id("resolve-yes").click()
    expect(agent.get_by_test_id("conv-state")).to_have_text("已解决")
    expect(agent.get_by_test_id("agent-text")).to_be_disabled()
    expect(agent.get_by_test_id("transfer")).to_be_disabled()
    expect(agent.get_by_test_id("resolve")).to_be_disabled()
    expect(agent.get_by_test_id("composer-hint")).to_have_text("已解决：该会话只能查看，不能再回复。")
    assert "请发起新的会话" not in agent.get_by_test_id("chat-warning").inner_text()


def test_shortcuts_in_capitals_and_one_note_at_a_time(live_server_url: str, page_for: Any) -> None:
    url = live_server_url
    customer = page_for("en")
    login(customer, url, "alice@example.com")
    reference, _conv_id = open_chat(customer, url, "payments", "My payment went through twice")
    agent = console_for(page_for("en"), url, "chen.jing@walletdesk.example")
    agent.get_by_test_id(f"conv-{reference}").wait_for()
    expect(agent.get_by_test_id("composer-hint")).to_have_count(1)
    # Shift+J and Shift+A (or Caps Lock) work like j and a.
    agent.locator("body").click(position={"x": 5, "y": 5})
    first = agent.locator(".clist li").first.get_attribute("data-testid") or ""
    agent.keyboard.press("Shift+J")
    expect(agent.get_by_test_id("current-reference")).to_have_text(first.removeprefix("conv-"))
    agent.get_by_test_id(f"conv-{reference}").click()
    expect(agent.get_by_test_id("current-reference")).to_have_text(reference)
    expect(agent.get_by_test_id("composer-hint")).to_have_text("Accept the conversation to reply.")
    agent.keyboard.press("Shift+A")
    agent.get_by_test_id("mine").get_by_test_id(f"conv-{reference}").wait_for()
    expect(agent.get_by_test_id("agent-text")).to_be_enabled()
    # Capital N opens a note; after the note is sent the next message is a reply again.
    agent.get_by_test_id("agent-log").click()
    agent.keyboard.press("Shift+N")
    expect(agent.get_by_test_id("as-note")).to_be_checked()
    expect(agent.get_by_test_id("agent-text")).to_be_focused()
    agent.keyboard.type("Checked both payments: duplicate")
    agent.keyboard.press("Enter")
    agent.get_by_test_id("agent-log").get_by_test_id("msg-text").filter(
        has_text="Checked both payments").wait_for()
    expect(agent.get_by_test_id("as-note")).not_to_be_checked()
    agent.keyboard.type("I can see both payments and am checking them now.")
    agent.keyboard.press("Enter")
    customer.get_by_test_id("chat-log").get_by_text("am checking them now").wait_for()
    assert "Checked both payments" not in customer.get_by_test_id("chat-log").inner_text()
    # Typed into the box, a capital letter is text, not a shortcut.
    agent.get_by_test_id("agent-text").click()
    agent.keyboard.type("J")
    assert agent.get_by_test_id("agent-text").input_value() == "J"
    # The transfer list says who is online; one who is not cannot be chosen.
    options = agent.get_by_test_id("transfer-to").locator("option[value^='agent:']")
    labels = options.all_inner_texts()
    assert labels and all(" · " in t for t in labels), labels
    offline = agent.get_by_test_id("transfer-to").locator("option[data-state='offline']")
    if offline.count():
        expect(offline.first).to_be_disabled()
    resolve(agent)


def test_an_agent_opens_the_conversation_whose_reference_a_customer_reads_out(
        live_server_url: str, page_for: Any) -> None:
    """On a call the customer reads out "CS-20261207-000055" as best they can; the agent types
    it as heard (lower case, spaces, no "CS") into the box that "/" reaches, and the console
    opens it. A reference the agent may not open says so, and changes nothing."""
    url = live_server_url
    customer = page_for("zh-hans")
    login(customer, url, "li.na@example.cn")
    reference, _conv_id = open_chat(customer, url, "payments", "充值一直没有到账")
    agent = console_for(page_for("en"), url, "wang.lei@walletdesk.example")
    agent.locator("body").press("/")
    box = agent.get_by_test_id("find-ref")
    expect(box).to_be_focused()
    _cs, day, number = reference.split("-")
    box.fill(f" cs {day} {number} ")
    box.press("Enter")
    expect(agent.get_by_test_id("current-reference")).to_have_text(reference)
    agent.wait_for_url(f"**/support/console/?c={reference}")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    agent.screenshot(path=str(SCREENSHOTS / "agent-console-find-en.png"))
    # Nobody has this reference (or it is someone else's): one sentence, the open one stays.
    box.fill(f"{day}-999999")
    agent.get_by_test_id("find-open").click()
    expect(agent.get_by_test_id("chat-warning")).to_contain_text(f"CS-{day}-999999")
    expect(agent.get_by_test_id("current-reference")).to_have_text(reference)
    assert agent.url.endswith(f"?c={reference}")
    # The help lists the key.
    agent.get_by_test_id("kb-open").click()
    expect(agent.get_by_test_id("kb-help")).to_contain_text("Open a conversation by its reference")
