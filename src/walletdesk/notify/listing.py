"""What the notification centre page shows: one page of a person's notifications, newest
first, grouped by day in the reader's zone and language, with the start of the next page.

Read only. A page ends at a notification; the next one starts just after it in the list's own
order (time, then id), so a notice written while someone pages is never skipped or repeated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from walletdesk.core.timewords import clock_words, day_words, when_words

from .models import Kind, Notification
from .services import inbox

PAGE_SIZE = 20


@dataclass(frozen=True)
class Row:
    note: Notification
    unread: bool
    when: str       # "Yesterday 14:30": the time in words, for screen readers and tests
    clock: str      # "14:30": what the row shows under its day's heading
    opens: bool     # tapping opens a page of its own (and marks it read)
    whole: bool     # the body is shown whole: security alerts, and notices with no page to open


@dataclass(frozen=True)
class Day:
    label: str      # "Today", "Yesterday", "Sat, Dec 5"
    rows: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class Page:
    days: list[Day]
    earlier: int | None   # ``?before=`` of the next (older) page; None at the end
    newest: bool          # the first page (no ``?before=``)


def rows_of(user: Any, before: int | None, size: int = PAGE_SIZE) -> QuerySet[Notification]:
    """Up to ``size`` of the user's notifications after ``before``, as the API pages them."""
    return inbox.list_for(user, limit=size, before=before)


def row(note: Notification) -> Row:
    return Row(note=note, unread=note.read_at is None, when=when_words(note.created_at),
               clock=clock_words(note.created_at), opens=bool(note.link),
               whole=note.kind == Kind.SECURITY or not note.link)


def page(user: Any, before: int | None = None, size: int = PAGE_SIZE) -> Page:
    notes = list(rows_of(user, before, size + 1))
    more, notes = len(notes) > size, notes[:size]
    days: list[Day] = []
    for note in notes:
        label = day_words(note.created_at)
        if not days or days[-1].label != label:
            days.append(Day(label))
        days[-1].rows.append(row(note))
    return Page(days=days, earlier=notes[-1].pk if more else None, newest=before is None)
