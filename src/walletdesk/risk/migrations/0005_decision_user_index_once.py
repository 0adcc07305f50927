"""The decisions' user_id loses its own index: riskdecision_user_at leads with it (ADR 0121).
The field changes in the migration state only; see ``walletdesk.core.indexes``."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from walletdesk.core import indexes

DROP, RESTORE = indexes.operations([("risk_riskdecision", "user_id")])


class Migration(migrations.Migration):

    dependencies = [
        ('risk', '0004_verbose_names'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='riskdecision',
                    name='user',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='risk_decisions', to=settings.AUTH_USER_MODEL, verbose_name='user'),
                ),
            ],
            database_operations=[migrations.RunPython(DROP, RESTORE)],
        ),
    ]
