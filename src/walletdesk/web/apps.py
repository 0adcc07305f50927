from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "walletdesk.web"
    label = "web"
    verbose_name = "Web"
