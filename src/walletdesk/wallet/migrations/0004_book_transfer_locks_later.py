"""``wallet_book_transfer`` takes its row locks later (ADR 0005).

Migration 0003's version locked the accounts first and then wrote the
transaction, its event and its postings. Under many payments into one merchant
that row lock is the queue everyone waits in, so this version checks the
accounts without a lock (an account's kind, owner and currency never change),
writes the transaction and its event, and only then locks the accounts in id
order, checks the source's available balance and writes the postings. A
refused booking now raises ``account_available_gte_0`` (SQLSTATE 23514, the
name of the CHECK constraint that would refuse the posting anyway), which
rolls back the rows of step 2; the wallet turns it into ``insufficient_funds``.
It still returns ``-2``, with nothing written, when an id names another account.
"""

import importlib

from django.db import migrations

PREVIOUS = importlib.import_module("walletdesk.wallet.migrations.0003_book_transfer_function")

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
  -- 1. The ids name the accounts meant. An account's kind, owner and currency never
  --    change, so this needs no lock.
  FOR r IN SELECT id, kind, owner_id, merchant_id, method, currency
             FROM wallet_ledgeraccount
            WHERE id IN (p_src, p_dst, p_revenue, p_expense) LOOP
    IF r.currency <> p_currency THEN
      RETURN -2;
    ELSIF r.id = p_src THEN
      IF r.kind <> 'customer' OR r.owner_id IS DISTINCT FROM p_customer THEN RETURN -2; END IF;
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
  -- 2. The rows users see, written before any account is locked, so that a much-paid
  --    merchant's row stays locked for the postings and the commit only.
  INSERT INTO wallet_transaction (public_id, type, status, amount, fee, fee_before_promotion,
      currency, method, customer_id, counterparty_id, merchant_id, fee_policy_id, promotion_id,
      refunded_amount, note, network_ref, created_at, updated_at, completed_at)
    VALUES (p_public_id, p_type, 'completed', p_amount, p_fee, p_fee_before, p_currency,
      p_method, p_customer, p_counterparty, p_merchant, p_fee_policy, p_promotion, 0, p_note, '',
      p_at, p_at, p_at)
    RETURNING id INTO v_txn;
  INSERT INTO wallet_transactionevent (transaction_id, from_status, to_status, reason, detail, at)
    VALUES (v_txn, '', 'completed', 'created', '', p_at);
  -- 3. Lock the accounts in id order (ADR 0001's rule against deadlocks); the source
  --    must cover the amount and the fee. Refusing rolls back steps 2 and 3.
  FOR r IN SELECT id, balance - pending_out AS available FROM wallet_ledgeraccount
            WHERE id IN (p_src, p_dst, p_revenue, p_expense) ORDER BY id FOR UPDATE LOOP
    IF r.id = p_src THEN
      v_available := r.available;
    END IF;
  END LOOP;
  IF v_available < p_amount + p_fee THEN
    RAISE EXCEPTION 'account_available_gte_0: account % cannot cover %', p_src, p_amount + p_fee
      USING ERRCODE = '23514';
  END IF;
  -- 4. The postings: the triggers of migration 0002 move the balances.
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



def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PREVIOUS.PG_FORWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("wallet", "0003_book_transfer_function")]
    operations = [migrations.RunPython(forward, backward, elidable=False)]
