import pytest

from walletdesk.accounts.models import User

from .fixtures import STRONG, last_code, post

pytestmark = [pytest.mark.django_db, pytest.mark.security]


def test_register_confirm_login_reset(client_api):
    r = post(client_api, "/api/v1/auth/register", {"login": "New@Example.com", "password": STRONG})
    assert r.status_code == 202, r.content
    code = last_code("New@example.com")
    r = post(client_api, "/api/v1/auth/register/confirm", {"login": "new@example.com", "code": code})
    assert r.status_code == 200, r.content
    assert r.json()["token"].startswith("wdt_")
    r = post(client_api, "/api/v1/auth/login", {"login": "New@example.com", "password": STRONG})
    assert r.status_code == 200, r.content
    r = post(client_api, "/api/v1/auth/password-reset", {"login": "New@example.com"})
    assert r.status_code == 202
    code = last_code("New@example.com")
    r = post(client_api, "/api/v1/auth/password-reset/confirm",
             {"login": "New@example.com", "code": code, "new_password": STRONG + " again"})
    assert r.status_code == 200, r.content
    assert User.objects.get(email="New@example.com").check_password(STRONG + " again")
