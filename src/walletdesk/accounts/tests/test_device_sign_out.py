"""Per-device sign-out: one device's sessions and tokens end, the others keep working."""

import pytest
from django.test import Client

from walletdesk.accounts.models import ApiToken, Device, SecurityEvent
from walletdesk.core import clock

from .fixtures import messages_to, post
from .test_codes import RIGHT

pytestmark = [pytest.mark.django_db, pytest.mark.security]
PHONE_KEY = "phone-device-key-0001"
LAPTOP_KEY = "laptop-device-key-0002"


def api_login(user, key):
    r = post(Client(), "/api/v1/auth/login", {"login": user.email, "password": RIGHT},
             **{"X-Device-Id": key})
    assert r.status_code == 200, r.content
    return r.json()["token"]


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def devices(token):
    return Client().get("/api/v1/auth/devices", headers=bearer(token))


def page_login(user, key):
    c = Client()
    c.cookies["wd_device"] = key
    r = c.post("/login/", {"username": user.email, "password": RIGHT})
    assert r.status_code == 302 and "_auth_user_id" in c.session
    return c


def test_api_signs_out_one_device_and_the_other_keeps_working(customer):
    phone, laptop = api_login(customer, PHONE_KEY), api_login(customer, LAPTOP_KEY)
    listed = devices(laptop).json()
    assert [d["current"] for d in listed].count(True) == 1
    target = next(d["id"] for d in listed if not d["current"])
    r = Client().post(f"/api/v1/auth/devices/{target}/sign-out", headers=bearer(laptop))
    assert r.status_code == 204
    assert devices(phone).status_code == 401  # the signed-out device is refused
    after = devices(laptop)
    assert after.status_code == 200  # the other one keeps working
    assert {d["id"]: d["signed_out"] for d in after.json()}[target] is True
    ev = SecurityEvent.objects.get(kind="device_signed_out")
    assert ev.user == customer and "key" not in str(ev.data).lower()
    assert any("退出登录" in m["body"] for m in messages_to(customer.email))
    assert api_login(customer, PHONE_KEY)  # the device may log in again


def test_page_signs_out_one_device_and_its_sessions_end(customer):
    laptop, phone = page_login(customer, LAPTOP_KEY), page_login(customer, PHONE_KEY)
    token = api_login(customer, PHONE_KEY)
    page = laptop.get("/account/devices/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and page.content.count(b'data-testid="sign-out-device"') == 2
    target = phone.session["device_session"][0]
    r = laptop.post("/account/devices/", {"device": str(target)})
    assert r.status_code == 302 and r["Location"].endswith("/account/devices/")
    r = phone.get("/account/checkup/")
    assert r.status_code == 302 and "/login/" in r["Location"]  # the session ended
    assert "_auth_user_id" not in phone.session
    assert devices(token).status_code == 401  # and the phone's app token
    assert laptop.get("/account/checkup/").status_code == 200


def test_signing_out_this_device_logs_this_session_out(customer):
    laptop = page_login(customer, LAPTOP_KEY)
    own = laptop.session["device_session"][0]
    clock.advance(minutes=10)  # no recent authentication needed for one's own device
    r = laptop.post("/account/devices/", {"device": str(own)})
    assert r.status_code == 302 and "/login/" in r["Location"]
    assert laptop.get("/account/checkup/").status_code == 302


def test_another_device_needs_a_recent_authentication(customer):
    phone, laptop = api_login(customer, PHONE_KEY), api_login(customer, LAPTOP_KEY)
    target = next(d["id"] for d in devices(laptop).json() if not d["current"])
    clock.advance(minutes=6)
    r = Client().post(f"/api/v1/auth/devices/{target}/sign-out", headers=bearer(laptop))
    assert (r.status_code, r.json()["code"]) == (403, "step_up_required")
    assert devices(phone).status_code == 200
    post(Client(), "/api/v1/auth/step-up", {"password": RIGHT}, **bearer(laptop))
    r = Client().post(f"/api/v1/auth/devices/{target}/sign-out", headers=bearer(laptop))
    assert r.status_code == 204 and devices(phone).status_code == 401


def test_page_asks_for_a_step_up_before_signing_out_another_device(customer):
    laptop, phone = page_login(customer, LAPTOP_KEY), page_login(customer, PHONE_KEY)
    target = phone.session["device_session"][0]
    clock.advance(minutes=6)
    r = laptop.post("/account/devices/", {"device": str(target)})
    assert r.status_code == 302 and "/account/step-up/" in r["Location"]
    assert phone.get("/account/checkup/").status_code == 200


def state():
    return (list(Device.objects.values().order_by("pk")),
            list(ApiToken.objects.values("pk", "revoked_at").order_by("pk")),
            SecurityEvent.objects.count())


def test_another_users_device_is_refused_and_nothing_changes(customer, make_customer):
    mallory = make_customer("mallory@example.com")
    victim_token = api_login(customer, PHONE_KEY)
    victim_device = Device.objects.get(user=customer)
    attacker = api_login(mallory, LAPTOP_KEY)
    before = state()
    for bad in (victim_device.pk, 999_999):
        r = Client().post(f"/api/v1/auth/devices/{bad}/sign-out", headers=bearer(attacker))
        assert (r.status_code, r.json()["code"]) == (404, "not_found")
    assert state() == before
    c = page_login(mallory, LAPTOP_KEY)
    before = state()
    assert c.post("/account/devices/", {"device": str(victim_device.pk)}).status_code == 302
    assert state() == before
    assert devices(victim_token).status_code == 200


@pytest.mark.parametrize("bad", ["abc", "-1", "1.5", "9" * 30])
def test_malformed_device_ids_change_nothing(customer, bad):
    token = api_login(customer, PHONE_KEY)
    r = Client().post(f"/api/v1/auth/devices/{bad}/sign-out", headers=bearer(token))
    assert r.status_code in (404, 422)
    assert devices(token).status_code == 200
    assert not SecurityEvent.objects.filter(kind="device_signed_out").exists()


def test_sign_out_needs_a_login_and_csrf(customer):
    api_login(customer, PHONE_KEY)
    device = Device.objects.get(user=customer)
    assert Client().post(f"/api/v1/auth/devices/{device.pk}/sign-out").status_code == 401
    c = Client(enforce_csrf_checks=True)
    c.force_login(customer)
    assert c.post("/account/devices/", {"device": str(device.pk)}).status_code == 403
    assert c.post(f"/api/v1/auth/devices/{device.pk}/sign-out").status_code in (401, 403)
    assert Device.objects.get(pk=device.pk).signed_out_at is None
