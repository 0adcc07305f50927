from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "walletdesk.casework"
    label = "casework"
    verbose_name = "Casework"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (completes actions when the customer finishes)
