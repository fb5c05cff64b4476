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

        # The defaulter list, above settlements, still lists the consumers kept from a cut (the law's threshold)
        # and asks how to mark them: in OTS, on a plan, promised to pay.
        from defaulters.signals import defaulter_marks
        from settlements.selectors import defaulter_marks_receive

        defaulter_marks.connect(defaulter_marks_receive, dispatch_uid="settlements.defaulter_marks")
