"""core.reads: a request's independent reads sent together (one round trip on PostgreSQL)
give each read's own value, in order, as running them one by one does; an error in one
raises as Django's DatabaseError and leaves the connection usable."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from psycopg.pq import PipelineStatus

from walletdesk.accounts.models import User
from walletdesk.core import reads
from walletdesk.core.fixedquery import FixedQuery
from walletdesk.notify.services import inbox
from walletdesk.wallet import queries, services

pytestmark = pytest.mark.django_db

COUNT_USERS = reads.Read("SELECT COUNT(*) FROM accounts_user", [], lambda rows: rows[0][0])
EMAILS = FixedQuery(lambda user_id: User.objects.filter(pk__gte=user_id).order_by("pk"),
                    user_id=int)


def _wallet_reads(user: User) -> list[reads.Read[Any]]:
    return [queries.recent_read(user, 8), queries.open_requests_read(user),
            queries.balances_read(user), queries.active_holds_read(user),
            inbox.unread_read(user)]


def _plain(values: list[Any]) -> list[Any]:
    """Values comparable across runs (model instances by their primary keys)."""
    out: list[Any] = []
    for value in values:
        if isinstance(value, list):
            out.append([getattr(v, "pk", v) if not hasattr(v, "public_id") else v.public_id
                        for v in value])
        else:
            out.append(value)
    return out


@pytest.fixture
def funded(customer: User, make_customer: Any, fund: Any) -> User:
    """A customer with two transactions and one unread notification more than they bring."""
    fund(customer, 50_000)
    services.transfer(customer, to=make_customer().email, amount=1_250, currency="CNY")
    inbox.add(customer, "security", "subject", "body", source="test:reads")
    return customer


def test_run_gives_each_reads_value_in_order_as_one_by_one(funded: User) -> None:
    customer = funded
    together = reads.run(*_wallet_reads(customer))
    alone = [reads.one(r) for r in _wallet_reads(customer)]
    assert _plain(together) == _plain(alone)
    recent, _requests, balances, _holds, unread = together
    assert any(b.currency == "CNY" and b.balance == 50_000 - 1_250 for b in balances)
    assert len(recent) == 2 and unread >= 1
    assert reads.run() == []
    assert reads.run(COUNT_USERS) == [User.objects.count()]


@pytest.mark.postgres
def test_on_postgresql_the_reads_go_through_one_pipeline(funded: User) -> None:
    customer = funded
    seen: list[tuple[str, bool]] = []

    def watch(execute: Callable[..., Any], sql: str, params: Any, many: bool,
              context: Any) -> Any:
        seen.append((sql, connection.connection.pgconn.pipeline_status != PipelineStatus.OFF))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        together = reads.run(*_wallet_reads(customer), COUNT_USERS)
        alone = reads.one(COUNT_USERS)
        two = reads.run(COUNT_USERS, COUNT_USERS)  # too few to gain: one by one
    assert [in_pipeline for _sql, in_pipeline in seen] == [True] * 6 + [False] * 3
    assert two == [alone, alone]
    assert _plain(together[:5]) == _plain([reads.one(r) for r in _wallet_reads(customer)])
    assert together[5] == alone == User.objects.count()


@pytest.mark.postgres
def test_an_error_in_one_read_raises_and_the_connection_stays_usable(customer: User) -> None:
    broken = reads.Read("SELECT no_such_column FROM accounts_user", [], lambda rows: rows)
    with pytest.raises(DatabaseError), transaction.atomic():
        reads.run(COUNT_USERS, broken, queries.balances_read(customer))
    # the test's own transaction is not aborted, and the next reads work
    assert reads.run(COUNT_USERS, COUNT_USERS, EMAILS.read(user_id=customer.pk))[0] == (
        User.objects.count())
    assert [u.pk for u in reads.run(COUNT_USERS, COUNT_USERS,
                                    EMAILS.read(user_id=customer.pk))[2]] == list(
        User.objects.filter(pk__gte=customer.pk).order_by("pk").values_list("pk", flat=True))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_an_error_ends_the_reads_and_the_next_ones_work(
        customer: User) -> None:
    broken = reads.Read("SELECT 1/0", [], lambda rows: rows)
    with pytest.raises(DatabaseError):
        reads.run(COUNT_USERS, broken, COUNT_USERS)
    assert not connection.in_atomic_block
    assert reads.run(COUNT_USERS, COUNT_USERS, queries.balances_read(customer))[0] == (
        User.objects.count())
