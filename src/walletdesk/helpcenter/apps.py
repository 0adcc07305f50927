from django.apps import AppConfig


class HelpcenterConfig(AppConfig):
    name = "walletdesk.helpcenter"
    label = "helpcenter"
    verbose_name = "Helpcenter"
