"""The notifications' user_id loses its own index: notify_notif_user_created,
notify_notif_user_unread and the unique (user, source) all lead with it (as ADR 0121 did for
the ledger). The field changes in the migration state only; see ``walletdesk.core.indexes``."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from walletdesk.core import indexes

DROP, RESTORE = indexes.operations([("notify_notification", "user_id")])


class Migration(migrations.Migration):

    dependencies = [
        ('notify', '0003_verbose_names'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='notification',
                    name='user',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL),
                ),
            ],
            database_operations=[migrations.RunPython(DROP, RESTORE)],
        ),
    ]
