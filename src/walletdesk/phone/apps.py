from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PhoneConfig(AppConfig):
    name = "walletdesk.phone"
    label = "phone"
    verbose_name = _("Phone callbacks")

    def ready(self) -> None:
        from walletdesk.core.checks import outside_system

        from . import conf

        outside_system("telephony", "WALLETDESK_TELEPHONY_PROVIDER", lambda: conf.get().telephony_provider)
