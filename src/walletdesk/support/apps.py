from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "walletdesk.support"
    label = "support"
    verbose_name = "Support"

    def ready(self) -> None:
        from walletdesk.directory import waits as directory_waits

        from . import waits

        directory_waits.register(waits.channel_estimate)
