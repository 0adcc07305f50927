"""core.reads: a request's independent reads sent together (one round trip on PostgreSQL)
give each read's own value, in order, as running them one by one does; an error in one
raises as Django's DatabaseError and leaves the connection usable."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from psycopg.pq import PipelineStatus

from walletdesk.accounts.models import AccountHold, User
from walletdesk.core import clock, reads
from walletdesk.core.fixedquery import FixedQuery
from walletdesk.notify.services import inbox
from walletdesk.risk.models import RiskDecision
from walletdesk.wallet import queries, services
from walletdesk.wallet.models import PaymentRequest

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


def _fields(value: Any) -> Any:
    """A read's value, comparable field by field: model instances and table rows by every
    value they hold (the joined objects' too), dataclasses as they are."""
    if isinstance(value, list):
        return [_fields(v) for v in value]
    if isinstance(value, Model):
        out = {f.attname: getattr(value, f.attname) for f in value._meta.concrete_fields}
        for name, related in value._state.fields_cache.items():
            out[name] = _fields(related)
        return out
    if isinstance(value, queries.TableRow):
        return {name: getattr(value, name) for name in queries.TableRow.ROW_NAMES}
    return value


@pytest.fixture
def busy(funded: User, merchant: Any, make_customer: Any, fund: Any) -> User:
    """The funded customer with two open payment requests, two holds and a transfer received
    from someone whose name needs escaping in JSON."""
    customer = funded
    now = clock.now()
    for i in range(2):
        PaymentRequest.objects.create(public_id=f"req-{i}", merchant=merchant, customer=customer,
                                      amount=100 + i, currency="CNY", description=f"订单 <{i}>",
                                      expires_at=now + timedelta(minutes=10 + i))
    AccountHold.objects.create(user=customer, kind="security", until=now + timedelta(hours=2))
    AccountHold.objects.create(user=customer, kind="after_reset", until=now + timedelta(hours=1))
    sender = make_customer(display_name="O'Brien \"Bob\" \\ 李")
    fund(sender, 1_000)
    services.transfer(sender, to=customer.email, amount=300, currency="CNY")
    return customer


def test_the_wallet_reads_together_equal_each_alone(busy: User) -> None:
    """Model instances (with the merchant joined), table rows, balances, times: the same
    values, in the same order, whichever way ``run`` sends them."""
    wallet = _wallet_reads(busy)[:4]
    together = reads.run(*wallet)
    alone = [reads.one(r) for r in _wallet_reads(busy)[:4]]
    assert _fields(together) == _fields(alone)
    recent, requests, _balances, holds = together
    assert [r.public_id for r in requests] == ["req-0", "req-1"]
    assert requests[0].merchant.name_en and requests[0].description == "订单 <0>"
    assert [h.kind for h in holds] == ["after_reset", "security"]  # by their end
    assert recent[0].created_at.tzinfo is not None and len(recent) == 3
    assert recent[0].customer_display_name == "O'Brien \"Bob\" \\ 李"


@pytest.mark.postgres
def test_on_postgresql_reads_that_name_their_columns_go_as_one_statement(busy: User) -> None:
    wallet = _wallet_reads(busy)[:4]
    assert all(r.columns is not None for r in wallet)
    someone_else = User.objects.exclude(pk=busy.pk).get(display_name__startswith="O'Brien")
    with CaptureQueriesContext(connection) as ctx:
        together = reads.run(*wallet)
        empty = reads.run(queries.open_requests_read(busy),
                          queries.active_holds_read(someone_else))  # no rows: an empty list
    assert len(ctx.captured_queries) == 2, [q["sql"] for q in ctx.captured_queries]
    assert _fields(together) == _fields([reads.one(r) for r in _wallet_reads(busy)[:4]])
    assert empty[1] == [] and len(empty[0]) == 2


def test_a_read_with_a_column_json_cannot_give_exactly_is_sent_as_it_is(customer: User) -> None:
    """Decimals, UUIDs, JSON: such a read has no ``columns``, and ``run`` sends it on its own
    (the pipeline), beside reads that could go in one statement."""
    decisions = FixedQuery(lambda user_id: RiskDecision.objects.filter(user_id=user_id),
                           user_id=int).read(user_id=customer.pk)
    assert decisions.columns is None
    assert reads.json_columns([RiskDecision._meta.get_field("ref")]) is None
    assert reads.json_columns([PaymentRequest._meta.get_field("merchant")]) == (None,)
    values = reads.run(decisions, queries.balances_read(customer), queries.active_holds_read(
        customer))
    assert values[0] == [] and values[2] == []


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
