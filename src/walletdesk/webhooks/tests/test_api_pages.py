"""Managing endpoints through the API and the pages; who may; bad input changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from walletdesk.core.services import jobs
from walletdesk.webhooks import signing
from walletdesk.webhooks.models import Delivery, Endpoint

from .receiver import receiver


@pytest.fixture
def supervisor(make_agent: Any) -> Any:
    return make_agent(role="supervisor").user


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.security
def test_only_supervisors_and_admins_manage_webhooks(make_agent: Any, customer: Any, api_as: Any,
                                                     anon_api: Any, make_customer: Any) -> None:
    for user in (make_agent().user, customer):
        client = api_as(user)
        r = client.post("/api/v1/support/webhooks", {"url": "http://127.0.0.1:9/x"})
        assert r.status_code == 403 and r.json()["code"] == "webhooks_forbidden"
        assert client.get("/api/v1/support/webhooks").status_code == 403
        assert login(user).get("/support/webhooks/").status_code == 403
    assert anon_api.get("/api/v1/support/webhooks").status_code == 401
    assert Endpoint.objects.count() == 0
    admin = make_customer(role="admin")
    assert api_as(admin).post("/api/v1/support/webhooks",
                              {"url": "http://127.0.0.1:9/x"}).status_code == 201


def test_api_life_cycle_with_a_test_event(supervisor: Any, api_as: Any,
                                          django_capture_on_commit_callbacks: Any) -> None:
    client = api_as(supervisor)
    with receiver() as rx:
        created = client.post("/api/v1/support/webhooks",
                              {"url": rx.url, "description": "CRM",
                               "event_types": ["conversation.resolved", "conversation.created"]})
        assert created.status_code == 201
        hook = created.json()
        assert hook["secret"].startswith("whsec_") and len(hook["secret"]) > 40
        assert hook["event_types"] == ["conversation.created", "conversation.resolved"]
        listed = client.get("/api/v1/support/webhooks").json()
        assert listed[0]["secret"] != hook["secret"] and "…" in listed[0]["secret"]
        with django_capture_on_commit_callbacks(execute=True):
            sent = client.post(f"/api/v1/support/webhooks/{hook['id']}/test")
        assert sent.status_code == 202
        with django_capture_on_commit_callbacks(execute=True):
            jobs.run_pending()
    (request,) = rx.requests
    assert request.json["type"] == "webhook.test" and request.json["id"] == sent.json()["event_id"]
    assert signing.verify(hook["secret"], request.headers[signing.HEADER], request.body)
    log = client.get(f"/api/v1/support/webhooks/{hook['id']}/deliveries").json()
    assert log[0]["status"] == "succeeded" and log[0]["event_type"] == "webhook.test"
    assert log[0]["log"][0]["status_code"] == 200 and log[0]["log"][0]["next_attempt_at"] is None
    paused = client.post(f"/api/v1/support/webhooks/{hook['id']}", raw='{"is_active": false}',
                         content_type="application/json")
    assert paused.status_code == 405  # PATCH only
    patch = client.client.patch(f"/api/v1/support/webhooks/{hook['id']}", '{"is_active": false}',
                                content_type="application/json",
                                headers={"Authorization": f"Bearer {client.token}"})
    assert patch.status_code == 200 and patch.json()["is_active"] is False
    rotated = client.post(f"/api/v1/support/webhooks/{hook['id']}/rotate-secret").json()
    assert rotated["secret"] != hook["secret"]
    gone = client.client.delete(f"/api/v1/support/webhooks/{hook['id']}",
                                headers={"Authorization": f"Bearer {client.token}"})
    assert gone.status_code == 204 and Endpoint.objects.count() == 0


@pytest.mark.parametrize("body,code", [
    ({"url": "gopher://example.com/"}, "invalid_webhook_url"),
    ({"url": "http://127.0.0.1:9/x", "event_types": ["conversation.exploded"]}, "unknown_event_type"),
    ({"url": "http://no-such-host.invalid/x"}, "webhook_host_not_found"),
    ({"url": "https://user:secret@example.com/"}, "invalid_webhook_url"),
    ({"url": "https://" + "a" * 600 + ".example/"}, "invalid_webhook_url"),
])
def test_bad_endpoints_are_refused_and_nothing_is_written(supervisor: Any, api_as: Any,
                                                          body: dict[str, Any], code: str) -> None:
    r = api_as(supervisor).post("/api/v1/support/webhooks", body)
    assert r.status_code == 422 and r.json()["code"] == code
    assert Endpoint.objects.count() == 0


def test_unknown_endpoint_is_404(supervisor: Any, api_as: Any) -> None:
    r = api_as(supervisor).post("/api/v1/support/webhooks/999/test")
    assert r.status_code == 404 and r.json()["code"] == "webhook_not_found"
    assert Delivery.objects.count() == 0


def test_pages_create_show_the_secret_once_and_log_deliveries(
        supervisor: Any, django_capture_on_commit_callbacks: Any) -> None:
    client = login(supervisor)
    with receiver(answers=[500]) as rx:
        r = client.post("/support/webhooks/", {"url": rx.url, "description": "Ops",
                                               "event_types": ["conversation.created"]},
                        HTTP_ACCEPT_LANGUAGE="en")
        endpoint = Endpoint.objects.get()
        assert r.status_code == 302 and r["Location"] == f"/support/webhooks/{endpoint.pk}/"
        first = client.get(r["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert endpoint.secret in first
        assert endpoint.secret not in client.get(r["Location"]).content.decode()  # once only
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/support/webhooks/{endpoint.pk}/test/")
        with django_capture_on_commit_callbacks(execute=True):
            jobs.run_pending()
    page = client.get(f"/support/webhooks/{endpoint.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    assert "投递记录" in html and "webhook.test" in html and ">500<" in html
    assert "待发送" in html  # pending: a retry is scheduled
    bad = client.post("/support/webhooks/", {"url": "ftp://x.example/"}, HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 422 and "Enter a full http" in bad.content.decode()
    assert Endpoint.objects.count() == 1


def test_page_buttons_pause_resume_rotate_delete(supervisor: Any) -> None:
    from walletdesk.webhooks import services

    endpoint = services.create_endpoint(url="http://127.0.0.1:9/x")
    client = login(supervisor)
    base = f"/support/webhooks/{endpoint.pk}"
    client.post(f"{base}/pause/")
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    client.post(f"{base}/resume/")
    old = endpoint.secret
    endpoint.refresh_from_db()
    assert endpoint.is_active
    r = client.post(f"{base}/rotate/")
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secret in client.get(r["Location"]).content.decode()
    assert client.get(f"{base}/explode/").status_code == 405  # actions are POST only
    assert client.post(f"{base}/explode/").status_code == 404
    client.post(f"{base}/delete/")
    assert not Endpoint.objects.exists()


def test_admin_creates_through_the_same_checks(make_customer: Any, settings: Any) -> None:
    admin = make_customer(role="admin", is_staff=True, is_superuser=True)
    client = login(admin)
    assert client.get("/admin/webhooks/endpoint/add/").status_code == 200
    r = client.post("/admin/webhooks/endpoint/add/", {"url": "http://127.0.0.1:9/hook",
                                                      "description": "ops", "event_types": "[]",
                                                      "is_active": "on"})
    assert r.status_code == 302, r.content.decode()[:2000]
    endpoint = Endpoint.objects.get()
    assert endpoint.secret.startswith("whsec_") and endpoint.created_by == admin
    settings.WEBHOOKS = {**settings.WEBHOOKS, "ALLOW_PRIVATE": False}
    r = client.post("/admin/webhooks/endpoint/add/", {"url": "http://10.0.0.1/hook",
                                                      "event_types": "[]", "is_active": "on"})
    assert r.status_code == 200 and Endpoint.objects.count() == 1
    for page in ("/admin/webhooks/endpoint/", "/admin/webhooks/delivery/", "/admin/webhooks/event/"):
        assert client.get(page).status_code == 200
