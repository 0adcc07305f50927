"""The notification centre page (/notify/): one tappable row per notice that opens it and marks
it read in one POST, the unread marked in words as well as by a dot, times in words under day
headings, twenty notices a page with "Show earlier", push settings folded at the end; a GET
changes nothing."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from walletdesk.conftest import PASSWORD
from walletdesk.core import clock
from walletdesk.core.timewords import day_words, when_words
from walletdesk.notify import listing
from walletdesk.notify.models import Kind, Notification
from walletdesk.notify.services import inbox

pytestmark = [pytest.mark.django_db]

# 2026-12-07 14:30 in Shanghai (UTC+8).
NOW = datetime(2026, 12, 7, 6, 30, tzinfo=UTC)
# A row with its own attributes: id, then the rest of the <li> up to its end.
ROW = re.compile(r'<li id="n(\d+)"([^>]*data-testid="notification".*?)</li>', re.S)


@pytest.fixture(autouse=True)
def _frozen_clock() -> Any:
    with clock.frozen(NOW):
        yield


def signed_in(user: Any) -> Client:
    """Signed in, reading the site in the person's language."""
    c = Client(headers={"accept-language": user.language or "zh-hans"})
    assert c.login(username=user.email, password=PASSWORD)
    return c


def note(user: Any, title: str, *, ago: timedelta = timedelta(0), kind: str = Kind.PAYMENT,
         link: str = "/wallet/", body: str = "Body", read: bool = False, **extra: Any) -> Any:
    at = NOW - ago
    return Notification.objects.create(user=user, kind=kind, title=title, body=body, link=link,
                                       source=f"test:{title}", created_at=at,
                                       read_at=at if read else None, **extra)


def rows(html: str) -> dict[int, str]:
    return {int(pk): body for pk, body in ROW.findall(html)}


# --- one row, one step -------------------------------------------------------------------

def test_each_notice_is_one_row_that_opens_it_and_the_action_stays_a_button(make_customer: Any) -> None:
    user = make_customer(language="en", time_zone="Asia/Shanghai")
    paid = note(user, "Top-up completed", link="/wallet/t/tx_1/")
    alert = note(user, "New login: was this you?", kind=Kind.SECURITY, link="/security/",
                 action_label="Freeze my account", action_link="/account/freeze/abc/",
                 ago=timedelta(minutes=1))
    html = signed_in(user).get("/notify/").content.decode()
    shown = rows(html)
    assert set(shown) == {paid.pk, alert.pk}
    for pk, row in shown.items():
        assert f'action="/notify/{pk}/read/"' in row and 'method="post"' in row
        # One button fills the row and opens the notice; nothing else to tap but the action.
        assert row.count('name="open" value="1"') == 1 and 'class="note-row"' in row
        assert "Mark as read" not in row and ">Open<" not in row
    assert shown[paid.pk].count("<button") == 1
    action = shown[alert.pk]
    assert action.count("<button") == 2
    assert 'name="open" value="action"' in action and "Freeze my account" in action
    # The row's accessible name is its title; kind, time and text describe it.
    assert f'aria-labelledby="n{paid.pk}-s n{paid.pk}-t"' in shown[paid.pk]
    assert f'aria-describedby="n{paid.pk}-k n{paid.pk}-w n{paid.pk}-b"' in shown[paid.pk]
    assert "Payment results" in shown[paid.pk] and "Security alerts" in action
    # No text, no reference to it.
    bare = note(user, "Bare", body="", ago=timedelta(minutes=2))
    row = rows(signed_in(user).get("/notify/").content.decode())[bare.pk]
    assert f'aria-describedby="n{bare.pk}-k n{bare.pk}-w"' in row and "note-body" not in row


def test_tapping_a_row_opens_it_and_marks_it_read_in_one_post(make_customer: Any) -> None:
    user = make_customer(language="en", time_zone="Asia/Shanghai")
    paid = note(user, "Top-up completed", link="/wallet/t/tx_1/")
    other = note(user, "Fees change", kind=Kind.FEE_CHANGE, link="/wallet/fees/")
    c = signed_in(user)
    answer = c.post(f"/notify/{paid.pk}/read/", {"open": "1"})
    assert answer.status_code == 302 and answer["Location"] == "/wallet/t/tx_1/"
    assert Notification.objects.get(pk=paid.pk).read_at == NOW
    assert Notification.objects.get(pk=other.pk).read_at is None
    # Someone else's notice: not found, nothing changes.
    stranger = make_customer(language="en")
    theirs = note(stranger, "Theirs")
    assert c.post(f"/notify/{theirs.pk}/read/", {"open": "1"}).status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_a_notice_with_nowhere_to_go_is_shown_whole_and_a_tap_marks_it_read_in_place(
        make_customer: Any) -> None:
    user = make_customer(language="en", time_zone="Asia/Shanghai")
    long = "A long text. " * 30
    plain = note(user, "Fees change", kind=Kind.FEE_CHANGE, link="", body=long)
    c = signed_in(user)
    row = rows(c.get("/notify/").content.decode())[plain.pk]
    assert 'value="1"' in row and "clamp" not in row
    answer = c.post(f"/notify/{plain.pk}/read/", {"open": "1"})
    assert answer.status_code == 302 and answer["Location"] == f"/notify/#n{plain.pk}"
    assert Notification.objects.get(pk=plain.pk).read_at is not None
    # Read, it has nothing left to do: plain text, no button.
    row = rows(c.get("/notify/").content.decode())[plain.pk]
    assert "<button" not in row and "A long text." in row
    # On an earlier page the tap comes back to that page.
    answer = c.post(f"/notify/{plain.pk}/read/", {"open": "1", "before": "77"})
    assert answer["Location"] == f"/notify/?before=77#n{plain.pk}"
    answer = c.post(f"/notify/{plain.pk}/read/", {"open": "1", "before": "x"})
    assert answer["Location"] == f"/notify/#n{plain.pk}"


def test_security_alerts_are_shown_whole_and_others_in_two_lines(make_customer: Any) -> None:
    user = make_customer(language="en", time_zone="Asia/Shanghai")
    alert = note(user, "New login", kind=Kind.SECURITY, link="/security/", body="Whole text")
    paid = note(user, "Top-up completed", link="/wallet/t/tx_1/", body="Details inside")
    shown = rows(signed_in(user).get("/notify/").content.decode())
    assert 'class="note-body"' in shown[alert.pk]
    assert 'class="note-body clamp"' in shown[paid.pk]


def test_a_get_changes_nothing(make_customer: Any) -> None:
    user = make_customer(language="en", time_zone="Asia/Shanghai")
    notes = [note(user, f"n{i}", ago=timedelta(minutes=i)) for i in range(25)]
    c = signed_in(user)
    for path in ("/notify/", f"/notify/?before={notes[19].pk}", "/notify/?settings=1",
                 f"/notify/{notes[0].pk}/read/?open=1", "/notify/read-all/"):
        assert c.get(path).status_code in (200, 405), path
    assert c.get(f"/notify/{notes[0].pk}/read/").status_code == 405
    assert inbox.unread_count(user) == 25
    assert not Notification.objects.filter(user=user, read_at__isnull=False).exists()


# --- unread ---------------------------------------------------------------------------

@pytest.mark.parametrize(("language", "word", "count"), [("en", "Unread", "2 unread"),
                                                         ("zh-hans", "未读", "2 条未读")])
def test_the_unread_are_marked_in_words_not_by_colour_alone(make_customer: Any, language: str,
                                                            word: str, count: str) -> None:
    user = make_customer(language=language, time_zone="Asia/Shanghai")
    new = [note(user, f"new{i}", ago=timedelta(minutes=i)) for i in range(2)]
    old = note(user, "old", ago=timedelta(minutes=5), read=True)
    html = signed_in(user).get("/notify/").content.decode()
    shown = rows(html)
    for n in new:
        row = shown[n.pk]
        assert 'data-read="no"' in row and 'class="note-dot"' in row
        assert f'<span class="visually-hidden" id="n{n.pk}-s" data-testid="unread">{word}</span>' in row
        assert f'aria-labelledby="n{n.pk}-s n{n.pk}-t"' in row
    assert 'data-read="yes"' in shown[old.pk] and "note-dot" not in shown[old.pk]
    assert f'aria-labelledby="n{old.pk}-t"' in shown[old.pk]
    assert re.search(r'<li id="n\d+" class="note kind-payment unread"', html)
    assert f'data-testid="unread-count">{count}<' in html and 'data-testid="read-all"' in html


def test_mark_all_as_read_stays_at_the_top_while_something_is_unread(make_customer: Any) -> None:
    user = make_customer(language="zh-hans", time_zone="Asia/Shanghai")
    note(user, "a")
    c = signed_in(user)
    html = c.get("/notify/").content.decode()
    assert html.index('data-testid="read-all"') < html.index('data-testid="notification"')
    assert "全部已读" in html
    assert c.post("/notify/read-all/").status_code == 302
    html = c.get("/notify/").content.decode()
    assert 'data-testid="read-all"' not in html and 'data-testid="unread-count"' not in html


# --- times in words, by day ---------------------------------------------------------------

@pytest.mark.parametrize(("language", "expected"), [
    ("en", ["14:25", "Yesterday 09:05", "Dec 1, 23:59", "Dec 31, 2025, 08:00"]),
    ("zh-hans", ["14:25", "昨天 09:05", "12月1日 23:59", "2025年12月31日 08:00"]),
])
def test_times_read_as_people_write_them(language: str, expected: list[str]) -> None:
    moments = [NOW - timedelta(minutes=5), datetime(2026, 12, 6, 1, 5, tzinfo=UTC),
               datetime(2026, 12, 1, 15, 59, tzinfo=UTC), datetime(2025, 12, 31, 0, 0, tzinfo=UTC)]
    with translation.override(language), timezone.override("Asia/Shanghai"):
        assert [when_words(m) for m in moments] == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("en", ["Today", "Yesterday", "Tue, Dec 1", "Dec 31, 2025"]),
    ("zh-hans", ["今天", "昨天", "12月1日 星期二", "2025年12月31日"]),
])
def test_day_headings(language: str, expected: list[str]) -> None:
    moments = [NOW - timedelta(hours=14, minutes=30), datetime(2026, 12, 5, 16, 0, tzinfo=UTC),
               datetime(2026, 12, 1, 15, 59, tzinfo=UTC), datetime(2025, 12, 31, 0, 0, tzinfo=UTC)]
    with translation.override(language), timezone.override("Asia/Shanghai"):
        assert [day_words(m) for m in moments] == expected


def test_the_day_is_the_readers_day(make_customer: Any) -> None:
    """00:30 on Dec 7 in Shanghai is still Dec 6 in New York: the headings follow the reader."""
    moment = datetime(2026, 12, 6, 16, 30, tzinfo=UTC)
    with translation.override("en"), timezone.override("Asia/Shanghai"):
        assert (day_words(moment), when_words(moment)) == ("Today", "00:30")
    with translation.override("en"), timezone.override("America/New_York"):
        assert (day_words(moment), when_words(moment)) == ("Yesterday", "Yesterday 11:30")


def test_the_page_groups_by_day_and_shows_the_time_in_words(make_customer: Any) -> None:
    user = make_customer(language="zh-hans", time_zone="Asia/Shanghai")
    today = note(user, "today", ago=timedelta(minutes=5))
    yesterday = note(user, "yesterday", ago=timedelta(days=1))
    older = note(user, "older", ago=timedelta(days=6))
    html = signed_in(user).get("/notify/").content.decode()
    days = re.findall(r'data-testid="day">([^<]+)<', html)
    assert days == ["今天", "昨天", "12月1日 星期二"]
    shown = rows(html)
    assert '<span class="visually-hidden">14:25</span><span aria-hidden="true">14:25</span>' \
        in shown[today.pk]
    assert '<span class="visually-hidden">昨天 14:30</span><span aria-hidden="true">14:30</span>' \
        in shown[yesterday.pk]
    assert "12月1日 14:30" in shown[older.pk]
    assert 'datetime="2026-12-01T14:30:00+08:00"' in shown[older.pk]
    assert not re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", html)  # no ISO times on the page


# --- pages ----------------------------------------------------------------------------

def test_twenty_a_page_and_show_earlier_until_the_end(make_customer: Any) -> None:
    user = make_customer(language="en", time_zone="Asia/Shanghai")
    made = [note(user, f"n{i:02d}", ago=timedelta(minutes=i)) for i in range(45)]
    c = signed_in(user)
    seen: list[int] = []
    path, pages = "/notify/", 0
    while path:
        html = c.get(path).content.decode()
        pages += 1
        shown = list(rows(html))
        assert len(shown) == (20 if pages < 3 else 5)
        seen += shown
        found = re.search(r'href="\?before=(\d+)" rel="next" data-testid="earlier"', html)
        path = f"/notify/?before={found.group(1)}" if found else ""
        assert ('data-testid="newest"' in html) == (pages > 1)
    assert pages == 3 and seen == [n.pk for n in made]
    assert "Show earlier notifications" not in html


def test_pages_follow_the_lists_order_not_the_ids(make_customer: Any) -> None:
    """A notice written later with an earlier time, and two with the same time, are each
    shown once, in time order, across the page boundary."""
    user = make_customer(language="en", time_zone="Asia/Shanghai")
    a = note(user, "a", ago=timedelta(minutes=1))
    b = note(user, "b", ago=timedelta(minutes=2))
    c_ = note(user, "c", ago=timedelta(minutes=2))   # same time as b, larger id
    d = note(user, "d", ago=timedelta(minutes=3))
    late = note(user, "late", ago=timedelta(minutes=2, seconds=30))  # largest id, older than b
    order = [p.pk for p in (a, c_, b, late, d)]
    first = listing.page(user, size=2)
    assert [r.note.pk for day in first.days for r in day.rows] == order[:2]
    second = listing.page(user, before=first.earlier, size=2)
    assert [r.note.pk for day in second.days for r in day.rows] == order[2:4]
    third = listing.page(user, before=second.earlier, size=2)
    assert [r.note.pk for day in third.days for r in day.rows] == order[4:]
    assert third.earlier is None and not third.newest


def test_a_reference_in_a_notice_stays_whole_and_the_body_is_escaped(make_customer: Any) -> None:
    user = make_customer(language="zh-hans", time_zone="Asia/Shanghai")
    note(user, "客服已回复", body="王磊在会话 CS-20261206-000005 中回复了您。<b>x</b>\n打开查看")
    html = signed_in(user).get("/notify/").content.decode()
    assert '<span class="nowrap">CS-20261206-000005</span>' in html  # never broken at a hyphen
    assert "&lt;b&gt;x&lt;/b&gt;<br>打开查看" in html and "<b>x</b>" not in html


def test_the_api_pages_in_the_same_order(make_customer: Any) -> None:
    """GET /api/v1/notifications?before= follows time, then id, as the page does: paging by id
    alone skipped a notice written late with an earlier time and repeated none of the rest."""
    user = make_customer(language="en", time_zone="Asia/Shanghai")
    a = note(user, "a", ago=timedelta(minutes=1))
    b = note(user, "b", ago=timedelta(minutes=2))
    c_ = note(user, "c", ago=timedelta(minutes=2))
    d = note(user, "d", ago=timedelta(minutes=3))
    late = note(user, "late", ago=timedelta(minutes=2, seconds=30))
    c = signed_in(user)
    seen: list[int] = []
    before = ""
    for _ in range(4):
        items = c.get(f"/api/v1/notifications?limit=2{before}").json()["items"]
        if not items:
            break
        seen += [item["id"] for item in items]
        before = f"&before={items[-1]['id']}"
    assert seen == [p.pk for p in (a, c_, b, late, d)]
    other = make_customer(language="en")
    theirs = note(other, "theirs")
    assert c.get(f"/api/v1/notifications?before={theirs.pk}").json()["items"] == []


def test_another_persons_or_a_broken_before_shows_nothing_of_theirs(make_customer: Any) -> None:
    user, other = make_customer(language="en"), make_customer(language="en")
    mine = note(user, "mine")
    # titles no random key on the page can contain (the push key is base64)
    theirs = [note(other, f"别人的通知{i}", ago=timedelta(minutes=i)) for i in range(3)]
    c = signed_in(user)
    html = c.get(f"/notify/?before={theirs[0].pk}").content.decode()
    assert not rows(html) and "No earlier notifications." in html and "别人的通知" not in html
    for broken in ("abc", "-3", "0", "１２"):
        assert list(rows(c.get(f"/notify/?before={broken}").content.decode())) == [mine.pk]


def test_the_page_reads_the_same_few_statements_however_many_notices(make_customer: Any) -> None:
    user = make_customer(language="en", time_zone="Asia/Shanghai")
    c = signed_in(user)
    note(user, "first")
    c.get("/notify/")

    def statements() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/notify/").status_code == 200
        return len(ctx.captured_queries)

    few = statements()
    for i in range(30):
        note(user, f"more{i}", ago=timedelta(minutes=i + 1))
    assert statements() == few


# --- push settings, folded ------------------------------------------------------------

def test_push_settings_are_folded_at_the_end_and_still_save(make_customer: Any) -> None:
    user = make_customer(language="en", time_zone="Asia/Shanghai")
    note(user, "a")
    c = signed_in(user)
    html = c.get("/notify/").content.decode()
    assert '<details class="card inbox-push" id="push" data-testid="push-settings">' in html
    assert html.index('data-testid="notification"') < html.index('id="push"')
    assert 'href="?settings=1#push"' in html  # the gear at the top opens them
    assert 'data-testid="push-settings" open>' in c.get("/notify/?settings=1").content.decode()
    answer = c.post("/notify/push/kinds/", {"kinds": ["security", "payment"]})
    assert answer.status_code == 302 and answer["Location"] == "/notify/?settings=saved#push"
    html = c.get(answer["Location"]).content.decode()
    assert 'data-testid="push-settings" open>' in html and "Your choices are saved." in html
    assert sorted(user.push_opt_ins.values_list("kind", flat=True)) == ["payment", "security"]
