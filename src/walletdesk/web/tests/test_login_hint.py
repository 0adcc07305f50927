"""After a failed login everyone sees the same neutral hint that sign-in may be paused, with
links to unlock and to the lock troubleshooter; known, locked and unknown accounts get the
same page (issue 13, item 9)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from walletdesk.accounts.services import lockout

pytestmark = [pytest.mark.django_db, pytest.mark.security]


def _main(login: str, password: str, lang: str = "zh-hans") -> str:
    c = Client(headers={"Accept-Language": lang})
    r = c.post("/login/", {"username": login, "password": password})
    assert r.status_code == 200
    text = r.content.decode()
    return text[text.index("<main"):text.index("</main>")].split('name="csrfmiddlewaretoken"')[0]


def test_the_hint_is_the_same_for_known_locked_and_unknown_accounts(customer: Any,
                                                                    make_customer: Any) -> None:
    locked = make_customer("locked@example.com")
    for _ in range(5):
        lockout.register_failure(locked)
    pages = [_main(customer.email, "wrong password"), _main(locked.email, "wrong password"),
             _main("nobody@example.com", "wrong password")]
    assert pages[0] == pages[1] == pages[2]
    assert 'data-testid="login-paused-hint"' in pages[0]
    assert 'href="/account/unlock/"' in pages[0] and 'href="/troubleshoot/lock/"' in pages[0]
    assert "登录可能会暂停" in pages[0]


def test_no_hint_before_a_failed_login() -> None:
    assert "login-paused-hint" not in Client().get("/login/").content.decode()
