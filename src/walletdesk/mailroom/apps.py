from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailroomConfig(AppConfig):
    name = "walletdesk.mailroom"
    label = "mailroom"
    verbose_name = _("Support by email")

    def ready(self) -> None:
        from . import checks, signals  # noqa: F401  (deploy checks; agent replies go out by mail)
