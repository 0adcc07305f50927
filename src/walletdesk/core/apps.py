from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "walletdesk.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from . import checks, jobs  # noqa: F401  (registers the core jobs and checks)

        autodiscover_modules("tasks")
