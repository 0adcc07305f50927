"""Browser sessions read with their user and device check in one statement (ADR 0122).

The session's row names its user and device in columns copied from its signed data; a
signed-in page reads the session, the user and whether the device was signed out since the
session began in one statement. The signed data stays the authority: a row whose columns
disagree with it gets nothing from the join, and the user is read the way it always was."""

from __future__ import annotations

import importlib
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from walletdesk.accounts.models import BrowserSession, Device, User
from walletdesk.accounts.sessions import SessionStore
from walletdesk.conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.security]


def _signed_in(user: User) -> tuple[Client, BrowserSession]:
    client = Client(headers={"accept-language": "en"})
    assert client.post("/login/", {"username": user.email, "password": PASSWORD}).status_code == 302
    return client, BrowserSession.objects.get(session_key=client.session.session_key)


def _who(client: Client) -> str | None:
    page = client.get("/help/")
    assert page.status_code == 200
    html = page.content.decode()
    return html.split('data-testid="who">')[1].split("<")[0] if 'data-testid="who"' in html else None


def test_the_row_names_the_user_and_device_its_data_names(customer: User) -> None:
    _client, row = _signed_in(customer)
    data = SessionStore(row.session_key).load()
    assert row.user_id == customer.pk == int(data["_auth_user_id"])
    device = Device.objects.get(pk=int(row.device_pk or 0))
    assert device.user_id == customer.pk and [row.device_pk, row.device_epoch] == data[
        "device_session"] == [device.pk, device.session_epoch]


def test_a_signed_in_page_reads_session_user_and_device_in_one_statement(customer: User) -> None:
    client, _row = _signed_in(customer)
    client.get("/help/")  # compiled once per connection
    with CaptureQueriesContext(connection) as ctx:
        assert _who(client) == str(customer)
    sql = [q["sql"] for q in ctx.captured_queries]
    assert '"accounts_session"' in sql[0] and '"accounts_user"' in sql[0]
    assert '"accounts_device"' in sql[0]
    assert not any('FROM "accounts_user"' in s for s in sql[1:]), sql  # no read of its own
    client.get("/wallet/")  # the fee announcements are read once per process
    with CaptureQueriesContext(connection) as home:
        assert client.get("/wallet/").status_code == 200
    # the session with its user and the bell's count, then the page's four reads: one by one on
    # SQLite, as one statement on PostgreSQL (core.reads)
    assert len(home.captured_queries) == (2 if connection.vendor == "postgresql" else 5)


def test_once_loaded_the_request_user_is_the_user_itself(customer: User) -> None:
    """The page reads request.user dozens of times (the view, the context, the chrome); after
    the first read it is the User, not a proxy that forwards every attribute."""
    client, _row = _signed_in(customer)
    request = client.get("/wallet/").wsgi_request
    assert type(request.user) is User and request.user.pk == customer.pk
    client.post("/logout/")
    assert client.get("/help/").wsgi_request.user.is_authenticated is False


def test_the_signed_data_not_the_columns_decides_who_is_signed_in(customer: User,
                                                                   make_customer: Any) -> None:
    client, row = _signed_in(customer)
    other = make_customer("mallory@example.com", display_name="Mallory")
    _other_client, other_row = _signed_in(other)
    # A row that names someone else's user and device (written by anything but its own save)
    BrowserSession.objects.filter(pk=row.pk).update(user=other, device_pk=other_row.device_pk,
                                                    device_epoch=other_row.device_epoch)
    assert _who(client) == str(customer)  # the data's user, read on its own
    # and the data's device decides: signed out since, the session ends whatever the columns say
    Device.objects.filter(pk=row.device_pk or 0).update(session_epoch=F("session_epoch") + 1)
    BrowserSession.objects.filter(pk=row.pk).update(
        user=customer, device_pk=row.device_pk, device_epoch=F("device_epoch") + 1)
    assert _who(client) is None
    assert client.get("/wallet/").status_code == 302
    assert not BrowserSession.objects.filter(pk=row.pk).exists()  # flushed


def test_a_device_signed_out_ends_its_sessions(customer: User) -> None:
    client, row = _signed_in(customer)
    assert _who(client) == str(customer)
    Device.objects.filter(pk=row.device_pk or 0).update(session_epoch=F("session_epoch") + 1)
    assert _who(client) is None and client.get("/wallet/").status_code == 302


def test_the_upgrade_copies_live_sessions_with_their_user_and_device(customer: User) -> None:
    """Migration 0010: each live row of Django's own table comes over, its columns read from
    its signed data (nobody is signed out by the upgrade); expired and unreadable rows do not,
    and a deleted user's session comes over naming no user."""
    device = Device.objects.create(user=customer, key_hash="d" * 64, session_epoch=4)

    def old_session(data: dict[str, Any], expires_in: int = 3600) -> str:
        store = DjangoSessionStore()
        store.update(data)
        store.set_expiry(expires_in)
        store.create()
        return str(store.session_key)

    signed_in = old_session({"_auth_user_id": str(customer.pk), "device_session": [device.pk, 4],
                             "who": "alice"})
    anonymous = old_session({"language": "en"})
    gone_user = old_session({"_auth_user_id": "987654", "device_session": [1, 0]})
    expired = old_session({"_auth_user_id": str(customer.pk)}, expires_in=-10)
    from django.contrib.sessions.models import Session
    Session.objects.create(session_key="x" * 32, session_data="not signed",
                           expire_date=timezone.now() + timedelta(hours=1))
    migration = importlib.import_module("walletdesk.accounts.migrations.0010_browser_session")
    migration.copy_live_sessions(apps, SimpleNamespace(connection=connection))
    rows = {r.session_key: r for r in BrowserSession.objects.all()}
    assert set(rows) == {signed_in, anonymous, gone_user}
    assert (rows[signed_in].user_id, rows[signed_in].device_pk, rows[signed_in].device_epoch) == (
        customer.pk, device.pk, 4)
    assert (rows[anonymous].user_id, rows[anonymous].device_pk) == (None, None)
    assert rows[gone_user].user_id is None and rows[gone_user].device_pk == 1
    assert expired not in rows
    store = SessionStore(signed_in)
    assert store["who"] == "alice"
    assert store.joined_user(customer.pk, (device.pk, 4)) == customer
    assert store.joined_user(customer.pk, (device.pk, 3)) is None  # not the data's device
