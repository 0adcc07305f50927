"""Web Push for real: a local push service on the loopback checks the VAPID token and
decrypts the aes128gcm body with the browser's private key."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings

from walletdesk.accounts.tests.fixtures import run_jobs
from walletdesk.conftest import ApiClient
from walletdesk.notify.models import Kind, Notification, PushOptIn, PushSubscription
from walletdesk.notify.services import inbox, push

from .pushservice import Browser, PushService

pytestmark = [pytest.mark.django_db, pytest.mark.security]


@pytest.fixture
def service() -> Iterator[PushService]:
    svc = PushService()
    yield svc
    svc.close()


def api_for(user: Any) -> ApiClient:
    from walletdesk.accounts.services import issue_token

    return ApiClient(issue_token(user))


def subscribe(user: Any, service: PushService, name: str, kinds: list[str], **kw: Any) -> Any:
    sub = service.subscription(name, **kw)
    return api_for(user).post("/api/v1/notifications/push/subscriptions", {**sub, "kinds": kinds})


@pytest.mark.parametrize(("language", "title", "words", "phrase_head"), [
    ("zh-hans", "充值已完成", "已成功", "防钓鱼短语"),
    ("en", "Top-up completed", "went through", "anti-phishing phrase"),
])
def test_a_push_reaches_the_service_and_decrypts_to_the_users_language(
        make_customer: Any, fund: Any, service: PushService, language: str, title: str,
        words: str, phrase_head: str) -> None:
    user = make_customer(language=language, anti_phishing_phrase="青花瓷 teapot",
                         time_zone="Asia/Shanghai")
    assert subscribe(user, service, f"b-{language}", ["payment"]).status_code == 201
    txn = fund(user, 12_345)
    try:
        run_jobs()
    finally:
        assert service.errors == []
    [got] = service.received
    assert got.vapid_key == push.public_key()
    assert got.claims["aud"] == service.origin
    body = got.payload
    assert body["title"] == title
    assert words in body["body"] and "¥123.45" in body["body"]
    assert "青花瓷 teapot" in body["body"] and phrase_head in body["body"]
    assert body["url"] == f"/wallet/t/{txn.public_id}/"
    assert body["time"].endswith("(UTC+8)")
    assert "balance" not in body["body"].lower() and "余额" not in body["body"]
    assert PushSubscription.objects.get(user=user).last_sent_at is not None


def test_kinds_not_opted_in_are_not_pushed_but_still_listed(make_customer: Any, fund: Any,
                                                           service: PushService) -> None:
    user = make_customer(language="en")
    assert subscribe(user, service, "only-security", ["security"]).status_code == 201
    fund(user, 500)
    run_jobs()
    assert service.received == []  # payment results were not chosen
    assert Notification.objects.filter(user=user, kind="payment").count() == 1
    from walletdesk.notify import services as notify

    notify.tell_owner(user, "account_unlocked")
    run_jobs()
    assert [r.payload["title"] for r in service.received] == [
        "Your walletdesk account was unlocked"]


def test_opting_out_after_the_event_stops_the_queued_push(make_customer: Any,
                                                          service: PushService) -> None:
    user = make_customer(language="en")
    subscribe(user, service, "late", ["fee_change"])
    inbox.add(user, Kind.FEE_CHANGE, "Fees change", "From Monday", source="t1")
    client = api_for(user)
    resp = client.client.put("/api/v1/notifications/push/kinds", {"kinds": []},
                             content_type="application/json",
                             headers={"Authorization": f"Bearer {client.token}"})
    assert resp.status_code == 200
    assert not PushOptIn.objects.filter(user=user).exists()
    run_jobs()
    assert service.received == []


def test_an_expired_subscription_is_removed(make_customer: Any, service: PushService) -> None:
    user = make_customer(language="en")
    subscribe(user, service, "old", ["security"], gone=True)
    subscribe(user, service, "new", ["security"])
    assert PushSubscription.objects.filter(user=user).count() == 2
    inbox.add(user, Kind.SECURITY, "Alert", "Something", source="t2")
    run_jobs()
    assert [r.path for r in service.received] == ["/push/new"]
    assert list(PushSubscription.objects.filter(user=user).values_list("endpoint", flat=True)) == [
        service.subscription("new")["endpoint"]]


@pytest.mark.parametrize("endpoint", [
    "http://fcm.googleapis.com/fcm/send/x",          # not https
    "https://evil.example.com/push/x",                # not a push service
    "https://fcm.googleapis.com.evil.example/x",      # lookalike host
    "https://user:pw@fcm.googleapis.com/x",           # credentials
    "https://fcm.googleapis.com:8443/x",              # other port
    "file:///etc/passwd",
])
def test_subscriptions_only_to_known_push_services(make_customer: Any, endpoint: str) -> None:
    user = make_customer()
    resp = api_for(user).post("/api/v1/notifications/push/subscriptions",
                              {"endpoint": endpoint, "keys": Browser().keys(), "kinds": []})
    assert resp.status_code == 400 and resp.json()["code"] == "invalid_push_subscription"
    assert not PushSubscription.objects.exists()


def test_known_push_services_are_accepted() -> None:
    assert push.endpoint_allowed("https://fcm.googleapis.com/fcm/send/abc")
    assert push.endpoint_allowed("https://wns2-sg2p.notify.windows.com/w/?token=x")
    assert push.endpoint_allowed("https://web.push.apple.com/QGuQ")
    assert push.endpoint_allowed("https://updates.push.services.mozilla.com/wpush/v2/x")


def test_loopback_only_where_settings_allow_it(make_customer: Any, service: PushService) -> None:
    endpoint = service.subscription("x")["endpoint"]
    assert push.endpoint_allowed(endpoint)
    with override_settings(NOTIFY={**settings.NOTIFY, "PUSH_ALLOW_LOOPBACK": False}):
        assert not push.endpoint_allowed(endpoint)
        user = make_customer()
        resp = subscribe(user, service, "x", ["security"])
        assert resp.status_code == 400 and not PushSubscription.objects.exists()


def test_bad_keys_and_unknown_kinds_are_refused(make_customer: Any, service: PushService) -> None:
    user = make_customer()
    sub = service.subscription("k")
    client = api_for(user)
    bad = {**sub, "keys": {"p256dh": "short", "auth": sub["keys"]["auth"]}}
    assert client.post("/api/v1/notifications/push/subscriptions", bad).status_code == 400
    resp = client.post("/api/v1/notifications/push/subscriptions", {**sub, "kinds": ["spam"]})
    assert resp.status_code == 400 and resp.json()["code"] == "invalid_notification_kind"
    assert not PushOptIn.objects.filter(user=user).exists()


def test_push_settings_show_the_key_and_the_kinds(make_customer: Any, service: PushService) -> None:
    user = make_customer(language="en")
    subscribe(user, service, "s", ["security", "agent_reply"])
    state = api_for(user).get("/api/v1/notifications/push").json()
    assert state["public_key"] == push.public_key() and state["devices"] == 1
    assert {k["kind"]: k["on"] for k in state["kinds"]} == {
        "agent_reply": True, "security": True, "payment": False, "refund": False,
        "fee_change": False}
    resp = api_for(user).post("/api/v1/notifications/push/unsubscribe",
                              {"endpoint": service.subscription("s")["endpoint"]})
    assert resp.json()["devices"] == 0


def test_signing_out_everywhere_forgets_the_devices(make_customer: Any,
                                                    service: PushService) -> None:
    from walletdesk.accounts import services as accounts

    user = make_customer(language="en")
    subscribe(user, service, "stolen", ["security"])
    other = make_customer(language="en")
    subscribe(other, service, "kept", ["security"])
    accounts.sign_out_everywhere(user)
    run_jobs()
    assert not PushSubscription.objects.filter(user=user).exists()
    assert PushSubscription.objects.filter(user=other).exists()
    assert service.received == []  # not even the alert reaches the old device
    assert Notification.objects.filter(user=user, kind="security").exists()
