from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "walletdesk.support"
    label = "support"
    verbose_name = "Support"
