from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    name = "walletdesk.risk"
    label = "risk"
    verbose_name = _("Risk")

    def ready(self) -> None:
        from .models import RiskRule
        from .services import forget_rules

        # A rule saved in this process applies here at once (other processes: RULES_FOR).
        post_save.connect(forget_rules, sender=RiskRule, dispatch_uid="risk_rules_saved")
        post_delete.connect(forget_rules, sender=RiskRule, dispatch_uid="risk_rules_deleted")
