"""Pages: CSRF on every state-changing form, sign-out everywhere, check-up, events page."""

import pytest
from django.test import Client

from walletdesk.accounts.models import SecurityEvent, User
from walletdesk.accounts.services import events

from .fixtures import STRONG, last_code
from .test_codes import RIGHT

pytestmark = [pytest.mark.django_db, pytest.mark.security]

ANON_FORMS = {
    "/login/": {"username": "alice@example.com", "password": RIGHT},
    "/account/register/": {"login": "z@example.com", "password": STRONG},
    "/account/register/confirm/": {"login": "z@example.com", "code": "123456"},
    "/account/password-reset/": {"login": "alice@example.com"},
    "/account/password-reset/confirm/": {"login": "alice@example.com", "code": "123456",
                                         "new_password": STRONG},
    "/account/unlock/": {"login": "alice@example.com"},
    "/account/unlock/confirm/": {"login": "alice@example.com", "code": "123456"},
}
USER_FORMS = {
    "/account/step-up/": {"password": RIGHT},
    "/account/checkup/reminder/": {"days": "90"},
    "/account/password/": {"new_password": STRONG},
    "/account/phrase/": {"phrase": "blue teapot"},
    "/account/two-factor/": {"code": "123456"},
    "/account/devices/": {},
}


@pytest.mark.parametrize("path", list(ANON_FORMS))
def test_csrf_on_anonymous_forms(customer, path):
    c = Client(enforce_csrf_checks=True)
    r = c.post(path, ANON_FORMS[path])
    assert r.status_code == 403
    assert not SecurityEvent.objects.exists()


@pytest.mark.parametrize("path", list(USER_FORMS))
def test_csrf_on_signed_in_forms(customer, path):
    c = Client(enforce_csrf_checks=True)
    c.force_login(customer)
    before = User.objects.filter(pk=customer.pk).values().get()
    r = c.post(path, USER_FORMS[path])
    assert r.status_code == 403
    assert User.objects.filter(pk=customer.pk).values().get() == before


def test_csrf_on_freeze_and_api_session_calls(customer):
    from walletdesk.accounts.models import Device
    from walletdesk.accounts.services import freeze_url

    device = Device.objects.create(user=customer, key_hash="x" * 64)
    url = freeze_url(customer, device).split("8000", 1)[-1]
    c = Client(enforce_csrf_checks=True)
    assert c.get(url).status_code == 200
    assert c.post(url).status_code == 403
    c.force_login(customer)
    assert c.post("/api/v1/auth/sign-out-everywhere").status_code in (401, 403)


def test_sign_up_and_reset_pages_end_to_end(client):
    r = client.post("/account/register/", {"login": "page@example.com", "password": STRONG})
    assert r.status_code == 302
    r = client.post("/account/register/confirm/", {"login": "page@example.com",
                                                   "code": last_code("page@example.com")})
    assert r.status_code == 302 and "_auth_user_id" in client.session
    client.logout()
    client.post("/account/password-reset/", {"login": "page@example.com"})
    r = client.post("/account/password-reset/confirm/", {
        "login": "page@example.com", "code": last_code("page@example.com"),
        "new_password": STRONG + " two"})
    assert r.status_code == 302
    assert User.objects.get(email="page@example.com").check_password(STRONG + " two")


def test_weak_password_on_the_page_shows_the_reason(client):
    r = client.post("/account/register/", {"login": "w@example.com", "password": "password123"},
                    HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200 and b"common" in r.content


def test_sign_out_everywhere(customer):
    from walletdesk.accounts.services import issue_token

    a, b = Client(), Client()
    a.force_login(customer)
    b.force_login(customer)
    token = issue_token(customer)
    r = a.post("/account/devices/")
    assert r.status_code == 302
    assert b.get("/account/checkup/").status_code == 302
    assert Client().get("/api/v1/security/events",
                        headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_checkup_and_activity_pages(customer):
    c = Client()
    c.post("/login/", {"username": customer.email, "password": RIGHT})
    r = c.get("/account/checkup/", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200 and b"Two-step verification" in r.content
    r = c.get("/security/")
    assert r.status_code == 200 and b'data-testid="event-login"' in r.content
    api = c.get("/api/v1/security/events")
    assert api.status_code == 200 and api.json()[0]["kind"] == "login"


def test_phrase_needs_step_up_and_shows_in_messages(customer):
    from .fixtures import messages_to

    c = Client()
    c.post("/login/", {"username": customer.email, "password": RIGHT})
    r = c.post("/account/phrase/", {"phrase": "blue teapot & moon"})
    assert r.status_code == 302
    assert User.objects.get(pk=customer.pk).anti_phishing_phrase == "blue teapot & moon"
    c.post("/account/password-reset/", {"login": customer.email})
    assert "blue teapot & moon" in messages_to(customer.email)[0]["body"]
    assert "blue teapot &amp; moon" in c.get("/account/checkup/").content.decode()
    from walletdesk.core import clock

    clock.advance(minutes=6)
    r = c.get("/account/phrase/")
    assert r.status_code == 302 and "/account/step-up/" in r["Location"]


def test_events_chain_verifies_and_detects_a_changed_row(customer):
    for i in range(5):
        events.record("test", customer, ip="192.0.2.1", n=i)
    assert events.verify_chain() == (True, None)
    target = SecurityEvent.objects.order_by("pk")[2]
    SecurityEvent.objects.filter(pk=target.pk).update(data={"n": 99})
    assert events.verify_chain() == (False, target.pk)


def test_events_are_append_only_and_refuse_secrets(customer):
    ev = events.record("test", customer)
    with pytest.raises(ValueError):
        ev.save()
    with pytest.raises(ValueError):
        ev.delete()
    with pytest.raises(ValueError):
        events.record("test", customer, password="x")
    assert ev.at.utcoffset().total_seconds() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_chain_stays_linear_with_parallel_writers(make_customer):
    import threading

    from django.db import connections

    user = make_customer("chain@example.com")
    barrier = threading.Barrier(10)

    def write(i):
        barrier.wait()
        for j in range(5):
            events.record("test", user, n=i * 10 + j)
        connections.close_all()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert SecurityEvent.objects.filter(kind="test").count() == 50
    assert events.verify_chain() == (True, None)
