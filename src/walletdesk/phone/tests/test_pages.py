"""Phone pages in both languages: the hub offers callbacks, booking, my callbacks with the code,
the conversation page, and the console / supervisor includes; no inline script or style."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from walletdesk.conftest import PASSWORD
from walletdesk.core import clock
from walletdesk.directory.models import Channel
from walletdesk.phone import codes
from walletdesk.phone.models import Callback
from walletdesk.servicelevels import services as sla

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 3, 10, 2, tzinfo=SH).astimezone(UTC)
SLOT = datetime(2026, 12, 3, 10, 30, tzinfo=SH).astimezone(UTC)
INLINE = re.compile(r'<script(?![^>]*\b(?:src=|type="application/json"))[^>]*>|\sstyle="', re.I)


@pytest.fixture(autouse=True)
def _now() -> Any:
    with clock.frozen(NOW):
        yield


def login(user: Any, lang: str) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    if not c.login(username=user.email, password=PASSWORD):
        c.force_login(user)
    c.cookies["django_language"] = lang
    return c


@pytest.mark.parametrize(("lang", "words"), [("zh-hans", ["预约回电", "会话码", "今天 10:30 回电至 "]),
                                              ("en", ["Request a callback", "Session code",
                                                      "Callback: Today 10:30, to "])])
def test_book_and_see_the_code(hotline: Channel, make_customer: Any, lang: str, words: list[str]) -> None:
    customer = make_customer(region="CN", phone="+8613800138000", language=lang)
    c = login(customer, lang)
    hub = c.get("/contact/")
    assert words[0] in hub.content.decode() and 'data-testid="request-callback"' in hub.content.decode()
    page = c.get(f"/phone/callback/?line={hotline.pk}")
    html = page.content.decode()
    assert page.status_code == 200 and words[0] in html and SLOT.isoformat() in html
    assert not INLINE.search(html)
    # The times on offer name their day in words: "今天" / "Today" as the group, "Today 10:30"
    # as the option, never "2026-12-03 Thursday" or "12-03 10:30".
    today = "今天" if lang == "zh-hans" else "Today"
    assert f'<optgroup label="{today}">' in html
    assert re.search(rf'<option value="{re.escape(SLOT.isoformat())}"[^>]*>{today} 10:30', html)
    assert not re.search(r"\d{4}-\d{2}-\d{2}|\b\d\d-\d\d\b", re.sub(r"<[^>]+>", " ", html))
    r = c.post("/phone/callback/", {"line": hotline.pk, "slot": SLOT.isoformat(), "number": "+8613800138000",
                                    "topic": "payments", "message": "请回电"})
    assert r.status_code == 302 and r["Location"] == "/phone/callbacks/"
    cb = Callback.objects.get()
    mine = c.get("/phone/callbacks/").content.decode()
    assert words[1] in mine and codes.code_for(cb) in mine  # within 30 minutes of the slot
    conv_page = c.get(f"/support/c/{cb.conversation_id}/").content.decode()
    assert codes.code_for(cb) in conv_page and 'data-testid="callback-panel"' in conv_page
    for html in (mine, conv_page):  # the slot's day in words, never an ISO date
        assert words[2] in html and not re.search(r"\d{4}-\d{2}-\d{2}", re.sub(r"<[^>]+>", " ", html))
    assert not INLINE.search(mine) and not INLINE.search(conv_page)


def test_a_bad_booking_shows_the_error_and_changes_nothing(hotline: Channel, make_customer: Any) -> None:
    c = login(make_customer(region="CN", language="en"), "en")
    r = c.post("/phone/callback/", {"line": hotline.pk, "slot": "2026-12-03T23:00:00+08:00",
                                    "number": "+8613800138000", "topic": "payments", "message": "x"})
    assert r.status_code == 422 and "Please choose one of the offered times." in r.content.decode()
    assert not Callback.objects.exists()


def test_console_and_supervisor_show_phone_and_service_levels(hotline: Channel, make_customer: Any,
                                                              make_agent: Any) -> None:
    c = login(make_customer(region="CN"), "zh-hans")
    c.post("/phone/callback/", {"line": hotline.pk, "slot": SLOT.isoformat(), "number": "13800138000",
                                "topic": "payments", "message": "请回电"})
    boss = make_agent(["payments"], role="supervisor")
    with clock.frozen(SLOT + timedelta(hours=3)):
        sla.check()
        staff = Client()
        staff.force_login(boss.user)
        console = staff.get("/support/console/").content.decode()
        assert 'id="phone-panel"' in console and "servicelevels/sla.js" in console
        sup = staff.get("/support/supervisor/").content.decode()
        assert 'data-testid="sla-at-risk"' in sup and 'data-testid="sla-events"' in sup
        assert not INLINE.search(console) and not INLINE.search(sup)
        timers = staff.get("/api/v1/sla/timers").json()
        assert [t["state"] for t in timers] == ["breached"]


def test_an_after_hours_chat_offers_a_callback_that_takes_it_over(hotline: Channel, make_customer: Any,
                                                                  open_chat: Any) -> None:
    customer = make_customer(region="CN", phone="+8613800138000", language="en")
    c = login(customer, "en")
    with clock.frozen(datetime(2026, 12, 3, 3, 0, tzinfo=SH).astimezone(UTC)):  # chat closed
        conv = open_chat(topic="refunds", customer=customer).conversation
        page = c.get(f"/support/c/{conv.pk}/").content.decode()
        assert f'href="/phone/callback/?from={conv.pk}"' in page
        form = c.get(f"/phone/callback/?from={conv.pk}").content.decode()
        assert conv.reference in form and 'name="message"' not in form
        r = c.post("/phone/callback/", {"line": hotline.pk, "from": conv.pk, "slot": SLOT.isoformat(),
                                        "number": "+8613800138000"})
    assert r.status_code == 302
    conv.refresh_from_db()
    assert conv.channel == "phone" and Callback.objects.get().conversation_id == conv.pk
