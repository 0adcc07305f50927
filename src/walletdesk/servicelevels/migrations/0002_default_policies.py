"""Sensible defaults, editable in the admin: urgent 15 min / 4 h, high 30 min / 8 h,
normal 1 h / 24 h (business time of the conversation's region), warnings at 80 %."""

from typing import Any

from django.db import migrations

DEFAULTS = [(30, 15, 240), (20, 30, 480), (10, 60, 1440)]


def seed(apps: Any, schema_editor: Any) -> None:
    Policy = apps.get_model("servicelevels", "Policy")
    for priority, first, resolution in DEFAULTS:
        Policy.objects.get_or_create(priority=priority, defaults={
            "first_response_minutes": first, "resolution_minutes": resolution, "warn_percent": 80})


class Migration(migrations.Migration):
    dependencies = [("servicelevels", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
