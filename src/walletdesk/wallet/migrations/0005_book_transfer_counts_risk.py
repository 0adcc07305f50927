"""``wallet_book_transfer`` adds the booking to the customer's risk counter row (ADR 0046).

Two more arguments, the start of the customer's current hour and day (computed by the
caller on the customer's clock). After the transaction and its event are written, and
before any account is locked, the function adds one operation and its amount to the
customer's ``risk_riskcounter`` row with the same upsert as ``risk/counters.py``: the
velocity rules then read totals instead of counting past transactions. The lock order is
the counter row, then the accounts in id order, as in an interactive request, which locks
the counter row first. Everything else is migration 0004's function.
"""

import importlib

from django.db import migrations

PREVIOUS = importlib.import_module("walletdesk.wallet.migrations.0004_book_transfer_locks_later")

OLD_ARGS = ("text, text, bigint, bigint, bigint, text, text, bigint, bigint, bigint, bigint, "
            "bigint, text, timestamptz, bigint, bigint, bigint, bigint")

COUNT = """
  INSERT INTO risk_riskcounter AS c (user_id, currency, hour_start, hour_count, hour_amount,
      day_start, day_count, day_amount, misses)
    VALUES (p_customer, p_currency, p_hour, 1, p_amount, p_day, 1, p_amount, 0)
    ON CONFLICT (user_id, currency) DO UPDATE SET
      hour_count = CASE WHEN c.hour_start = excluded.hour_start
                        THEN c.hour_count + 1 ELSE 1 END,
      hour_amount = CASE WHEN c.hour_start = excluded.hour_start
                         THEN c.hour_amount + excluded.hour_amount ELSE excluded.hour_amount END,
      day_count = CASE WHEN c.day_start = excluded.day_start THEN c.day_count + 1 ELSE 1 END,
      day_amount = CASE WHEN c.day_start = excluded.day_start
                        THEN c.day_amount + excluded.day_amount ELSE excluded.day_amount END,
      misses = CASE WHEN c.day_start = excluded.day_start THEN c.misses ELSE 0 END,
      hour_start = excluded.hour_start, day_start = excluded.day_start;
"""

MARK = "  -- 3. Lock the accounts in id order"
assert MARK in PREVIOUS.PG_FORWARD
PG_FORWARD = (
    PREVIOUS.PG_FORWARD
    .replace("p_src bigint, p_dst bigint, p_revenue bigint, p_expense bigint\n)",
             "p_src bigint, p_dst bigint, p_revenue bigint, p_expense bigint,\n"
             "  p_hour timestamptz, p_day timestamptz\n)")
    .replace(MARK, "  -- 2b. The customer's risk counter row (ADR 0046), locked before any account."
             + COUNT + MARK))
assert "p_hour timestamptz" in PG_FORWARD


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS wallet_book_transfer({OLD_ARGS})",
                              params=None)
        schema_editor.execute(PG_FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS wallet_book_transfer({OLD_ARGS}, "
                              "timestamptz, timestamptz)", params=None)
        schema_editor.execute(PREVIOUS.PG_FORWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("wallet", "0004_book_transfer_locks_later"), ("risk", "0003_counter_rows")]
    operations = [migrations.RunPython(forward, backward, elidable=False)]
