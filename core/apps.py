from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared helpers every app stands on: money, India dates, exports, client addresses."""

    name = "core"
    verbose_name = "KESCO core"
