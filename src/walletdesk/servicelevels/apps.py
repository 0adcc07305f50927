from django.apps import AppConfig


class ServiceLevelsConfig(AppConfig):
    name = "walletdesk.servicelevels"
    label = "servicelevels"
    verbose_name = "Service levels"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (a timer starts with every conversation)
