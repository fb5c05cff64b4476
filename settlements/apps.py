from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SettlementsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "settlements"
    verbose_name = _("Settlements")

    def ready(self):
        # Every credit (a payment, an adjustment) is applied to the consumer's live schedule at once; arrears,
        # below settlements in the layout, announces it (arrears.signals.ledger_credited).
        from arrears.signals import ledger_credited
        from settlements.services import ledger_credited_receive

        ledger_credited.connect(ledger_credited_receive, dispatch_uid="settlements.ledger_credited")
