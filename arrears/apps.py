from django.apps import AppConfig


class ArrearsConfig(AppConfig):
    name = "arrears"
    verbose_name = "Consumers and ledger"

    def ready(self):
        # The defaulter lists' admin lives in its own module (arrears/admin.py is the ledger's).
        from arrears import defaulter_admin  # noqa: F401
