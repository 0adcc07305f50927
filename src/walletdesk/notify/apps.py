from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "walletdesk.notify"
    label = "notify"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from . import checks, services, tasks  # noqa: F401  (registers the jobs and checks)
        from .services import push  # noqa: F401
