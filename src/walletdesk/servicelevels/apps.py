from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceLevelsConfig(AppConfig):
    name = "walletdesk.servicelevels"
    label = "servicelevels"
    verbose_name = _("Service levels")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (a timer starts with every conversation)
