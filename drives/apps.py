from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DrivesConfig(AppConfig):
    name = "drives"
    verbose_name = _("Disconnection drives")

    def ready(self):
        # Credits imported from the billing system settle stops and order reconnections as a counter
        # payment does. The ledger import announces them with a signal rather than calling drives:
        # imports stands above drives in the layout (core → … → imports → drives → payments) and
        # must not import it; arrears, below both, holds the signal.
        from arrears.signals import ledger_credited
        from drives.reconnections import ledger_credited_receive

        ledger_credited.connect(ledger_credited_receive, dispatch_uid="drives.ledger_credited")
