from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "walletdesk.accounts"
    label = "accounts"
    verbose_name = "Accounts"
