"""The pages' CSRF token (web/csrf.py, ADR 0123): Django's format and checks, its random
characters read at once, each of the 62 as likely as the others."""

from __future__ import annotations

import re
import secrets
from typing import Any

import pytest
from django.conf import settings
from django.middleware import csrf as django_csrf
from django.middleware.csrf import CSRF_ALLOWED_CHARS
from django.test import Client
from django.urls import reverse

from walletdesk.web import csrf

pytestmark = [pytest.mark.django_db, pytest.mark.security]

# Django's own unmasking, as CsrfViewMiddleware does it (private: the test is what notices a
# change of format in a later Django).
_unmask_cipher_token = django_csrf._unmask_cipher_token  # type: ignore[attr-defined]
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _token(client: Client, path: str = "/help/search/?q=fee") -> str:
    page = client.get(path, headers={"accept-language": "en"})
    assert page.status_code == 200
    found = TOKEN.search(page.content.decode())
    assert found, "the page has no form token"
    return found.group(1)


def test_a_page_token_unmasks_to_the_cookie_and_each_page_masks_it_afresh() -> None:
    client = Client(enforce_csrf_checks=True)
    first = _token(client)  # no cookie yet: a new secret, sent as the cookie
    secret = client.cookies["csrftoken"].value
    assert len(secret) == 32 and set(secret) <= set(CSRF_ALLOWED_CHARS)
    second = _token(client)
    assert client.cookies["csrftoken"].value == secret
    for token in (first, second):
        assert len(token) == 64 and set(token) <= set(CSRF_ALLOWED_CHARS)
        assert _unmask_cipher_token(token) == secret
    assert first[:32] != second[:32]  # a new mask each time


def test_the_middleware_takes_the_token_and_refuses_a_changed_one() -> None:
    client = Client(enforce_csrf_checks=True)
    token = _token(client)
    changed = token[:-1] + ("a" if token[-1] != "a" else "b")
    refused = client.post(reverse("set_language"), {"language": "en", "next": "/help/",
                                                    "csrfmiddlewaretoken": changed})
    assert refused.status_code == 403
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies  # nothing changed
    taken = client.post(reverse("set_language"), {"language": "en", "next": "/help/",
                                                  "csrfmiddlewaretoken": token})
    assert taken.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_bytes_past_the_last_whole_multiple_of_62_are_dropped(monkeypatch: Any) -> None:
    reads = iter([bytes([255, 248, 0, 61]), bytes([62, 247, 250, 1, 2, 3, 4, 5, 6, 7, 8])])
    monkeypatch.setattr(secrets, "token_bytes", lambda n: next(reads))
    # 255 and 248 and 250 are dropped; 62 and 247 wrap to the first and last characters; the
    # first read runs short, so a second is made.
    assert csrf.random_chars(5) == "a9a9b"


def test_every_character_comes_up() -> None:
    drawn = "".join(csrf.random_chars(32) for _ in range(400))
    assert set(drawn) == set(CSRF_ALLOWED_CHARS)
