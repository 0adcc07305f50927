"""The console's list rows read like an inbox: the customer's name first, how long they have
waited (short on screen, a sentence for a screen reader), only the badges that say something
(no "Normal", no "Chat"), what they wrote, and the reference last, on one line; in Chinese and
English, with axe."""

from __future__ import annotations

import re
from typing import Any

import pytest

from walletdesk.conftest import browser_login as login
from walletdesk.conftest import in_live_db

from .test_workspace_browser import VIEWPORT, serious_axe

pytestmark = pytest.mark.browser

TEXT = "The bus fare was taken twice from my card yesterday (row test)"
SCENARIO = f"""
from datetime import timedelta
from walletdesk.accounts.models import User
from walletdesk.core import clock
from walletdesk.support.models import Conversation
from walletdesk.support.services import conversations

conv = Conversation.objects.filter(description={TEXT!r}).first() or conversations.open_conversation(
    User.objects.get(email="bob@example.com"), topic="payments", message={TEXT!r},
    use_triage=False).conversation
# queued 1 h 7 min ago, normal priority, not after hours
Conversation.objects.filter(pk=conv.pk).update(
    after_hours=False, priority=10, created_at=clock.now() - timedelta(hours=1, minutes=7, seconds=20))
print(conv.reference)
"""
WORDS = {"zh-hans": ("1 小时 7 分钟", "已等待 1 小时 7 分钟", "普通", "在线聊天"),
         "en": ("1 h 7 min", "waiting 1 h 7 min", "Normal", "Chat")}


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_a_queue_row_reads_like_an_inbox(live_server_url: str, page_for: Any, lang: str,
                                         tmp_path_factory: pytest.TempPathFactory) -> None:
    reference = next(w for w in in_live_db(tmp_path_factory, SCENARIO).split() if w.startswith("CS-"))
    short, sentence, normal, chat = WORDS[lang]
    agent = page_for(lang)
    agent.set_viewport_size(VIEWPORT)
    login(agent, live_server_url, "liu.yang@walletdesk.example")
    row = agent.get_by_test_id("queue").get_by_test_id(f"conv-{reference}")
    row.locator(".sla-badge").wait_for()  # the add-ons have decorated it
    # The row is read afresh inside one script call: the console redraws its queue while it
    # runs, and a row read through a handle taken just before may already be detached (no
    # layout, so no lines).
    parts = agent.evaluate("""ref => { const li = document.querySelector(
        `[data-testid=queue] [data-testid="conv-${ref}"]`); return {
        first: li.firstElementChild.className, who: li.querySelector('.who').textContent,
        shown: li.querySelector('.age [aria-hidden=true]').textContent,
        heard: li.querySelector('.age .visually-hidden').textContent,
        subject: li.querySelector('.subject').textContent,
        tags: li.querySelector('.tags').textContent,
        last: li.lastElementChild.textContent,
        refLines: (() => {
            const r = document.createRange(); r.selectNodeContents(li.querySelector('.ref'));
            return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; })()}; }""",
        reference)
    assert parts["first"] == "top" and parts["who"].startswith("Bob"), parts
    assert parts["shown"] == short and parts["heard"] == sentence, parts
    assert parts["subject"] == TEXT
    # the service-level badge, and nothing that every row would say
    assert normal not in parts["tags"] and chat not in parts["tags"], parts
    assert agent.get_by_test_id(f"prio-{reference}").count() == 0
    assert agent.get_by_test_id(f"channel-{reference}").count() == 0
    assert parts["last"].endswith(reference) and parts["refLines"] == 1, parts
    assert not re.search(r"\d{2}/\d{2}", row.inner_text())
    assert not serious_axe(agent), serious_axe(agent)


LONG_QUEUE = """
from walletdesk.accounts.models import User
from walletdesk.support.services import conversations
alice = User.objects.get(email="alice@example.com")
for i in range(18):
    conversations.open_conversation(alice, topic="general", message=f"queue filler {i}",
                                    use_triage=False)
"""
# Put back as they were: the tests after this one read the queue too.
CLEAR_QUEUE = """
from walletdesk.support.models import Conversation
Conversation.objects.filter(status="queued", messages__text__startswith="queue filler").update(
    status="resolved")
"""


def test_a_long_queue_scrolls_in_its_pane_never_the_page(
        live_server_url: str, page_for: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each row's spoken wait is visually hidden (absolutely positioned); the panes are its
    containing block, so a long queue does not lengthen the page under the console."""
    in_live_db(tmp_path_factory, LONG_QUEUE)
    try:
        agent = page_for("en")
        agent.set_viewport_size(VIEWPORT)
        login(agent, live_server_url, "liu.yang@walletdesk.example")
        agent.get_by_test_id("queue").locator("li").nth(17).wait_for()
        assert agent.evaluate("document.documentElement.scrollHeight <= innerHeight + 1")
        assert agent.evaluate("(() => { const q = document.querySelector('.pane-list');"
                              " return q.scrollHeight > q.clientHeight; })()")
    finally:
        in_live_db(tmp_path_factory, CLEAR_QUEUE)
