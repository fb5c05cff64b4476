from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Dashboards and reports")

    def ready(self):
        from imports.models import ImportKind
        from imports.pipeline.registry import register
        from reports.targets import targets_import, targets_present

        # targets.csv goes through the imports app's upload page and command; imports may not import reports.
        register(ImportKind.TARGETS, targets_import, present=targets_present)
