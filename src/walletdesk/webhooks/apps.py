from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "walletdesk.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from . import signals, tasks  # noqa: F401  (connect receivers, register jobs)

        signals.connect_optional()
