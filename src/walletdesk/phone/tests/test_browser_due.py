"""A callback booked for another day, in the console: its queue item shows the date as well as
the time, and "Start the call" stays disabled, with the reason, until the call may start
(30 minutes before the slot, as the server's rule says)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from walletdesk.conftest import DEMO_PASSWORD, in_live_db
from walletdesk.phone.tests.test_browser import login

pytestmark = pytest.mark.browser
CUSTOMER = "dora.callback@example.com"


def test_a_callback_for_tomorrow_shows_its_date_and_waits(
        live_server_url: str, page_for: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    out = tmp_path_factory.mktemp("due") / "reference.txt"
    in_live_db(tmp_path_factory, f"""
from datetime import timedelta
from walletdesk.accounts.models import User
from walletdesk.core import clock
from walletdesk.directory.models import Channel
from walletdesk.phone import codes
from walletdesk.phone.models import Callback
from walletdesk.support.services import conversations
u = User.objects.filter(email={CUSTOMER!r}).first() or User.objects.create_user(
    {CUSTOMER!r}, {DEMO_PASSWORD!r}, display_name='Dora Lee', language='zh-hans')
conv = conversations.open_conversation(u, topic='general', message='请明天回电',
                                       use_triage=False).conversation
at = (clock.now() + timedelta(days=1, hours=2)).replace(minute=7, second=0, microsecond=0)
line = Channel.objects.filter(kind='phone').order_by('pk').first()
Callback.objects.create(conversation=conv, customer=u, line=line, number='+8613800138000',
                        slot_start=at, seat=9, code_salt=codes.new_salt())
open({str(out)!r}, 'w').write(conv.reference)
""")
    reference = out.read_text()
    desk = page_for("zh-hans")
    login(desk, live_server_url, "wang.lei@walletdesk.example")
    desk.goto(f"{live_server_url}/support/console/")
    item = desk.get_by_test_id(f"conv-{reference}")
    due = item.locator(".phone-due")
    due.wait_for(timeout=15000)
    assert re.search(r"\d+月\d+日 \d{2}:07", due.inner_text()), due.inner_text()
    item.click()
    start = desk.get_by_test_id("start-call")
    start.wait_for()
    expect(start).to_be_disabled()
    why = desk.get_by_test_id("start-call-why")
    expect(why).to_be_visible()
    opens = r"可从 \d+月\d+日 \d{2}:37 起拨打（预约时间前 30 分钟）"  # the minutes from the server's rule
    assert re.search(opens, why.inner_text()), why.inner_text()
