"""The token look-up's fixed SQL (issue #16) answers as the ORM query it replaces."""

from __future__ import annotations

from typing import Any

import pytest

from walletdesk.accounts import token_lookup
from walletdesk.accounts.models import ApiToken, User
from walletdesk.accounts.services import issue_token, revoke_token, token_for
from walletdesk.core import clock

pytestmark = pytest.mark.security


def orm(raw: str) -> ApiToken | None:
    return (ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.digest(raw), revoked_at__isnull=True,
                    expires_at__gt=clock.now()).first())


def same(raw: str) -> ApiToken | None:
    fast = token_lookup.active_token(ApiToken.digest(raw), clock.now())
    slow = orm(raw)
    assert (fast and fast.pk) == (slow and slow.pk)
    if fast is not None and slow is not None:
        for model, a, b in ((ApiToken, fast, slow), (User, fast.user, slow.user)):
            fields = [f.attname for f in model._meta.concrete_fields]
            assert [getattr(a, f) for f in fields] == [getattr(b, f) for f in fields]
        assert fast._state.adding is False and fast.user._state.db == slow.user._state.db
    return fast


def test_lookup_matches_the_orm_and_refuses_at_once(make_customer: Any) -> None:
    alice, bob = make_customer(), make_customer()
    raw, other = issue_token(alice), issue_token(bob)
    assert same(raw).user == alice
    assert token_for(raw).user == alice
    assert same("wdt_" + "x" * 40) is None
    revoke_token(raw)
    assert same(raw) is None and token_for(raw) is None  # revocation takes effect at once
    assert same(other).user == bob
    User.objects.filter(pk=bob.pk).update(is_active=False)
    assert token_for(other) is None
    User.objects.filter(pk=bob.pk).update(is_active=True)
    clock.advance(hours=24 * 365)
    assert same(other) is None and token_for(other) is None  # expired
