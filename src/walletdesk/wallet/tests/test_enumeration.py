"""Recipients cannot be enumerated (issue #15, finding 9; ADR 0047).

Before: an unaffordable transfer answered insufficient_funds for a real recipient and
unknown_recipient for a made-up one, so anyone could probe logins for free. Now an
unaffordable transfer is insufficient_funds whoever the recipient is; a sender who can pay
learns that a login has no wallet at most MISS_LIMIT times a day, and after that every new
payee, real or not, gets the same 429. Merchants' payment requests likewise.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from walletdesk.core import clock
from walletdesk.risk.models import RiskCounter
from walletdesk.wallet import services

from .helpers import snapshot

pytestmark = [pytest.mark.money, pytest.mark.security]


def send(api: Any, to: str, amount: int) -> Any:
    return api.post("/api/v1/wallet/transfers", {"to": to, "amount": amount, "currency": "CNY"},
                    key=uuid.uuid4().hex)


def answer(r: Any) -> tuple[int, str]:
    return r.status_code, r.json().get("code", "")


def test_an_unaffordable_transfer_tells_nothing_about_the_recipient(api: Any, customer: Any,
                                                                    make_customer: Any,
                                                                    fund: Any) -> None:
    real = make_customer("real@example.com")
    fund(customer, 1_000)
    before = snapshot()
    for amount in (5_000, 1_000_000):
        assert answer(send(api, real.email, amount)) == (422, "insufficient_funds")
        assert answer(send(api, "made-up@example.com", amount)) == (422, "insufficient_funds")
        assert answer(send(api, "+8613999999999", amount)) == (422, "insufficient_funds")
    assert snapshot() == before
    assert not RiskCounter.objects.filter(user=customer, misses__gt=0).exists()


def test_unknown_recipients_are_told_a_few_times_a_day_then_like_new_payees(
        api: Any, customer: Any, make_customer: Any, fund: Any) -> None:
    paid_before, never_paid = make_customer("friend@example.com"), make_customer("new@example.com")
    fund(customer, 100_000)
    assert answer(send(api, paid_before.email, 100))[0] == 201
    for i in range(services.MISS_LIMIT):
        assert answer(send(api, f"probe-{i}@example.com", 100)) == (422, "unknown_recipient")
    assert RiskCounter.objects.get(user=customer, currency="CNY").misses == services.MISS_LIMIT
    before = snapshot()
    # Past the limit a made-up login and a real one never paid before answer the same.
    assert answer(send(api, "probe-x@example.com", 100)) == (429, "too_many_unknown_recipients")
    assert answer(send(api, never_paid.email, 100)) == (429, "too_many_unknown_recipients")
    assert snapshot() == before
    # Someone paid before still gets paid; the next day the budget starts again.
    assert answer(send(api, paid_before.email, 100))[0] == 201
    clock.advance(hours=24)
    assert answer(send(api, never_paid.email, 100))[0] == 201
    assert answer(send(api, "probe-y@example.com", 100)) == (422, "unknown_recipient")


def test_merchant_payment_requests_cannot_enumerate_customers(merchant: Any, customer: Any,
                                                              make_customer: Any) -> None:
    from django.core.cache import cache

    cache.clear()
    other = make_customer("other@example.com")
    services.create_payment_request(merchant, customer=customer.email, amount=100, currency="CNY")
    for i in range(services.MERCHANT_MISS_LIMIT):
        with pytest.raises(Exception) as err:
            services.create_payment_request(merchant, customer=f"p{i}@example.com", amount=100,
                                            currency="CNY")
        assert getattr(err.value, "code", "") == "unknown_recipient"
    for login in ("p-x@example.com", other.email):
        with pytest.raises(Exception) as err:
            services.create_payment_request(merchant, customer=login, amount=100, currency="CNY")
        assert (err.value.status, err.value.code) == (429, "too_many_unknown_recipients")  # type: ignore[attr-defined]
    # A customer this merchant asked before can still be asked.
    assert services.create_payment_request(merchant, customer=customer.email, amount=200,
                                           currency="CNY").amount == 200
