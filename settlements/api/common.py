"""What the settlements API modules share: the permission class, bounds and help texts, small answers."""

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated

from accounts.permissions import may_view_settlements
from core.models import MONEY

ACCOUNT_NO_LENGTH = 12
DIVISION_CODE_LENGTH = 10

ACCOUNT_NO_HELP = "the consumer's account number (8 digits, leading zeros kept)"
NAME_HELP = "the consumer's name as billed (English or Hindi)"
PLAN_HELP = ("lump_sum (what the deposit leaves, paid in one go), instalments (N equal monthly instalments) or "
             "fixed_instalments (monthly instalments of a fixed amount, the last one what remains)")


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


class ViewsSettlements(IsAuthenticated):
    """Every operation here is for those who see settlements (accounts.permissions "view_settlements")."""

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and may_view_settlements(request.user)


SETTLEMENTS_PERMISSIONS = [ViewsSettlements]


def consumer_missing(account_no: str) -> NotFound:
    return NotFound(_("no consumer %(account_no)s in your division") % {"account_no": account_no})


class DueOutput(serializers.Serializer):
    number = serializers.IntegerField(help_text="0: the registration deposit, due on registration; then 1, 2, …")
    due_on = serializers.DateField(help_text="the day it falls due")
    amount = serializers.DecimalField(**MONEY, help_text="rupees due")
