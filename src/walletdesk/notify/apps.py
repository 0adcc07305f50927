from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "walletdesk.notify"
    label = "notify"
    verbose_name = "Notify"
