from django.apps import AppConfig


class MailroomConfig(AppConfig):
    name = "walletdesk.mailroom"
    label = "mailroom"
    verbose_name = "Support by email"

    def ready(self) -> None:
        from . import checks, signals  # noqa: F401  (deploy checks; agent replies go out by mail)
