from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackupsConfig(AppConfig):
    """Nightly copies of the database and the media, and the drill that proves one restores.

    Generic: it reads every table by introspection and imports no app above core, so a new app's
    tables are backed up and counted without a line here.
    """

    name = "backups"
    verbose_name = _("Backups")
