"""/wallet/cards/?next= goes back only to a page of this site (issue 15, finding 13)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.security]


def _link(customer: Any, target: str) -> Any:
    c = Client()
    c.force_login(customer)
    return c.post(f"/wallet/cards/?next={target}",
                  {"kind": "bank_card", "card_number": "6222021234567890128"})


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example",
                                    "javascript:alert(1)"])
def test_external_next_stays_on_the_cards_page(customer: Any, target: str) -> None:
    r = _link(customer, target)
    assert r.status_code == 302 and r["Location"] == "/wallet/cards/"


def test_local_next_is_kept(customer: Any) -> None:
    r = _link(customer, "/wallet/top-up/")
    assert r.status_code == 302 and r["Location"] == "/wallet/top-up/"
