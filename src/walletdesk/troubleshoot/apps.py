from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TroubleshootConfig(AppConfig):
    name = "walletdesk.troubleshoot"
    label = "troubleshoot"
    verbose_name = _("Troubleshooters")
