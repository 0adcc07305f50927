"""Agent console actions in real browsers: canned replies in the conversation's language,
private notes the customer never sees, transfer to another agent and to another queue."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from walletdesk.conftest import SCREENSHOTS

from .test_browser import Network, login, open_chat

pytestmark = pytest.mark.browser


def console_for(page: Any, url: str, who: str) -> Any:
    login(page, url, who)
    page.goto(f"{url}/support/console/")
    page.get_by_test_id("me").wait_for()
    return page


def accept(agent: Any, reference: str) -> None:
    agent.get_by_test_id(f"conv-{reference}").click()
    agent.get_by_test_id("accept").click()
    agent.get_by_test_id("mine").get_by_test_id(f"conv-{reference}").wait_for()


def resolve(agent: Any) -> None:
    """The agent resolves the open conversation, as one does when done: the live server is
    shared, and an agent's chat slots (two for 陈静, one taken by a demo chat) are not
    given back by a test that only closes its browser."""
    agent.get_by_test_id("resolve").click()
    agent.get_by_test_id("resolve-yes").click()
    expect(agent.get_by_test_id("resolve")).to_be_disabled()


def send(agent: Any, text: str, *, note: bool = False) -> None:
    box = agent.get_by_test_id("as-note")
    if box.is_checked() != note:
        box.click()
    agent.get_by_test_id("agent-text").fill(text)
    agent.get_by_test_id("agent-send").click()
    # The stored message, not the "Sending…" copy the console shows at once.
    agent.get_by_test_id("agent-log").get_by_test_id("msg-text").filter(has_text=text).wait_for()


def test_notes_canned_replies_and_transfers(live_server_url: str, page_for: Any) -> None:
    url = live_server_url
    customer = page_for("zh-hans")
    login(customer, url, "li.na@example.cn")
    reference, _conv_id = open_chat(customer, url, "payments", "扫码付款扣了两次钱，请帮我看看")
    # The colleague is on duty (their console beats) before the transfer picks them.
    liu = console_for(page_for("zh-hans"), url, "liu.yang@walletdesk.example")
    wang = console_for(page_for("zh-hans"), url, "wang.lei@walletdesk.example")
    accept(wang, reference)

    # A canned reply fills the box in the conversation's language (Chinese here).
    wang.get_by_test_id("canned").select_option(label="问候")
    greeting = "您好，我是今天为您服务的客服，请问有什么可以帮您？"
    assert wang.get_by_test_id("agent-text").input_value() == greeting
    wang.get_by_test_id("agent-send").click()
    customer.get_by_test_id("chat-log").get_by_text("今天为您服务的客服").wait_for()

    # A private note: in the agent's log, never on the customer's page.
    send(wang, "内部备注：疑似重复扣款，已查两笔流水", note=True)
    send(wang, "我已经看到两笔扣款，正在为您核实。")
    customer.get_by_test_id("chat-log").get_by_text("正在为您核实").wait_for()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    wang.screenshot(path=str(SCREENSHOTS / "agent-console-note.png"), full_page=True)

    # Transfer to another agent: the chat moves to their console, with the note; the customer
    # sees the new agent's name and 工号.
    wang.get_by_test_id("transfer-to").select_option("agent:WD2048")
    wang.get_by_test_id("transfer").click()
    liu.get_by_test_id("mine").get_by_test_id(f"conv-{reference}").click()
    liu.get_by_test_id("agent-log").get_by_text("疑似重复扣款").wait_for()
    wang.wait_for_function(
        "ref => !document.querySelector('[data-testid=mine] [data-testid=conv-' + ref + ']')", arg=reference)
    send(liu, "您好，我是刘洋，接手您的问题。")
    log = customer.get_by_test_id("chat-log")
    log.get_by_text("接手您的问题").wait_for()
    assert log.get_by_test_id("employee-id").last.inner_text() == "WD2048"
    customer.wait_for_function(
        "() => document.querySelector('[data-testid=chat-status]').innerText.includes('WD2048')")
    assert "疑似重复扣款" not in customer.content()

    # Transfer to another queue: queued again, out of the agent's own list.
    liu.get_by_test_id("transfer-to").select_option("skill:refunds")
    liu.get_by_test_id("transfer").click()
    liu.get_by_test_id("queue").get_by_test_id(f"conv-{reference}").wait_for()
    assert liu.get_by_test_id("mine").get_by_test_id(f"conv-{reference}").count() == 0

    # After everything, a reload of the customer's page still shows no note (history resume).
    customer.reload()
    customer.get_by_test_id("chat-log").get_by_text("接手您的问题").wait_for()
    assert "疑似重复扣款" not in customer.get_by_test_id("chat-log").inner_text()


def test_canned_reply_in_english_for_an_english_chat(live_server_url: str, page_for: Any) -> None:
    url = live_server_url
    alice = page_for("en")
    login(alice, url, "alice@example.com")
    reference, _conv_id = open_chat(alice, url, "refunds", "The shop never refunded my order")
    chen = console_for(page_for("zh-hans"), url, "chen.jing@walletdesk.example")
    accept(chen, reference)
    # The agent's console is in Chinese; the reply goes out in the customer's language.
    chen.get_by_test_id("canned").select_option(label="核实身份")
    assert chen.get_by_test_id("agent-text").input_value().startswith("To protect your account")
    chen.get_by_test_id("agent-send").click()
    alice.get_by_test_id("chat-log").get_by_text("we never ask for passwords or codes").wait_for()
    assert "保护您的账户" not in alice.get_by_test_id("chat-log").inner_text()
    resolve(chen)


def test_the_console_tells_add_ons_the_selected_conversation(live_server_url: str,
                                                              page_for: Any) -> None:
    """The wd:conversation event (web/static/web/wd.js) carries the selection to the add-ons:
    they never read it from the page."""
    url = live_server_url
    customer = page_for("en")
    login(customer, url, "alice@example.com")
    reference, conv_id = open_chat(customer, url, "payments", "My payment went through twice")
    agent = console_for(page_for("en"), url, "chen.jing@walletdesk.example")
    agent.evaluate("""() => { window.seen = [];
        document.addEventListener("wd:conversation", (ev) => window.seen.push(ev.detail)); }""")
    agent.get_by_test_id(f"conv-{reference}").click()
    agent.wait_for_function("() => window.seen.some((d) => d.reference)")
    seen = agent.evaluate("window.seen")
    assert seen[0]["id"] == int(conv_id) and seen[0]["changed"] is True
    assert any(d["reference"] == reference and d["topic"] == "payments" for d in seen)
    assert all(d["id"] == int(conv_id) for d in seen)
    assert agent.evaluate("WD.conversation().id") == int(conv_id)
    # One CSRF reader for every script on the page.
    assert agent.evaluate("typeof WD.csrf") == "function"
    assert agent.evaluate("typeof CW.csrf") == "undefined"


def test_an_accept_clicked_while_the_socket_is_down_goes_out_when_it_is_back(
        live_server_url: str, page_for: Any) -> None:
    """The console's socket drops (a network blip) and the agent clicks Accept before it is
    back: the console says it is reconnecting, and the accept goes out once the socket opens
    (it used to be dropped without a word); so do a reply ("Sending…" until then) and a status
    chosen meanwhile."""
    url = live_server_url
    customer = page_for("en")
    login(customer, url, "alice@example.com")
    reference, _conv_id = open_chat(customer, url, "technical", "The app signs me out every hour")
    agent = page_for("en")  # an agent with room for more chats than the supervisor's two
    login(agent, url, "rachel.lim@walletdesk.example")
    network = Network(agent, r".*/ws/agent/$")
    agent.goto(f"{url}/support/console/")
    agent.get_by_test_id("me").wait_for()
    agent.get_by_test_id(f"conv-{reference}").click()
    network.drop()
    warning = agent.locator("#chat-warning")
    expect(warning).to_have_text("Connection lost, reconnecting…")
    agent.get_by_test_id("accept").click()
    assert agent.get_by_test_id("mine").get_by_test_id(f"conv-{reference}").count() == 0

    network.restore()
    agent.get_by_test_id("mine").get_by_test_id(f"conv-{reference}").wait_for(timeout=20000)
    expect(warning).to_have_text("")
    customer.get_by_test_id("chat-log").get_by_text("Agent joined").wait_for(timeout=15000)

    # A reply written while the socket is down shows at once as "Sending…", then goes out.
    network.drop()
    expect(warning).to_have_text("Connection lost, reconnecting…")
    agent.get_by_test_id("agent-text").fill("I am here, checking your account now.")
    agent.get_by_test_id("agent-send").click()
    sending = agent.get_by_test_id("msg-pending")
    expect(sending).to_have_count(1)
    assert "Sending…" in sending.inner_text()
    network.restore()
    expect(sending).to_have_count(0, timeout=20000)
    customer.get_by_test_id("chat-log").get_by_text("checking your account now").wait_for()

    # A status chosen while the socket is down goes out the same way: away gives the chat back.
    network.drop()
    expect(warning).to_have_text("Connection lost, reconnecting…")
    agent.get_by_test_id("agent-status").select_option("away")
    network.restore()
    customer.get_by_test_id("chat-log").get_by_text("Back in the queue").wait_for(timeout=20000)
    expect(agent.get_by_test_id("mine").get_by_test_id(f"conv-{reference}")).to_have_count(0)
    agent.get_by_test_id("agent-status").select_option("online")


def test_a_live_frame_that_overtakes_the_history_hides_nothing(live_server_url: str,
                                                              page_for: Any) -> None:
    """Selecting a conversation asks for its whole history; a live frame already on its way
    can arrive before it. The console used to show that newer frame first and then drop every
    older one as already seen. The socket is routed so that the newest frame comes first."""
    url = live_server_url
    customer = page_for("en")
    login(customer, url, "alice@example.com")
    reference, _conv_id = open_chat(customer, url, "general", "Where can I see my statements?")
    customer.get_by_test_id("chat-text").fill("I need the one for October")
    customer.get_by_test_id("chat-send").click()
    customer.get_by_test_id("chat-log").get_by_test_id("msg-text").filter(
        has_text="the one for October").wait_for()
    agent = page_for("en")
    login(agent, url, "rachel.lim@walletdesk.example")

    def route(ws: Any) -> None:
        server, held = ws.connect_to_server(), list[dict[str, Any]]()
        holding = {"on": False}

        def from_page(message: str | bytes) -> None:
            if json.loads(message).get("type") == "watch":
                holding["on"] = True  # hold what answers it
            server.send(message)

        def from_server(message: str | bytes) -> None:
            frame = json.loads(message)
            if not holding["on"]:
                ws.send(message)
                return
            held.append(frame)
            if frame["type"] == "resumed":
                holding["on"] = False
                newest = max((f for f in held if f["type"] == "message"), key=lambda f: f["seq"])
                for f in [newest] + [f for f in held if f is not newest]:
                    ws.send(json.dumps(f))
                held.clear()

        ws.on_message(from_page)
        server.on_message(from_server)

    agent.route_web_socket(re.compile(r".*/ws/agent/$"), route)
    agent.goto(f"{url}/support/console/")
    agent.get_by_test_id("me").wait_for()
    agent.get_by_test_id(f"conv-{reference}").click()
    texts = agent.get_by_test_id("agent-log").get_by_test_id("msg-text")
    expect(texts).to_have_count(2)
    assert texts.all_inner_texts() == ["Where can I see my statements?", "I need the one for October"]


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_console_fits_a_phone(live_server_url: str, page_for: Any, lang: str) -> None:
    """A supervisor glancing from a phone: the three panes stack (the conversation had been
    squeezed to nothing between the other two, the page 620 px wide), the keyboard's hints
    give way on a touch screen, and the message list, which scrolls, can be reached from the
    keyboard (axe: scrollable-region-focusable)."""
    from axe_playwright_python.sync_playwright import Axe

    url = live_server_url
    customer = page_for(lang)
    login(customer, url, "alice@example.com")
    reference, _conv_id = open_chat(customer, url, "technical", "The app will not open on my phone")
    agent = page_for(lang, has_touch=True)
    agent.set_viewport_size({"width": 390, "height": 844})
    login(agent, url, "rachel.lim@walletdesk.example")
    agent.goto(f"{url}/support/console/")
    agent.get_by_test_id(f"conv-{reference}").click()
    agent.get_by_test_id("agent-log").get_by_test_id("msg-text").first.wait_for()
    assert agent.evaluate("document.documentElement.scrollWidth") <= 390
    assert agent.get_by_test_id("agent-log").bounding_box()["width"] >= 300
    # Nothing of the header or the tools leaves the conversation's pane (the pane clips, so
    # the page's width alone would not tell), and no label's words break inside a word.
    outside = agent.evaluate("""() => {
      const pane = document.querySelector('.pane-conv').getBoundingClientRect();
      return [...document.querySelectorAll('.conv-head > *, .conv-tools > *')]
        .filter(e => e.offsetParent && e.getBoundingClientRect().right > pane.right + 0.5)
        .map(e => e.id || e.textContent.trim());
    }""")
    assert outside == []
    broken = agent.evaluate("""() => [...document.querySelectorAll('.conv-tools .inline-label')].filter(l => {
      const r = document.createRange(); r.selectNodeContents(l.firstChild);
      return r.getClientRects().length > 1; }).map(l => l.textContent.trim().slice(0, 20))""")
    assert broken == []
    # A touch screen has no keys to hint at: no "A", "N", "C", "T" beside the tools, no list.
    hints = "els => els.filter(e => e.getClientRects().length).map(e => e.textContent)"
    assert agent.locator("button > kbd, label > kbd").evaluate_all(hints) == []
    assert not agent.get_by_test_id("kb-open").is_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    agent.evaluate("""() => { const top = document.querySelector('.pane-conv').getBoundingClientRect().top;
      window.scrollTo(0, window.scrollY + top - document.querySelector('header').offsetHeight - 8); }""")
    agent.screenshot(path=str(SCREENSHOTS / f"phone-agent-console-{lang[:2]}.png"))
    found = Axe().run(agent, options={"resultTypes": ["violations"]}).response["violations"]
    assert [v["id"] for v in found if v["impact"] in {"serious", "critical"}] == []
