from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "walletdesk.risk"
    label = "risk"
    verbose_name = "Risk"
