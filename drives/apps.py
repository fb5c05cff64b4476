from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DrivesConfig(AppConfig):
    name = "drives"
    verbose_name = _("Disconnection drives")

    def ready(self):
        # Every credit (a payment, an adjustment, the billing system's import) settles stops and orders
        # reconnections. Its writers announce it with a signal rather than calling drives: arrears and
        # imports stand below drives in the layout (core → … → imports → drives → payments) and must not
        # import it; arrears, below both, holds the signal.
        from arrears.signals import ledger_credited
        from drives import theft
        from drives.reconnections import ledger_credited_receive

        ledger_credited.connect(ledger_credited_receive, dispatch_uid="drives.ledger_credited")
        # And pays off assessed theft cases (drives.theft.theft_cases_settle_paid).
        ledger_credited.connect(theft.ledger_credited_receive, dispatch_uid="drives.theft_credited")
