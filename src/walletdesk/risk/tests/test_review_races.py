"""Races on PostgreSQL: one approval lets exactly one payment through; a case is decided once."""

import threading
import uuid

import pytest
from django.db import connections

from walletdesk.accounts.models import User
from walletdesk.accounts.services import issue_token
from walletdesk.conftest import ApiClient
from walletdesk.risk.errors import ReviewClosed
from walletdesk.risk.models import Review, RiskRule
from walletdesk.risk.services import forget_rules, review, rules
from walletdesk.wallet.models import Transaction

pytestmark = [pytest.mark.postgres, pytest.mark.security, pytest.mark.money,
              pytest.mark.django_db(transaction=True)]


def parallel(n, work):
    barrier, results = threading.Barrier(n), []

    def run(i):
        try:
            barrier.wait()
            results.append(work(i))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.fixture
def held_case(customer, make_customer, fund):
    bob = make_customer("bob@example.com")
    fund(customer, 10_000_000)
    rules()
    RiskRule.objects.filter(code="step_up_amount").update(outcome="hold", limit_amount=100_000)
    forget_rules()  # other processes: within RULES_FOR
    api = ApiClient(issue_token(customer))
    body = {"to": bob.email, "amount": 150_000, "currency": "CNY"}
    assert api.post("/api/v1/wallet/transfers", body, key=str(uuid.uuid4())).status_code == 403
    return Review.objects.get(), body


def test_one_approval_lets_one_of_eight_parallel_payments_through(customer, held_case):
    case, body = held_case
    supervisor = User.objects.create_user("sup@walletdesk.example", "x" * 12, role="supervisor")
    review.approve(supervisor, case.pk, "confirmed by phone")
    token = issue_token(customer)

    def pay(_i):
        r = ApiClient(token).post("/api/v1/wallet/transfers", body, key=str(uuid.uuid4()))
        return r.status_code, r.json().get("code")

    results = parallel(8, pay)
    assert sorted(s for s, _c in results).count(201) == 1, results
    assert all(c == "held_for_review" for s, c in results if s != 201)
    assert Transaction.objects.filter(type="transfer").count() == 1


def test_two_reviewers_at_once_one_decision(held_case):
    case, _body = held_case
    a = User.objects.create_user("a@walletdesk.example", "x" * 12, role="supervisor")
    b = User.objects.create_user("b@walletdesk.example", "x" * 12, role="admin")

    def decide(i):
        try:
            if i % 2:
                review.approve(a, case.pk, "fine")
            else:
                review.reject(b, case.pk, "not fine", freeze=True)
            return "ok"
        except ReviewClosed:
            return "closed"

    results = parallel(6, decide)
    assert results.count("ok") == 1, results
    case.refresh_from_db()
    assert case.status in ("approved", "rejected")
