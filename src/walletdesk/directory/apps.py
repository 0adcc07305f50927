from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "walletdesk.directory"
    label = "directory"
    verbose_name = "Directory"
