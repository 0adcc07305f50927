"""Independent reads of one request sent to the database together (issue #16).

A page that needs several unrelated reads (the wallet home: its recent rows, open payment
requests, balances, holds and the bell's count) used to run them one after another, each a
round trip: the request's thread sends a statement, gives up the interpreter, waits, wakes
and parses, five times over. On PostgreSQL ``run`` sends them all at once in psycopg's
pipeline mode and then reads their results in order: one round trip, and the server reads and
answers them in one go. Measured on the bench database (small indexed reads over loopback,
psycopg alone): five reads, client CPU about 300 → 235 µs, PostgreSQL's 225 → 150 µs and the
time to the last answer 590 → 340 µs.

What stays as it was: each read is its own statement, with its own parameters and its own
snapshot (READ COMMITTED), counted once by Django's query capture. Outside a transaction the
reads share one implicit transaction that ends at the pipeline's Sync; inside one they run in
it. An error in one read raises as it would have alone (wrapped as Django's
``DatabaseError``) and the reads after it are not run. SQLite (and any other backend) runs
them one by one.

A ``Read`` is the statement, its parameters and ``finish``, which turns the fetched rows
into the caller's value (model instances, a count, dataclasses).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections

T = TypeVar("T")

# Fewer reads go one by one: entering and leaving pipeline mode costs the client about what a
# round trip does (two reads of the history API: client CPU +5 to +20 %, measured in process).
PIPELINE_FROM = 3


@dataclass(frozen=True, slots=True)
class Read(Generic[T]):
    sql: str
    params: Sequence[Any]
    finish: Callable[[list[Any]], T]


def one(read: Read[T], using: str = DEFAULT_DB_ALIAS) -> T:
    """``read`` alone."""
    with connections[using].cursor() as cursor:
        cursor.execute(read.sql, read.params)
        return read.finish(cursor.fetchall())


def run(*reads: Read[Any], using: str = DEFAULT_DB_ALIAS) -> list[Any]:
    """Each read's value, in order; on PostgreSQL in one round trip."""
    conn = connections[using]
    if (conn.vendor != "postgresql" or len(reads) < PIPELINE_FROM
            or not psycopg.Pipeline.is_supported()):
        return [one(read, using) for read in reads]
    conn.ensure_connection()
    cursors = [conn.cursor() for _ in reads]
    try:
        with conn.wrap_database_errors, conn.connection.pipeline() as pipeline:
            for cursor, read in zip(cursors, reads, strict=True):
                cursor.execute(read.sql, read.params)
            # The statements and a Sync go out together and every answer comes back in one
            # round trip (fetching first would ask for the answers, then leaving the pipeline
            # would send its Sync and wait again).
            pipeline.sync()
            fetched = [cursor.fetchall() for cursor in cursors]
    finally:
        for cursor in cursors:
            cursor.close()
    return [read.finish(rows) for read, rows in zip(reads, fetched, strict=True)]
