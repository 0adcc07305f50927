"""One default card per kind among a customer's linked cards (ADR 0127).

Before the constraint, any customer with two linked defaults of one kind (two first cards
linked at the same moment) keeps the most recently linked one as the default."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Count


def keep_the_newest_default(apps, schema_editor):  # type: ignore[no-untyped-def]
    PaymentMethod = apps.get_model("wallet", "PaymentMethod")
    live = PaymentMethod.objects.filter(is_default=True, removed_at__isnull=True)
    doubled = live.values("owner_id", "kind").annotate(n=Count("id")).filter(n__gt=1)
    for pair in doubled:
        cards = live.filter(owner_id=pair["owner_id"], kind=pair["kind"]).order_by("-created_at", "-id")
        PaymentMethod.objects.filter(pk__in=[c.pk for c in cards[1:]]).update(is_default=False)


class Migration(migrations.Migration):

    dependencies = [
        ("wallet", "0007_leaner_ledger_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(keep_the_newest_default, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="paymentmethod",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_default", True), ("removed_at__isnull", True)),
                fields=("owner", "kind"), name="wallet_one_default_card_per_kind"),
        ),
    ]
