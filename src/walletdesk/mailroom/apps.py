from django.apps import AppConfig


class MailroomConfig(AppConfig):
    name = "walletdesk.mailroom"
    label = "mailroom"
    verbose_name = "Support by email"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (agent replies in email conversations go out by mail)
