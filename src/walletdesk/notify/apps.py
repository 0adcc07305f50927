from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "walletdesk.notify"
    label = "notify"
    verbose_name = "Notify"

    def ready(self) -> None:
        from . import checks, push, services, tasks  # noqa: F401  (registers the jobs and checks)
