from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "walletdesk.notify"
    label = "notify"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from walletdesk.core.checks import outside_system

        from . import checks, conf, services, tasks  # noqa: F401  (registers the jobs and checks)
        from .services import push  # noqa: F401

        outside_system("SMS", "WALLETDESK_SMS_PROVIDER", lambda: conf.get().sms_provider)
