"""One round trip for a balance transfer or payment on PostgreSQL (ADR 0005).

``wallet_book_transfer`` locks the accounts in id order, checks that each
locked row is the account the caller meant (its kind, owner and currency:
the caller's id hints may be stale), checks the available balance, and writes
the transaction, its first event and its postings. The rules of ADR 0001 stay
where they were: the posting triggers still move the balances, refuse a
currency mismatch and keep the journal append-only, and the CHECK constraints
still refuse an overdraft. The function only saves the round trips and the
per-call SQL compilation of the ORM.

It returns the new transaction's id, ``-1`` when the source cannot cover the
amount and the fee (nothing written), or ``-2`` when an id does not name the
expected account (nothing written; the caller looks the accounts up again).

SQLite has no stored procedures; there ``wallet.services.booking`` runs the same
statements in one IMMEDIATE transaction.
"""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION wallet_book_transfer(
  p_public_id text, p_type text, p_customer bigint, p_counterparty bigint, p_merchant bigint,
  p_currency text, p_method text, p_amount bigint, p_fee bigint, p_fee_before bigint,
  p_fee_policy bigint, p_promotion bigint, p_note text, p_at timestamptz,
  p_src bigint, p_dst bigint, p_revenue bigint, p_expense bigint
) RETURNS bigint AS $$
DECLARE
  r record;
  v_seen int := 0;
  v_wanted int;
  v_available bigint;
  v_txn bigint;
BEGIN
  v_wanted := 2 + (p_revenue IS NOT NULL)::int + (p_expense IS NOT NULL)::int;
  FOR r IN SELECT id, kind, owner_id, merchant_id, method, currency,
                  balance - pending_out AS available
             FROM wallet_ledgeraccount
            WHERE id IN (p_src, p_dst, p_revenue, p_expense)
            ORDER BY id FOR UPDATE LOOP
    IF r.currency <> p_currency THEN
      RETURN -2;
    ELSIF r.id = p_src THEN
      IF r.kind <> 'customer' OR r.owner_id IS DISTINCT FROM p_customer THEN RETURN -2; END IF;
      v_available := r.available;
    ELSIF r.id = p_dst THEN
      IF p_merchant IS NULL AND (r.kind <> 'customer'
                                 OR r.owner_id IS DISTINCT FROM p_counterparty) THEN
        RETURN -2;
      END IF;
      IF p_merchant IS NOT NULL AND (r.kind <> 'merchant'
                                     OR r.merchant_id IS DISTINCT FROM p_merchant) THEN
        RETURN -2;
      END IF;
    ELSIF r.id = p_revenue THEN
      IF r.kind <> 'fee_revenue' OR r.owner_id IS NOT NULL OR r.merchant_id IS NOT NULL
         OR r.method <> '' THEN RETURN -2; END IF;
    ELSIF r.id = p_expense THEN
      IF r.kind <> 'promotion_expense' OR r.owner_id IS NOT NULL OR r.merchant_id IS NOT NULL
         OR r.method <> '' THEN RETURN -2; END IF;
    END IF;
    v_seen := v_seen + 1;
  END LOOP;
  IF v_seen <> v_wanted THEN
    RETURN -2;
  END IF;
  IF v_available < p_amount + p_fee THEN
    RETURN -1;
  END IF;
  INSERT INTO wallet_transaction (public_id, type, status, amount, fee, fee_before_promotion,
      currency, method, customer_id, counterparty_id, merchant_id, fee_policy_id, promotion_id,
      refunded_amount, note, network_ref, created_at, updated_at, completed_at)
    VALUES (p_public_id, p_type, 'completed', p_amount, p_fee, p_fee_before, p_currency,
      p_method, p_customer, p_counterparty, p_merchant, p_fee_policy, p_promotion, 0, p_note, '',
      p_at, p_at, p_at)
    RETURNING id INTO v_txn;
  INSERT INTO wallet_transactionevent (transaction_id, from_status, to_status, reason, detail, at)
    VALUES (v_txn, '', 'completed', 'created', '', p_at);
  INSERT INTO wallet_posting (transaction_id, source_id, destination_id, amount, currency, kind,
      created_at)
    VALUES (v_txn, p_src, p_dst, p_amount, p_currency, 'principal', p_at);
  IF p_fee > 0 THEN
    INSERT INTO wallet_posting (transaction_id, source_id, destination_id, amount, currency,
        kind, created_at)
      VALUES (v_txn, p_src, p_revenue, p_fee, p_currency, 'fee', p_at);
  END IF;
  IF p_fee_before > p_fee THEN
    INSERT INTO wallet_posting (transaction_id, source_id, destination_id, amount, currency,
        kind, created_at)
      VALUES (v_txn, p_expense, p_revenue, p_fee_before - p_fee, p_currency, 'promotion', p_at);
  END IF;
  RETURN v_txn;
END $$ LANGUAGE plpgsql;
"""

PG_BACKWARD = """
DROP FUNCTION IF EXISTS wallet_book_transfer(text, text, bigint, bigint, bigint, text, text,
  bigint, bigint, bigint, bigint, bigint, text, timestamptz, bigint, bigint, bigint, bigint);
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("wallet", "0002_ledger_triggers")]
    operations = [migrations.RunPython(forward, backward, elidable=False)]
