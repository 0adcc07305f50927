"""Leaner indexes on the ledger's write path (ADR 0121).

The foreign keys of Transaction and Posting lose their own single-column indexes: each is
either the leading column of a composite index already (customer, counterparty, merchant,
source, destination) or now has a partial index over the rows that set it (payment method,
parent, fee policy, promotion). Three composite indexes become partial the same way.

Django would apply ``db_index=False`` on SQLite by rebuilding the two tables, which copies
the whole ledger and drops the posting triggers that keep balances. The field changes are
therefore recorded in the migration state only; the database drops just the indexes, found
by their columns (their names are Django's, which differ by nothing but a hash).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from walletdesk.core import indexes


# (table, column) whose single-column index goes.
SINGLE = [("wallet_transaction", c) for c in (
    "customer_id", "counterparty_id", "merchant_id", "payment_method_id", "parent_id",
    "fee_policy_id", "promotion_id")] + [("wallet_posting", c) for c in ("source_id",
                                                                       "destination_id")]
# On PostgreSQL the unique public_id also had a second, non-unique index for LIKE 'prefix%'
# (Django's "_like" index); nothing looks transactions up by a prefix of it.
LIKE = ("wallet_transaction", "public_id")


def drop_indexes(apps, schema_editor):
    indexes.drop_single_column(schema_editor, [*SINGLE, LIKE])


def restore_indexes(apps, schema_editor):
    indexes.create_single_column(schema_editor, SINGLE)
    if schema_editor.connection.vendor == "postgresql":
        table, column = LIKE
        name = schema_editor._create_index_name(table, [column], suffix="_like")
        schema_editor.execute(f"CREATE INDEX {schema_editor.quote_name(name)} "
                              f"ON {schema_editor.quote_name(table)} "
                              f"({schema_editor.quote_name(column)} varchar_pattern_ops)")


class Migration(migrations.Migration):

    dependencies = [
        ('wallet', '0006_verbose_names'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='posting',
                    name='destination',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='wallet.ledgeraccount', verbose_name='to account'),
                ),
                migrations.AlterField(
                    model_name='posting',
                    name='source',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='wallet.ledgeraccount', verbose_name='from account'),
                ),
                migrations.AlterField(
                    model_name='transaction',
                    name='counterparty',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='received_transactions', to=settings.AUTH_USER_MODEL, verbose_name='counterparty'),
                ),
                migrations.AlterField(
                    model_name='transaction',
                    name='customer',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='transactions', to=settings.AUTH_USER_MODEL, verbose_name='customer'),
                ),
                migrations.AlterField(
                    model_name='transaction',
                    name='fee_policy',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, to='wallet.feepolicy', verbose_name='fee policy'),
                ),
                migrations.AlterField(
                    model_name='transaction',
                    name='merchant',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='transactions', to='wallet.merchant', verbose_name='merchant'),
                ),
                migrations.AlterField(
                    model_name='transaction',
                    name='parent',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='wallet.transaction', verbose_name='original transaction'),
                ),
                migrations.AlterField(
                    model_name='transaction',
                    name='payment_method',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, to='wallet.paymentmethod', verbose_name='payment method'),
                ),
                migrations.AlterField(
                    model_name='transaction',
                    name='promotion',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, to='wallet.promotion', verbose_name='promotion'),
                ),
            ],
            database_operations=[
                migrations.RunPython(drop_indexes, restore_indexes),
            ],
        ),
        migrations.RemoveIndex(
            model_name='transaction',
            name='txn_counterparty_recent',
        ),
        migrations.RemoveIndex(
            model_name='transaction',
            name='txn_merchant_recent',
        ),
        migrations.RemoveIndex(
            model_name='transaction',
            name='txn_pending_expiry',
        ),
        migrations.AddIndex(
            model_name='transaction',
            index=models.Index(condition=models.Q(('counterparty__isnull', False)), fields=['counterparty', '-created_at'], name='txn_counterparty_recent'),
        ),
        migrations.AddIndex(
            model_name='transaction',
            index=models.Index(condition=models.Q(('merchant__isnull', False)), fields=['merchant', '-created_at'], name='txn_merchant_recent'),
        ),
        migrations.AddIndex(
            model_name='transaction',
            index=models.Index(condition=models.Q(('expires_at__isnull', False)), fields=['status', 'expires_at'], name='txn_pending_expiry'),
        ),
        migrations.AddIndex(
            model_name='transaction',
            index=models.Index(condition=models.Q(('payment_method__isnull', False)), fields=['payment_method'], name='txn_payment_method'),
        ),
        migrations.AddIndex(
            model_name='transaction',
            index=models.Index(condition=models.Q(('parent__isnull', False)), fields=['parent'], name='txn_parent'),
        ),
        migrations.AddIndex(
            model_name='transaction',
            index=models.Index(condition=models.Q(('fee_policy__isnull', False)), fields=['fee_policy'], name='txn_fee_policy'),
        ),
        migrations.AddIndex(
            model_name='transaction',
            index=models.Index(condition=models.Q(('promotion__isnull', False)), fields=['promotion'], name='txn_promotion'),
        ),
    ]
