from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "walletdesk.casework"
    label = "casework"
    verbose_name = _("Agent actions")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (completes actions when the customer finishes)
