"""The notification centre's look-ups find their rows through an index, now that
notify_notification.user_id has no index of its own (migration 0004): each leads with the
user, as the composite indexes and the unique (user, source) do. Planned as a prepared
statement would be (``core.tests.plans``), on PostgreSQL only: there the plan tells the
indexes apart (checked: dropping the two composite indexes and the unique constraint fails
four of these), while SQLite's automatic index of the unique (user, source) serves any look-up
by user."""

from __future__ import annotations

from typing import Any

import pytest

from walletdesk.accounts.models import User
from walletdesk.core.tests.plans import orm, plan, reads_whole, single_column_indexes
from walletdesk.notify import listing
from walletdesk.notify.models import Notification
from walletdesk.notify.services import inbox

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

USER = User(pk=1)
LOOKUPS: list[tuple[str, Any]] = [
    ("the bell's unread count (every signed-in page)", lambda: (inbox.UNREAD_SQL, [1])),
    ("the centre's list", lambda: orm(inbox.list_for(USER))),
    ("the list's next page", lambda: orm(inbox.list_for(USER, before=10))),
    ("the centre page's next page", lambda: orm(listing.rows_of(USER, before=10))),
    ("one of the user's notifications (mark read)", lambda: orm(
        Notification.objects.filter(user=USER, pk=1))),
    ("mark all read", lambda: orm(Notification.objects.filter(user=USER, read_at__isnull=True))),
    ("a user's notifications (on delete, CASCADE)", lambda: orm(
        Notification.objects.filter(user__in=[1]))),
]


@pytest.mark.parametrize("name, statement", LOOKUPS, ids=[n for n, _s in LOOKUPS])
def test_every_notification_lookup_uses_an_index(name: str, statement: Any) -> None:
    found = plan(*statement())
    assert not reads_whole("notify_notification", found), found


def test_the_user_column_has_no_index_of_its_own() -> None:
    assert single_column_indexes(("notify_notification",)) == set()
