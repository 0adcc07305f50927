"""A card is linked once among a customer's linked cards (ADR 0129).

The fingerprint is a keyed HMAC of the full card number, which was never stored: the cards
linked before this migration cannot be fingerprinted and keep NULL, which the unique index
leaves out. Nothing is backfilled, so no existing row can conflict."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("wallet", "0008_one_default_card_per_kind"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="paymentmethod",
            name="fingerprint",
            field=models.CharField(blank=True, editable=False, max_length=64, null=True,
                                   verbose_name="card fingerprint"),
        ),
        migrations.AddConstraint(
            model_name="paymentmethod",
            constraint=models.UniqueConstraint(
                condition=models.Q(("fingerprint__isnull", False), ("removed_at__isnull", True)),
                fields=("owner", "fingerprint"), name="wallet_card_linked_once"),
        ),
    ]
