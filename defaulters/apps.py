from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DefaultersConfig(AppConfig):
    name = "defaulters"
    verbose_name = _("Nightly defaulter lists")
