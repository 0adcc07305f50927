from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisputesConfig(AppConfig):
    name = "walletdesk.disputes"
    label = "disputes"
    verbose_name = _("Refund requests")

    def ready(self) -> None:
        from . import receivers, tasks  # noqa: F401  (the expiry job; refunds made elsewhere)
