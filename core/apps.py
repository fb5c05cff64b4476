from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared helpers every app stands on: money, India dates, exports, client addresses."""

    name = "core"
    verbose_name = _("KESCO core")
