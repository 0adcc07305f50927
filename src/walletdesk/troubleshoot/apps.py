from django.apps import AppConfig


class TroubleshootConfig(AppConfig):
    name = "walletdesk.troubleshoot"
    label = "troubleshoot"
    verbose_name = "Troubleshooters"
