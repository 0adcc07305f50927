from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "walletdesk.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from . import tasks  # noqa: F401  (registers the periodic jobs)
