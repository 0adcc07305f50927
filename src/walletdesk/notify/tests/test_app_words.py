"""What the notification centre shows: no URL or token as text (the freeze link is a button),
and titles that name the kind of transaction."""

from __future__ import annotations

from typing import Any

import pytest

from walletdesk.notify import messages
from walletdesk.notify import services as notify
from walletdesk.notify.models import Notification
from walletdesk.notify.services import inbox

pytestmark = pytest.mark.django_db
TOKEN = "eyJ1IjoxLCJkIjoyfQ:1xaETb:P_EP2mU3KPZ2R-zeaYFBTkQGbSPZGTHq9tIe-Rp3sYs"
FREEZE = f"http://127.0.0.1:8000/account/freeze/{TOKEN}/"
CONTEXT: dict[str, Any] = {"device": "Other browser or app", "place": "Shanghai", "when": "2026-12-06 15:32",
           "freeze_url": FREEZE, "failures": 5, "minutes": 15, "factor": "code", "change": "on",
           "hold_hours": 24, "operation": "transfer", "amount": "¥3.00", "payee": "Bob",
           "until": "2026-12-07 15:32", "frozen": True}


@pytest.mark.parametrize(("language", "button", "words"), [
    ("en", "Freeze my account", "freeze your account with the button below"),
    ("zh-hans", "冻结账户", "请点击下方按钮冻结账户"),
])
def test_a_new_login_alert_offers_freezing_as_a_button_not_a_link_in_its_text(
        make_customer: Any, client: Any, language: str, button: str, words: str) -> None:
    user = make_customer(language=language, time_zone="Asia/Shanghai")
    notify.tell_owner(user, "new_device", **CONTEXT)
    [note] = Notification.objects.filter(user=user)
    assert "http" not in note.body and TOKEN not in note.body and "/account/" not in note.body
    assert words in note.body
    assert (note.action_label, note.action_link) == (button, f"/account/freeze/{TOKEN}/")
    client.force_login(user)
    page = client.get("/notify/").content.decode()
    assert 'data-testid="note-action"' in page and button in page and "127.0.0.1:8000" not in page
    # The button marks it read and opens the freeze page (which asks before freezing).
    answer = client.post(f"/notify/{note.pk}/read/", {"open": "action"})
    assert answer.status_code == 302 and answer["Location"] == f"/account/freeze/{TOKEN}/"
    assert Notification.objects.get(pk=note.pk).read_at is not None
    listed = client.get("/api/v1/notifications").json()["items"][0]
    assert listed["action_link"] == f"/account/freeze/{TOKEN}/" and listed["action_label"] == button


def test_email_and_sms_still_carry_the_freeze_link() -> None:
    for address in ("a@example.com", "+8613800138000"):
        sent = notify.render("new_device", address, language="en", phrase="", context=CONTEXT)
        assert FREEZE in sent.body


@pytest.mark.parametrize("kind", sorted(inbox.SECURITY_KINDS & set(notify.KINDS)))
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_no_security_alert_shows_a_url_or_token_in_the_app(kind: str, language: str) -> None:
    message = messages.render(notify.KINDS[kind], messages.Recipient(language, "Asia/Shanghai"),
                              CONTEXT)
    body = message.body_for("app")
    assert body and "://" not in body and TOKEN not in body and "/account/" not in body


@pytest.mark.parametrize(("kind", "status", "language", "title"), [
    ("topup", "completed", "en", "Top-up completed"),
    ("topup", "failed", "zh-hans", "充值未完成"),
    ("withdrawal", "completed", "zh-hans", "提现已完成"),
    ("withdrawal", "failed", "en", "Withdrawal not completed"),
    ("withdrawal", "reversed", "en", "Withdrawal sent back"),
    ("payment", "completed", "en", "Card payment completed"),
    ("payment", "reversed", "zh-hans", "银行卡付款正在退回"),
])
def test_payment_result_titles_name_the_kind(make_customer: Any, kind: str, status: str,
                                             language: str, title: str) -> None:
    from walletdesk.wallet.models import Transaction

    user = make_customer(language=language)
    txn = Transaction(public_id=f"tx_{kind}_{status}", type=kind, status=status, amount=80_000,
                      currency="CNY", customer=user)
    inbox.payment_result(txn)
    [note] = Notification.objects.filter(user=user)
    assert note.title == title
    assert "¥800.00" in note.body and "80000" not in note.body
