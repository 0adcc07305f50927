from django.apps import AppConfig


class PhoneConfig(AppConfig):
    name = "walletdesk.phone"
    label = "phone"
    verbose_name = "Phone callbacks"
