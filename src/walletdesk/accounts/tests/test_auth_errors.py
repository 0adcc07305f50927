"""Any missing, bad, expired or revoked credential is a typed 401 in the caller's language;
a session without its CSRF token is a typed, translated 403 (issue 15, finding 7)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from walletdesk.accounts.models import ApiToken, User
from walletdesk.accounts.services import issue_token, revoke_token
from walletdesk.core import clock

pytestmark = [pytest.mark.django_db, pytest.mark.security]
PATH = "/api/v1/auth/sign-out-everywhere"


def call(token: str | None = None, lang: str = "zh-hans", method: str = "post",
         path: str = PATH) -> object:
    headers = {"Accept-Language": lang}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    client = Client(enforce_csrf_checks=True, headers=headers)  # as a real client
    return getattr(client, method)(path, content_type="application/json")


@pytest.mark.parametrize("method, path", [("post", PATH), ("get", "/api/v1/security/events")])
def test_a_bad_bearer_token_is_401_not_a_csrf_403(customer: User, method: str, path: str) -> None:
    r = call("wdt_not-a-real-token", method=method, path=path)
    assert r.status_code == 401  # type: ignore[attr-defined]
    body = r.json()  # type: ignore[attr-defined]
    assert body["code"] == "not_authenticated" and body["message"] == "请先登录。"
    assert "CSRF" not in body["message"]


def test_a_missing_credential_is_401_in_english_too(customer: User) -> None:
    r = call(None, lang="en")
    assert r.status_code == 401  # type: ignore[attr-defined]
    assert r.json() == {"code": "not_authenticated", "message": "Please log in."}  # type: ignore[attr-defined]


def test_a_revoked_token_is_401(customer: User) -> None:
    token = issue_token(customer)
    revoke_token(token)
    r = call(token)
    assert r.status_code == 401 and r.json()["code"] == "not_authenticated"  # type: ignore[attr-defined]
    assert customer.session_epoch == User.objects.get(pk=customer.pk).session_epoch


def test_an_expired_token_says_so(customer: User) -> None:
    token = issue_token(customer)
    clock.advance(hours=24 * 400)
    assert ApiToken.objects.get(key_hash=ApiToken.digest(token)).expires_at < clock.now() - timedelta(0)
    r = call(token, lang="en")
    assert r.status_code == 401  # type: ignore[attr-defined]
    assert r.json() == {"code": "token_expired",  # type: ignore[attr-defined]
                        "message": "Your sign-in has expired. Please log in again."}


def test_a_session_without_csrf_is_a_typed_translated_403(customer: User) -> None:
    before = User.objects.get(pk=customer.pk).session_epoch
    c = Client(enforce_csrf_checks=True, headers={"Accept-Language": "zh-hans"})
    c.force_login(customer)
    r = c.post(PATH)
    assert r.status_code == 403
    assert r.json() == {"code": "csrf_failed", "message": "此页面已过期。请刷新后重试。"}
    assert User.objects.get(pk=customer.pk).session_epoch == before  # nothing changed
