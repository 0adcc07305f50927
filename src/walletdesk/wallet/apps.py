from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WalletConfig(AppConfig):
    name = "walletdesk.wallet"
    label = "wallet"
    verbose_name = _("Wallet")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from walletdesk.core.checks import outside_system

        from . import conf, fees

        outside_system("the payment network", "WALLETDESK_NETWORK_PROVIDER",
                       lambda: conf.get().network_provider)
        from .models import FeePolicy, Promotion

        for model in (FeePolicy, Promotion):
            post_save.connect(fees.forget_cached, sender=model, dispatch_uid=f"fees-{model.__name__}")
            post_delete.connect(fees.forget_cached, sender=model,
                                dispatch_uid=f"fees-{model.__name__}-del")
