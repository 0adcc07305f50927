"""Browser sessions move to a table of their own that names, in columns, the user and device
their signed data names (ADR 0122). Live sessions are copied over: nobody is signed out by the
upgrade."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def copy_live_sessions(apps, schema_editor):
    # Django's own database store: the same signing salt as accounts.sessions.SessionStore.
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    db = schema_editor.connection.alias
    old = apps.get_model("sessions", "Session")
    new = apps.get_model("accounts", "BrowserSession")
    user_model = apps.get_model("accounts", "User")
    decoder = SessionStore()
    rows = []
    for row in old.objects.using(db).filter(expire_date__gt=timezone.now()).iterator():
        data = decoder.decode(row.session_data)
        if not data:
            continue  # unreadable: it would have loaded nothing
        try:
            user_id = int(data["_auth_user_id"])
        except (KeyError, TypeError, ValueError):
            user_id = None
        device = data.get("device_session")
        try:
            device_pk, epoch = (int(device[0]), int(device[1])) if (
                isinstance(device, list) and len(device) == 2) else (None, None)
        except (TypeError, ValueError):
            device_pk, epoch = None, None
        rows.append(new(session_key=row.session_key, session_data=row.session_data,
                        expire_date=row.expire_date, user_id=user_id, device_pk=device_pk,
                        device_epoch=epoch))
    known = set(user_model.objects.using(db).filter(
        pk__in={r.user_id for r in rows if r.user_id is not None}).values_list("pk", flat=True))
    for r in rows:
        if r.user_id not in known:
            r.user_id = None  # a deleted user's session: it loads no user either way
    new.objects.using(db).bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0009_verbose_names'),
        ('sessions', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='BrowserSession',
            fields=[
                ('session_key', models.CharField(max_length=40, primary_key=True, serialize=False, verbose_name='session key')),
                ('session_data', models.TextField(verbose_name='session data')),
                ('expire_date', models.DateTimeField(db_index=True, verbose_name='expire date')),
                ('device_pk', models.BigIntegerField(blank=True, null=True)),
                ('device_epoch', models.BigIntegerField(blank=True, null=True)),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'browser session',
                'db_table': 'accounts_session',
            },
        ),
        migrations.RunPython(copy_live_sessions, migrations.RunPython.noop),
    ]
