"""Time the wait-forecast job over a large history (PostgreSQL scratch database only).

    WALLETDESK_DATABASE_URL=postgres://.../scratch walletdesk migrate
    WALLETDESK_DATABASE_URL=postgres://.../scratch walletdesk bench_forecast --count 1000000

It fills ``support_conversation`` with ``--count`` finished chat and email
conversations over the last nine weeks in one ``INSERT ... SELECT
generate_series`` (the demo directory is seeded first), then runs
``services.refresh_forecast()`` twice and prints the time of each run and the rows
written. It refuses a database that holds conversations it did not make.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from walletdesk.core import clock

PREFIX = "BENCHFC"

INSERT = """
INSERT INTO support_conversation
  (reference, channel, topic, skill, language, region, priority, status, transaction_public_id,
   description, context, guest_contact, guest_key_hash, after_hours, callback_requested,
   last_seq, customer_read_seq, agent_read_seq, rating_comment, created_at, queued_at,
   assigned_at, first_response_at, updated_at)
SELECT %(prefix)s || lpad(i::text, 9, '0'),
       CASE WHEN i %% 4 = 0 THEN 'email' ELSE 'chat' END, 'general', 'general',
       CASE WHEN i %% 3 = 0 THEN 'en' ELSE 'zh-hans' END,
       (ARRAY['CN', 'HK', 'SG', 'INTL'])[1 + i %% 4 / 2 + (i / 7) %% 2 * 2],
       2, 'closed', '', '', '{}'::jsonb, '', '', false, false, 0, 0, 0, '', t, t,
       CASE WHEN i %% 4 = 0 THEN NULL ELSE t + make_interval(secs => 20 + (i * 7919) %% 900) END,
       CASE WHEN i %% 4 = 0 THEN t + make_interval(secs => 600 + (i * 7919) %% 7200) END, t
FROM (SELECT i, %(now)s::timestamptz - make_interval(secs => (i * 104729) %% (63 * 86400)) AS t
      FROM generate_series(1::bigint, %(count)s::bigint) AS i) AS g
"""


class Command(BaseCommand):
    help = "Time the wait-forecast job over a large generated history (scratch PostgreSQL)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--count", type=int, default=1_000_000)

    def handle(self, *args: Any, **options: Any) -> None:
        from walletdesk.directory import demo, services
        from walletdesk.support.models import Conversation

        if connection.vendor != "postgresql":
            raise CommandError("bench_forecast needs a scratch PostgreSQL database")
        if Conversation.objects.exclude(reference__startswith=PREFIX).exists():
            raise CommandError("this database holds real conversations: use a scratch database")
        demo.seed()
        count = int(options["count"])
        have = Conversation.objects.filter(reference__startswith=PREFIX).count()
        if have != count:
            Conversation.objects.filter(reference__startswith=PREFIX).delete()
            started = time.perf_counter()
            with connection.cursor() as cur:
                cur.execute(INSERT, {"prefix": PREFIX, "now": clock.now(), "count": count})
                cur.execute("ANALYZE support_conversation")
            self.stdout.write(f"inserted {count} conversations in {time.perf_counter() - started:.1f} s")
        for run in (1, 2):
            started = time.perf_counter()
            rows = services.refresh_forecast()
            self.stdout.write(f"refresh {run}: {rows} forecast rows in "
                              f"{time.perf_counter() - started:.1f} s")
