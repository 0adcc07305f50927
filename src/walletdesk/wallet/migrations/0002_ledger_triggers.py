"""Database-enforced ledger rules (ADR 0001).

* Every posting updates the balances of its two accounts in the same
  statement, so ``balance`` always equals the sum of postings; the CHECK
  constraint ``account_available_gte_0`` then refuses any posting that would
  take an account below zero.
* A posting's currency must be the currency of both accounts.
* Postings are append-only: UPDATE and DELETE are refused.
"""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION wallet_posting_apply() RETURNS trigger AS $$
BEGIN
  UPDATE wallet_ledgeraccount SET balance = balance - NEW.amount
   WHERE id = NEW.source_id AND currency = NEW.currency;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'posting_currency_mismatch: source % is not in %', NEW.source_id, NEW.currency
      USING ERRCODE = '23514';
  END IF;
  UPDATE wallet_ledgeraccount SET balance = balance + NEW.amount
   WHERE id = NEW.destination_id AND currency = NEW.currency;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'posting_currency_mismatch: destination % is not in %', NEW.destination_id, NEW.currency
      USING ERRCODE = '23514';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER wallet_posting_apply AFTER INSERT ON wallet_posting
  FOR EACH ROW EXECUTE FUNCTION wallet_posting_apply();
CREATE OR REPLACE FUNCTION wallet_posting_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'postings_append_only' USING ERRCODE = '23514';
END $$ LANGUAGE plpgsql;
CREATE TRIGGER wallet_posting_append_only BEFORE UPDATE OR DELETE ON wallet_posting
  FOR EACH ROW EXECUTE FUNCTION wallet_posting_append_only();
"""

PG_BACKWARD = """
DROP TRIGGER IF EXISTS wallet_posting_append_only ON wallet_posting;
DROP TRIGGER IF EXISTS wallet_posting_apply ON wallet_posting;
DROP FUNCTION IF EXISTS wallet_posting_append_only();
DROP FUNCTION IF EXISTS wallet_posting_apply();
"""

SQLITE_FORWARD = [
    """
CREATE TRIGGER wallet_posting_apply AFTER INSERT ON wallet_posting
BEGIN
  SELECT RAISE(ABORT, 'posting_currency_mismatch')
   WHERE (SELECT currency FROM wallet_ledgeraccount WHERE id = NEW.source_id) IS NOT NEW.currency
      OR (SELECT currency FROM wallet_ledgeraccount WHERE id = NEW.destination_id) IS NOT NEW.currency;
  UPDATE wallet_ledgeraccount SET balance = balance - NEW.amount WHERE id = NEW.source_id;
  UPDATE wallet_ledgeraccount SET balance = balance + NEW.amount WHERE id = NEW.destination_id;
END;
""",
    """
CREATE TRIGGER wallet_posting_no_update BEFORE UPDATE ON wallet_posting
BEGIN
  SELECT RAISE(ABORT, 'postings_append_only');
END;
""",
    """
CREATE TRIGGER wallet_posting_no_delete BEFORE DELETE ON wallet_posting
BEGIN
  SELECT RAISE(ABORT, 'postings_append_only');
END;
""",
]

SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS wallet_posting_no_delete;",
    "DROP TRIGGER IF EXISTS wallet_posting_no_update;",
    "DROP TRIGGER IF EXISTS wallet_posting_apply;",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # params=None: the PL/pgSQL text holds RAISE's own % placeholders.
        schema_editor.execute(PG_FORWARD, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)
    else:
        raise RuntimeError(f"walletdesk supports PostgreSQL and SQLite, not {vendor}")


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = [PG_BACKWARD] if vendor == "postgresql" else SQLITE_BACKWARD
    for statement in statements:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("wallet", "0001_initial")]
    operations = [migrations.RunPython(forward, backward, elidable=False)]
