"""The statements compiled once per connection (``core.fixedquery``) read exactly what the
ORM reads: the same rows, in the same order, with the same values, the joined objects and
annotations included, on SQLite and PostgreSQL (issue #16)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from walletdesk.accounts.backends import USER_WITH_DEVICE
from walletdesk.accounts.models import AccountHold, BrowserSession, Device, User
from walletdesk.accounts.sessions import SessionStore
from walletdesk.core import clock, reads
from walletdesk.core.fixedquery import FixedQuery
from walletdesk.wallet import queries, services
from walletdesk.wallet.models import PaymentRequest, Transaction

pytestmark = [pytest.mark.money, pytest.mark.security]


def _fields(obj: Any, names: list[str]) -> list[Any]:
    return [getattr(obj, n) for n in names]


def _same_row(row: Any, txn: Transaction) -> None:
    """A ``TableRow`` says what the ORM's transaction says: labels and the names shown."""
    assert row.pk == txn.pk and row.type == txn.type and row.status == txn.status
    assert str(row.type_label) == str(txn.type_label)
    assert str(row.status_label) == str(txn.status_label)
    for who in ("customer", "counterparty", "merchant", "payment_method"):
        ours, theirs = getattr(row, who), getattr(txn, who)
        assert (ours is None) == (theirs is None), who
        assert str(ours) == str(theirs), who


def test_recent_rows_equal_the_orm(customer: Any, make_customer: Any, fund: Any) -> None:
    bob, carol = make_customer("bob@example.com"), make_customer("carol@example.com")
    fund(customer, 100_000)
    fund(bob, 50_000)
    for i in range(6):
        services.transfer(customer, to=bob.email, amount=10 + i, currency="CNY", note=f"n{i}")
    services.transfer(bob, to=customer.email, amount=7, currency="CNY")
    services.transfer(bob, to=carol.email, amount=9, currency="CNY")  # not the customer's
    orm = list(queries.transactions_of(customer).order_by(
        "-created_at", "-pk")[:8])
    fixed = reads.one(queries.recent_read(customer, 8))
    assert len(orm) == 8 and [t.pk for t in fixed] == [t.pk for t in orm]
    shown = ["public_id", "type", "status", "amount", "fee", "currency", "created_at",
             "customer_id", "counterparty_id", "merchant_id", "payment_method_id"]
    for a, b in zip(fixed, orm, strict=True):
        assert _fields(a, shown) == _fields(b, shown)
        _same_row(a, b)
    assert [t.pk for t in reads.one(queries.recent_read(customer, 3))] == [t.pk for t in orm[:3]]
    assert reads.one(queries.recent_read(carol, 8))[0].counterparty_id == carol.pk


def test_open_requests_and_holds_equal_the_orm(customer: Any, make_customer: Any,
                                               merchant: Any) -> None:
    now = clock.now()
    for i, (status, expires) in enumerate([("open", 60), ("open", -60), ("paid", 60),
                                           ("open", 600)]):
        PaymentRequest.objects.create(public_id=f"req-{i}", merchant=merchant, customer=customer,
                                      amount=100 + i, currency="CNY", status=status,
                                      expires_at=now + timedelta(seconds=expires))
    PaymentRequest.objects.create(public_id="req-other", merchant=merchant, amount=5,
                                  customer=make_customer(), currency="CNY",
                                  expires_at=now + timedelta(seconds=60))
    orm = list(PaymentRequest.objects.filter(
        customer=customer, status="open", expires_at__gt=now).select_related("merchant")
        .order_by("pk"))
    fixed = reads.one(queries.open_requests_read(customer))
    assert [r.public_id for r in fixed] == [r.public_id for r in orm] == ["req-0", "req-3"]
    assert fixed[0].merchant.name == merchant.name and fixed[0].amount == 100
    for kind, until, released in [("security", None, None), ("after_reset", 60, None),
                                  ("freeze", -60, None), ("security", None, now)]:
        AccountHold.objects.create(user=customer, kind=kind, released_at=released,
                                   until=None if until is None else now + timedelta(seconds=until))
    orm_holds = list(AccountHold.objects.filter(user=customer, released_at__isnull=True).filter(
        Q(until__isnull=True) | Q(until__gt=now)).order_by("until"))
    assert [h.pk for h in reads.one(queries.active_holds_read(customer))] == [h.pk for h in orm_holds]
    assert len(orm_holds) == 2
    clock.advance(120)  # the after-reset hold ends, the first request expires: both queries see it
    assert [h.kind for h in reads.one(queries.active_holds_read(customer))] == ["security"]
    assert [r.public_id for r in reads.one(queries.open_requests_read(customer))] == ["req-3"]


def test_user_with_device_equals_the_orm(customer: Any) -> None:
    device = Device.objects.create(user=customer, key_hash="k" * 64, session_epoch=3)
    for device_id, epoch, alive in [(device.pk, 3, True), (device.pk, 2, False),
                                    (device.pk + 999, 3, False)]:
        (user,) = USER_WITH_DEVICE.rows(user_id=customer.pk, device_id=device_id, epoch=epoch)
        ref = User.objects.annotate(device_alive=Exists(Device.objects.filter(
            pk=device_id, session_epoch=epoch, user_id=OuterRef("pk")))).get(pk=customer.pk)
        assert user.device_alive is ref.device_alive is alive
        assert user.email == ref.email and user.session_epoch == ref.session_epoch
        assert user.get_session_auth_hash() == ref.get_session_auth_hash()
    assert USER_WITH_DEVICE.rows(user_id=customer.pk + 999, device_id=device.pk, epoch=3) == []


def test_session_store_reads_live_sessions_only(customer: Any) -> None:
    store = SessionStore()
    store["who"] = "alice"
    store.create()
    key = store.session_key
    loaded = SessionStore(key)
    with CaptureQueriesContext(connection) as ctx:
        assert loaded["who"] == "alice"
    assert len(ctx.captured_queries) == 1
    BrowserSession.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timedelta(seconds=1))
    expired = SessionStore(key)
    assert expired.get("who") is None and expired.session_key is None
    assert SessionStore("nosuchsessionkey0000000000000000").load() == {}


def test_a_value_that_is_not_a_parameter_is_refused(db: Any) -> None:
    # A builder that ignores one of its values would silently run with the marker: refused.
    bad = FixedQuery(lambda user_id, status: Transaction.objects.filter(customer_id=user_id),
                     user_id=int, status=str)
    with pytest.raises(RuntimeError, match="not a parameter"):
        bad.rows(user_id=1, status="posted")
    with pytest.raises(TypeError):
        USER_WITH_DEVICE.rows(user_id=1)


def test_unfiltered_history_equals_the_orm(api: Any, customer: Any, make_customer: Any,
                                           fund: Any) -> None:
    from django.test import Client

    from walletdesk.conftest import PASSWORD
    from walletdesk.wallet.api import TransactionPage

    bob = make_customer("bob@example.com", display_name="Bob")
    fund(customer, 100_000)
    fund(bob, 100_000, "HKD")
    for i in range(7):
        services.transfer(customer, to=bob.email, amount=10 + i, currency="CNY")
    services.transfer(bob, to=customer.email, amount=5, currency="HKD")
    orm = list(queries.filter_history(queries.transactions_of(customer), queries.HistoryFilter()))
    assert len(orm) == 9 and queries.history_count(customer) == 9
    for offset, limit in [(0, 20), (0, 3), (3, 3), (8, 5), (20, 5)]:
        fixed = orm[offset:offset + limit]
        table = queries.history_table_slice(customer, offset, limit)
        assert [t.pk for t in table] == [t.pk for t in fixed]
        for row, txn in zip(table, fixed, strict=True):
            _same_row(row, txn)
    assert queries.history_table_slice(customer, 0, 0) == []
    # The API's answer: the same items, in TransactionPage's shape, as the ORM's dicts.
    r = api.get("/api/v1/wallet/transactions", limit=4, offset=2)
    assert r.status_code == 200 and r["Content-Type"].startswith("application/json")
    body = r.json()
    assert TransactionPage.model_validate(body).model_dump() == body
    from walletdesk.wallet.serializers import transaction_dict
    assert body == {"items": [transaction_dict(t, customer) for t in orm[2:6]], "total": 9,
                    "limit": 4, "offset": 2}
    assert list(body["items"][0]) == list(TransactionPage.model_fields["items"].annotation
                                          .__args__[0].model_fields)
    hkd = api.get("/api/v1/wallet/transactions", currency="HKD").json()  # a filter: the ORM
    assert hkd["total"] == 1 and {i["currency"] for i in hkd["items"]} == {"HKD"}
    # The page: 25 rows a page, newest first, the second page the rest.
    client = Client()
    client.post("/login/", {"username": customer.email, "password": PASSWORD})
    for _ in range(20):
        services.transfer(customer, to=bob.email, amount=1, currency="CNY")
    first = client.get("/wallet/history/")
    second = client.get("/wallet/history/?page=2")
    assert first.content.count(b'data-testid="txn-row"') == 25
    assert second.content.count(b'data-testid="txn-row"') == 4
    newest = queries.filter_history(queries.transactions_of(customer), queries.HistoryFilter())[0]
    assert newest.public_id.encode() in first.content
    filtered = client.get("/wallet/history/?currency=HKD")
    assert filtered.content.count(b'data-testid="txn-row"') == 1


def test_history_api_rows_equal_the_orms_dicts(api: Any, customer: Any, make_customer: Any,
                                              merchant: Any, fund: Any) -> None:
    """The history API's plain rows (``queries.history_rows``) give exactly
    ``transaction_dict(txn, viewer)`` for every kind of row a customer sees: transfers both
    ways (a payee with a display name, one with only an e-mail, one with only a phone), a
    payment to a merchant and its refund (the parent's id), a transfer with a promotion and a
    fee, a pending top-up (its deadline) and a failed one."""
    from walletdesk.wallet.models import FeePolicy, Promotion
    from walletdesk.wallet.serializers import transaction_dict

    bob = make_customer("bob@example.com", display_name="Bob")
    carol = make_customer("carol@example.com", display_name="")
    dan = User.objects.create_user("", "pw-dan-2026-long", phone="+8613800138000",
                                   display_name="")
    fund(customer, 100_000)
    fund(carol, 10_000)
    start = clock.now() - timedelta(days=1)
    FeePolicy.objects.create(operation="transfer", method="balance", currency="CNY",
                             basis_points=100, effective_from=start)
    Promotion.objects.create(name_zh="半价", name_en="Half", operation="transfer",
                             discount_bps=5_000, starts_at=start,
                             ends_at=start + timedelta(days=3), per_user_limit=1)
    services.transfer(customer, to=bob.email, amount=1_000, currency="CNY", note="lunch 午饭")
    services.transfer(carol, to=customer.email, amount=300, currency="CNY")
    services.transfer(customer, to=dan.phone, amount=200, currency="CNY")
    services.transfer(carol, to=customer.email, amount=301, currency="CNY")  # both parts of
    services.transfer(carol, to=customer.email, amount=302, currency="CNY")  # the page query
    paid = services.pay(customer, merchant=merchant, amount=500, currency="CNY",
                        method="balance")
    services.refund(merchant, payment_id=paid.public_id, amount=200)
    services.top_up(customer, amount=700, currency="CNY", method="bank_card")
    failed = services.top_up(customer, amount=800, currency="CNY", method="bank_card")
    services.on_network_result(failed.public_id, "failed", "card_declined")
    orm = list(queries.filter_history(queries.transactions_of(customer), queries.HistoryFilter()))
    assert len(orm) == 10
    assert {t.type for t in orm} == {"topup", "transfer", "payment", "refund"}
    assert any(t.promotion_id for t in orm) and any(t.parent_id for t in orm)
    assert any(t.expires_at for t in orm) and any(t.status == "failed" for t in orm)
    expected = [transaction_dict(t, customer) for t in orm]
    assert {e["counterparty"] for e in expected} == {"Bob", "carol@example.com",
                                                     "+8613800138000", None}
    for offset, limit in [(0, 50), (0, 3), (1, 2), (3, 3), (5, 4), (9, 5), (20, 5)]:
        body = api.get("/api/v1/wallet/transactions", limit=limit, offset=offset).json()
        assert body == {"items": expected[offset:offset + limit], "total": 10, "limit": limit,
                        "offset": offset}
    assert queries.history_rows(customer, 0, 0) == []


def test_history_filter_form_is_the_same_from_the_fragment_cache(customer: Any,
                                                                  settings: Any) -> None:
    import re

    from django.test import Client

    from walletdesk.conftest import PASSWORD
    from walletdesk.core.templatetags import fragments

    settings.DEBUG = False
    client = Client()
    client.post("/login/", {"username": customer.email, "password": PASSWORD})

    def form(query: str) -> bytes:
        body = client.get("/wallet/history/" + query, headers={"Accept-Language": "en"}).content
        found = re.search(rb'<details class="card filter-box".*?</details>', body, re.S)
        assert found is not None
        return found.group(0)

    for query in ["", "?status=completed&min=1.5", "?status=completed%26min%3D9"]:
        fragments.clear()
        fresh, cached = form(query), form(query)
        assert fresh == cached
    assert b'value="1.5"' in form("?status=completed&min=1.5")
    crafted = form("?status=completed%26min%3D9")  # an unknown status: no filter, empty input
    assert b'name="min" value=""' in crafted and b'value="1.5"' not in crafted
    assert b'value="1.5"' not in form("")


def test_the_table_from_rows_is_the_table_from_the_orm(customer: Any, make_customer: Any,
                                                       merchant: Any, fund: Any) -> None:
    """``{% txn_table %}`` draws the same HTML from ``TableRow``s (the pages' reads) as from the
    ORM's transactions, in every language: merchant names (English or not), people in both
    directions, a card, fees, refused and pending rows, filtered pages."""
    from django.utils import translation

    from walletdesk.wallet.templatetags.txn_table import txn_table

    bob = make_customer("bob@example.com", display_name="Bob <b>&")
    make_customer("nameless@example.com")
    fund(customer, 100_000)
    fund(bob, 50_000)
    services.transfer(customer, to=bob.email, amount=120, currency="CNY", note="<i>")
    services.transfer(bob, to=customer.email, amount=75, currency="CNY")
    services.pay(customer, merchant=merchant, amount=2_800, currency="CNY", method="balance")
    services.pay(customer, merchant=merchant, amount=3_650, currency="CNY", method="bank_card")
    failed = services.top_up(customer, amount=30_000, currency="CNY", method="bank_card")
    services.on_network_result(failed.public_id, "failed", "do_not_honor")
    services.withdraw(customer, amount=1_000, currency="CNY", method="bank_card")
    orm = list(queries.transactions_of(customer).order_by(
        "-created_at", "-pk"))
    assert len(orm) >= 6
    fixed = reads.one(queries.recent_read(customer, 8))
    paged = queries.history_table_slice(customer, 0, 25)
    filtered = queries.table_rows(queries.filter_history(
        queries.transactions_of(customer), queries.HistoryFilter(currency="CNY")))
    assert filtered.count() == len(orm)
    for lang in ("en", "zh-hans", "zh-hant"):
        with translation.override(lang):
            want = txn_table([(t, queries.direction_for(t, customer)) for t in orm])
            assert txn_table([(t, queries.direction_for(t, customer)) for t in paged]) == want
            assert txn_table([(t, queries.direction_for(t, customer))
                              for t in filtered[0:25]]) == want
            assert txn_table([(t, queries.direction_for(t, customer)) for t in fixed]) == (
                txn_table([(t, queries.direction_for(t, customer)) for t in orm[:8]]))
    assert "Bob &lt;b&gt;&amp;" in want and "Sample Coffee" not in want  # zh-hant last


def test_tuples_and_rows_each_refuse_the_other_kind_of_query(db: Any) -> None:
    with pytest.raises(TypeError, match="tuples"):
        queries._RECENT[8].rows(user_id=1)
    with pytest.raises(TypeError, match="rows"):
        queries.OPEN_REQUESTS.tuples(user_id=1, now=clock.now())
    assert queries._RECENT[8].tuples(user_id=1) == []


def test_table_pages_past_the_fixed_ones_come_from_the_orm(customer: Any, make_customer: Any,
                                                           fund: Any, monkeypatch: Any) -> None:
    bob = make_customer("bob@example.com")
    fund(customer, 100_000)
    for i in range(5):
        services.transfer(customer, to=bob.email, amount=10 + i, currency="CNY")
    fixed = queries.history_table_slice(customer, 1, 3)
    monkeypatch.setattr(queries, "MAX_FIXED_PAGES", 0)
    monkeypatch.setattr(queries, "_TABLE_PAGES", {})
    with CaptureQueriesContext(connection) as ctx:
        built = queries.history_table_slice(customer, 1, 3)
    assert len(ctx.captured_queries) == 1 and len(built) == 3
    for a, b in zip(built, fixed, strict=True):
        assert vars_of(a) == vars_of(b)


def vars_of(row: queries.TableRow) -> list[Any]:
    return [getattr(row, n) for n in queries.TableRow.ROW_NAMES]
