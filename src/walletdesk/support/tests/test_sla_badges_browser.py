"""The console's service-level badges at their longest, whatever the time of day: a chat three
minutes from its first-response target and one 12 h 34 min past it sit in the queue, and at
1440 px each badge is one line, in Chinese and English. The state word is read out (and on
hover) but not shown; a warning sign marks both, so amber and red are not the only cue."""

from __future__ import annotations

from typing import Any

import pytest

from walletdesk.conftest import browser_login as login
from walletdesk.conftest import in_live_db

from .test_workspace_browser import VIEWPORT, serious_axe

pytestmark = pytest.mark.browser

CLOSE = "Charged twice at the metro gate (badge test)"
LATE = "Top-up never arrived (badge test)"
SCENARIO = f"""
from datetime import timedelta
from walletdesk.accounts.models import User
from walletdesk.core import clock
from walletdesk.servicelevels.models import Timer
from walletdesk.support.models import Conversation
from walletdesk.support.services import conversations

now = clock.now()
close = now + timedelta(minutes=3, seconds=20)
late = now - timedelta(hours=12, minutes=34, seconds=20)
for who, text, due, state in (("alice@example.com", {CLOSE!r}, close, "warning"),
                              ("bob@example.com", {LATE!r}, late, "breached")):
    conv = Conversation.objects.filter(description=text).first() or conversations.open_conversation(
        User.objects.get(email=who), topic="payments", message=text, use_triage=False).conversation
    Conversation.objects.filter(pk=conv.pk).update(after_hours=False)
    Timer.objects.filter(conversation=conv).update(
        first_response_warn_at=due - timedelta(minutes=5), first_response_due=due, state=state,
        computed_at=now)
    print(conv.reference)
"""


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_close_and_breached_badges_are_one_line_with_a_sign(
        live_server_url: str, page_for: Any, lang: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    references = [line for line in in_live_db(tmp_path_factory, SCENARIO).split() if line.startswith("CS-")]
    agent = page_for(lang)
    agent.set_viewport_size(VIEWPORT)
    login(agent, live_server_url, "liu.yang@walletdesk.example")
    queue = agent.get_by_test_id("queue")
    for reference in references:
        queue.get_by_test_id(f"sla-{reference}").wait_for()
    # Found and measured in one evaluation: the lists redraw on every event frame, so elements
    # found in one call may be detached by the next (then their style reads empty).
    found = agent.evaluate("""() => [...document.querySelectorAll(".clist .sla-badge")].map(e => ({
        cls: e.className, text: e.textContent, title: e.title,
        shown: [...e.childNodes].filter(n => !n.classList || !n.classList.contains("visually-hidden"))
          .map(n => n.textContent).join(""),
        ems: e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).fontSize),
        sign: getComputedStyle(e, '::before').content}))""")
    close = [b for b in found if "sla-warning" in b["cls"]]
    late = [b for b in found if "sla-breached" in b["cls"]]
    assert close and late, found
    words = {"zh-hans": ("即将超时", "已超时", "首次响应", "3 分钟", "12 小时 34 分钟"),
             "en": ("Close to breach", "Breached", "First response", "3 min left", "12 h 34 min over")}[lang]
    assert any(words[3] in b["text"] for b in close), close
    assert any(words[4] in b["text"] for b in late), late
    for badge in close + late:
        assert badge["ems"] < 2.2, badge  # one line (two would be about 2.6 em)
        assert badge["title"] == badge["text"]  # the state word too, on hover and read out
        assert words[2] in badge["shown"] and words[0] not in badge["shown"] \
            and words[1] not in badge["shown"], badge
        assert "\u26a0" in badge["sign"], badge
    assert any(words[0] in b["text"] for b in close) and any(words[1] in b["text"] for b in late)
    assert not serious_axe(agent), serious_axe(agent)
