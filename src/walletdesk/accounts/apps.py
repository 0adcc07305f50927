from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "walletdesk.accounts"
    label = "accounts"
    verbose_name = _("Accounts and security")

    def ready(self) -> None:
        from walletdesk.core.checks import outside_system

        from . import conf, tasks  # noqa: F401  (tasks registers the periodic jobs)

        outside_system("IP-to-place lookup", "WALLETDESK_GEO_PROVIDER", lambda: conf.get().geo_provider)
