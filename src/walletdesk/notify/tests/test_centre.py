"""The in-app notification centre: events become notifications in the user's language and
time zone; the API and the page list and mark them; the bell shows the unread count."""

from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from walletdesk.accounts.tests.fixtures import run_jobs
from walletdesk.conftest import PASSWORD, ApiClient
from walletdesk.core import clock
from walletdesk.notify import services as notify
from walletdesk.notify import tasks
from walletdesk.notify.models import Kind, Notification
from walletdesk.notify.services import inbox

pytestmark = [pytest.mark.django_db]


def api_for(user: Any) -> ApiClient:
    from walletdesk.accounts.services import issue_token

    return ApiClient(issue_token(user))


def browser_for(user: Any) -> Client:
    c = Client()
    assert c.login(username=user.email, password=PASSWORD)
    return c


def test_security_alert_in_language_and_local_time(make_customer: Any) -> None:
    zh = make_customer(language="zh-hans", time_zone="Asia/Shanghai")
    en = make_customer(language="en", time_zone="America/New_York")
    for user in (zh, en):
        notify.tell_owner(user, "new_device", device="Pixel 8", place="Shanghai",
                          when="2026-07-01 02:30")
    z, e = Notification.objects.get(user=zh), Notification.objects.get(user=en)
    assert z.kind == e.kind == "security"
    assert z.title == "walletdesk 新登录：是您本人吗？"
    assert "2026-07-01 10:30 (UTC+8)" in z.body and "UTC " not in z.body
    assert "2026-06-30 22:30 (UTC-4)" in e.body and "Pixel 8" in e.body
    assert e.link == "/security/"


def test_email_times_are_local_too(make_customer: Any) -> None:
    from django.core import mail

    user = make_customer("tz@example.com", language="en", time_zone="Europe/London")
    notify.tell_owner(user, "device_signed_out", device="Old phone",
                      when=datetime(2026, 1, 15, 9, 5, tzinfo=UTC))
    run_jobs()
    assert "2026-01-15 09:05 (UTC)" in mail.outbox[0].body
    notify.tell_owner(user, "device_signed_out", device="Old phone", when="2026-07-15 09:05")
    run_jobs()
    assert "2026-07-15 10:05 (UTC+1)" in mail.outbox[-1].body


def test_codes_do_not_go_to_the_centre(make_customer: Any) -> None:
    user = make_customer()
    notify.send_to("login_code", user.email, user=user, code="123456", minutes=10)
    assert not Notification.objects.exists()


def test_payment_results_once_per_outcome(make_customer: Any, fund: Any) -> None:
    from walletdesk.wallet import services as wallet

    user = make_customer(language="en")
    txn = fund(user, 10_000)
    wallet.on_network_result(txn.public_id, "confirmed")  # the network repeats itself
    [note] = Notification.objects.filter(user=user)
    assert (note.kind, note.title) == ("payment", "Top-up completed")
    assert "¥100.00" in note.body and "Top-up" in note.body
    assert note.link == f"/wallet/t/{txn.public_id}/"


def test_a_declined_payment_says_no_fee_was_charged(make_customer: Any) -> None:
    from walletdesk.wallet import services as wallet
    from walletdesk.wallet.services import cards

    user = make_customer(language="zh-hans")
    cards.link_card(user, kind="bank_card", number="6222021234567890128")
    txn = wallet.top_up(user, amount=5_000, currency="CNY", method="bank_card")
    assert not Notification.objects.exists()  # still pending: nothing to tell yet
    wallet.on_network_result(txn.public_id, "failed", "insufficient_funds_at_issuer")
    [note] = Notification.objects.filter(user=user)
    assert note.title == "充值未完成" and "未收取任何费用" in note.body
    assert "insufficient" not in note.body


def test_agent_reply_after_a_while_unread(make_customer: Any, make_agent: Any,
                                          open_chat: Any) -> None:
    from walletdesk.support.services import chat, conversations

    user = make_customer(language="en")
    conv = open_chat(customer=user).conversation
    agent = make_agent(name="王芳", latin="Wang Fang")
    conversations.accept(agent, conv)
    chat.post(conv, agent.user, "Your refund is on its way.", agent=agent)
    assert tasks.agent_replies() == 0  # too fresh: the customer may be reading the chat
    clock.advance(seconds=25)
    assert tasks.agent_replies() == 1
    assert tasks.agent_replies() == 0  # once per unread stretch
    [note] = Notification.objects.filter(user=user)
    assert note.kind == "agent_reply" and agent.employee_id in note.body
    assert "Wang Fang" in note.body and "王芳" not in note.body  # an English reader: the Latin name
    assert conv.reference in note.body and "refund is on its way" not in note.body
    assert note.link == f"/support/c/{conv.pk}/"


def test_an_agent_reply_the_customer_read_is_not_notified(make_customer: Any, make_agent: Any,
                                                          open_chat: Any) -> None:
    from walletdesk.support.services import chat, conversations

    user = make_customer()
    conv = open_chat(customer=user).conversation
    agent = make_agent()
    conversations.accept(agent, conv)
    posted = chat.post(conv, agent.user, "好的", agent=agent)
    conv.refresh_from_db()
    chat.mark_read(conv, "customer", posted.message.seq)
    clock.advance(seconds=60)
    assert tasks.agent_replies() == 0 and not Notification.objects.exists()


def test_fee_change_reaches_every_customer_in_their_language(make_customer: Any) -> None:
    from datetime import timedelta

    from walletdesk.wallet import services as wallet

    zh, en = make_customer(language="zh-hans"), make_customer(language="en")
    wallet.schedule_fee_policy(
        "withdrawal", "bank_card", "CNY", effective_from=clock.now() + timedelta(days=8),
        basis_points=10, announcement={"title_zh": "提现费用调整", "title_en": "Withdrawal fee change",
                                       "body_zh": "下周起提现收费 0.1%。", "body_en": "From next week 0.1%."})
    run_jobs()
    assert Notification.objects.get(user=zh).title == "提现费用调整"
    assert Notification.objects.get(user=en).body == "From next week 0.1%."
    assert Notification.objects.get(user=en).link == "/wallet/fees/"


def test_refund_answer(make_customer: Any) -> None:
    from walletdesk.casework import notices

    user = make_customer(language="en")
    notices.tell_owner(user, "refund_granted", reference="WD-1", merchant="Sample Coffee",
                       payment="T123", amount="¥12.00")
    [note] = Notification.objects.filter(user=user)
    assert note.kind == "refund" and "Sample Coffee" in note.body and "¥12.00" in note.body


def test_api_lists_marks_one_and_all(make_customer: Any) -> None:
    user, other = make_customer(), make_customer()
    for i in range(3):
        inbox.add(user, Kind.SECURITY, f"t{i}", "b", source=f"s{i}")
        clock.advance(seconds=1)
    theirs = inbox.add(other, Kind.SECURITY, "x", "y", source="o")
    api = api_for(user)
    got = api.get("/api/v1/notifications").json()
    assert got["unread"] == 3 and [n["title"] for n in got["items"]] == ["t2", "t1", "t0"]
    assert got["items"][0]["kind_label"]
    first = got["items"][0]["id"]
    r = api.post(f"/api/v1/notifications/{first}/read")
    assert r.status_code == 200 and r.json()["read"] is True
    assert api.post(f"/api/v1/notifications/{first}/read").status_code == 200  # idempotent
    refused = api.post(f"/api/v1/notifications/{theirs.pk}/read")
    assert refused.status_code == 404 and refused.json()["code"] == "notification_not_found"
    assert Notification.objects.get(pk=theirs.pk).read_at is None  # unchanged
    r = api.post("/api/v1/notifications/read-all")
    assert r.json() == {"marked": 2, "unread": 0}
    assert inbox.unread_count(other) == 1
    assert ApiClient().get("/api/v1/notifications").status_code == 401


def test_page_and_bell(make_customer: Any) -> None:
    user = make_customer(language="en")
    c = browser_for(user)
    html = c.get("/wallet/").content.decode()
    assert 'data-testid="nav-bell"' in html and 'data-testid="bell-count"' not in html
    note = inbox.add(user, Kind.FEE_CHANGE, "Fees change", "From Monday", link="/wallet/fees/",
                     source="f")
    inbox.add(user, Kind.SECURITY, "New login", "Pixel", source="s")
    html = c.get("/wallet/").content.decode()
    assert 'data-testid="bell-count">2<' in html
    page = c.get("/notify/").content.decode()
    assert page.count('data-testid="notification"') == 2 and "From Monday" in page
    r = c.post(f"/notify/{note.pk}/read/", {"open": "1"})
    assert r.status_code == 302 and r["Location"] == "/wallet/fees/"
    assert 'data-testid="bell-count">1<' in c.get("/wallet/").content.decode()
    c.post("/notify/read-all/")
    assert 'data-testid="bell-count"' not in c.get("/notify/").content.decode()
    c.post("/notify/push/kinds/", {"kinds": ["security", "refund"]})
    assert sorted(user.push_opt_ins.values_list("kind", flat=True)) == ["refund", "security"]
    assert c.post("/notify/push/kinds/", {"kinds": ["nope"]}).status_code == 404
    assert sorted(user.push_opt_ins.values_list("kind", flat=True)) == ["refund", "security"]


def test_the_page_needs_a_login(db: Any) -> None:
    r = Client().get("/notify/")
    assert r.status_code == 302 and "/login" in r["Location"]


@pytest.mark.security
@pytest.mark.parametrize(("method", "path"), [
    ("get", "/api/v1/notifications"), ("post", "/api/v1/notifications/1/read"),
    ("post", "/api/v1/notifications/read-all"), ("get", "/api/v1/notifications/push"),
    ("post", "/api/v1/notifications/push/subscriptions"),
    ("post", "/api/v1/notifications/push/unsubscribe"), ("put", "/api/v1/notifications/push/kinds"),
])
def test_every_endpoint_needs_a_signed_in_user(make_customer: Any, method: str, path: str) -> None:
    user = make_customer()
    note = inbox.add(user, Kind.SECURITY, "t", "b", source="anon")
    url = path.replace("/1/", f"/{note.pk}/")
    c = Client()
    r = c.get(url) if method == "get" else getattr(c, method)(url, "{}",
                                                               content_type="application/json")
    assert r.status_code == 401
    assert Notification.objects.get(pk=note.pk).read_at is None


def _page_session(user: Any) -> Client:
    """Signed in through the login page, as a person is: the session names its device."""
    c = Client(headers={"accept-language": "en"})
    assert c.post("/login/", {"username": user.email, "password": PASSWORD}).status_code == 302
    return c


def _loaded_user(c: Client) -> tuple[Any, Any]:
    """The request and its user as the middleware loads them for this client's session."""
    from django.test import RequestFactory

    from walletdesk.accounts.middleware import _session_user
    from walletdesk.accounts.sessions import SessionStore

    request = RequestFactory().get("/help/")
    request.session = SessionStore(c.session.session_key)
    return request, _session_user(request)


def test_the_bell_count_comes_with_the_session(make_customer: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = make_customer(language="en")
    c = _page_session(user)
    for source in ("a", "b"):
        inbox.add(user, Kind.SECURITY, "New login", "Pixel", source=source)
    c.get("/help/")  # the page's fixed markup and statements are made once
    with CaptureQueriesContext(connection) as ctx:
        html = c.get("/help/").content.decode()
    assert 'data-testid="bell-count">2<' in html
    counted = [q["sql"] for q in ctx.captured_queries if "notify_notification" in q["sql"]]
    assert len(counted) == 1 and "accounts_session" in counted[0], ctx.captured_queries


def test_a_count_read_with_the_session_is_not_shown_after_a_write(make_customer: Any) -> None:
    """What this process writes of the user's notifications after the session was read (in
    the same request) makes the bell read the count again, never show the older one."""
    from django.template.loader import render_to_string

    user, other = make_customer(language="en"), make_customer(language="en")
    c = _page_session(user)
    note = inbox.add(user, Kind.SECURITY, "New login", "Pixel", source="a")
    assert note is not None

    request, loaded = _loaded_user(c)
    assert inbox.known_unread(loaded) == 1
    inbox.add(other, Kind.SECURITY, "New login", "Pixel", source="x")  # someone else's
    assert inbox.known_unread(loaded) == 1
    inbox.add(user, Kind.SECURITY, "New login", "Pixel", source="b")
    assert inbox.known_unread(loaded) is None
    request.user = loaded
    assert 'data-testid="bell-count">2<' in render_to_string("notify/_bell.html",
                                                              {"request": request})

    request, loaded = _loaded_user(c)
    assert inbox.known_unread(loaded) == 2
    inbox.mark_read(user, note.pk)
    assert inbox.known_unread(loaded) is None
    request, loaded = _loaded_user(c)
    assert inbox.known_unread(loaded) == 1
    inbox.mark_all_read(user)
    assert inbox.known_unread(loaded) is None
    assert 'data-testid="bell-count"' not in c.get("/help/").content.decode()


def test_a_session_the_join_does_not_trust_gets_no_count(make_customer: Any) -> None:
    from walletdesk.accounts.models import BrowserSession

    user, other = make_customer(language="en"), make_customer(language="en")
    inbox.add(user, Kind.SECURITY, "New login", "Pixel", source="a")
    c = _page_session(user)
    BrowserSession.objects.filter(session_key=c.session.session_key).update(user_id=other.pk)
    _request, loaded = _loaded_user(c)
    assert loaded.pk == user.pk and inbox.known_unread(loaded) is None
    assert 'data-testid="bell-count">1<' in c.get("/help/").content.decode()



def test_a_message_of_two_paragraphs_keeps_its_break_on_the_page(make_customer: Any) -> None:
    """A card-removed alert is two sentences on two lines: in Chinese a collapsed line break
    would leave a stray space after "。"; the page shows the break instead."""
    user = make_customer(language="zh-hans", time_zone="Asia/Shanghai")
    Notification.objects.create(
        user=user, kind=Kind.SECURITY, title="您的 walletdesk 钱包解绑了一张卡",
        body="这张卡上处理中的充值和提现仍会完成。\n如果不是您本人，请立即联系客服。")
    page = browser_for(user).get("/notify/").content.decode()
    assert "仍会完成。<br>如果不是您本人" in page


def test_an_event_told_already_is_not_inserted_again(make_customer: Any) -> None:
    """The agent-reply sweep asks every ten seconds about a reply still unread. The second
    ask finds the notification and writes nothing: an INSERT the unique key refused would be
    an ERROR line in PostgreSQL's log each time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = make_customer(language="en")
    first = inbox.add(user, Kind.SECURITY, "New login", "Pixel", source="same")
    with CaptureQueriesContext(connection) as ctx:
        again = inbox.add(user, Kind.SECURITY, "New login again", "Pixel", source="same")
    assert first is not None and again is None
    assert not [q for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]
    assert list(Notification.objects.filter(user=user).values_list("title", flat=True)) == [
        "New login"]
