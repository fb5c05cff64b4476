"""What pages, the API and reports read of recovery, always starting from the user who asks (accounts.selectors)."""

from django.db.models import QuerySet

from accounts.selectors import division_scope
from recovery.models import DemandNotice, PermanentDisconnection, RecoveryCertificate


def pd_visible_to(user) -> QuerySet[PermanentDisconnection]:
    """The open spells of permanent disconnection in the user's division (HQ and IT: all), oldest cut first
    (index pd_division_open)."""
    return division_scope(PermanentDisconnection.objects.filter(ended_on__isnull=True)
                          .select_related("consumer", "division"), user).order_by("disconnected_at", "id")


def demand_notices_visible_to(user) -> QuerySet[DemandNotice]:
    return division_scope(DemandNotice.objects.select_related("consumer__division", "division", "issued_by"), user)


def rcs_visible_to(user) -> QuerySet[RecoveryCertificate]:
    return division_scope(RecoveryCertificate.objects.select_related(
        "consumer__division", "division", "demand_notice", "raised_by", "payment"), user)
