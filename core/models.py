"""Shared model parts: the source of a change, the code field, idempotency keys, translated history."""

from django.conf import settings
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

MONEY = {"max_digits": 14, "decimal_places": 2}


class CodeField(models.CharField):
    """A code (account number, entry kind, reference) compared byte by byte: collation "C"
    on PostgreSQL. Equality is the same under any collation; sorting and building an
    index on 20 million references is several times faster without a language's rules.
    """

    def db_parameters(self, connection):
        parameters = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            parameters["collation"] = "C"
        return parameters


class Source(models.TextChoices):
    """Through what a change came: kept on every money or status change."""

    WEB = "web", _("web")
    API = "api", _("API")
    IMPORT = "import", _("import")
    TASK = "task", _("task")
    ADMIN = "admin", _("admin")
    COMMAND = "command", _("command")
    # Money recovered as arrears of land revenue under a recovery certificate (recovery.services).
    RC = "rc", _("recovery certificate")


class IdempotencyKey(models.Model):
    """A POST's `Idempotency-Key`: the same key and body replays the first answer."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    operation = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Made by accounts' migration 0002; the model moved here with core (no data moved).
        db_table = "accounts_idempotencykey"
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_user_key_unique")]


class History(HistoricalRecords):
    """django-simple-history's HistoricalRecords, with the history's name in the page's language:
    "consumer (history)" / "उपभोक्ता (इतिहास)" (the library fixes its English "historical consumer"
    when the model loads)."""

    def get_meta_options(self, model):
        options = super().get_meta_options(model)
        if not self.user_set_verbose_name:
            options["verbose_name"] = format_lazy(_("{} (history)"), model._meta.verbose_name)
        if not self.user_set_verbose_name_plural:
            options["verbose_name_plural"] = format_lazy(_("{} (history)"), model._meta.verbose_name_plural)
        return options
