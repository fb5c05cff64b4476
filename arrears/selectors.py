"""Reads of consumers and their ledger, always for the user who asks."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.selectors import division_scope
from arrears.models import Consumer, LedgerEntry


def consumers_visible_to(user: User) -> QuerySet[Consumer]:
    return division_scope(Consumer.objects.select_related("division"), user)


def consumer_get(user: User, account_no: str) -> Consumer:
    """The consumer with this account number, if in the user's scope; else 404."""
    return get_object_or_404(consumers_visible_to(user), account_no=account_no)


def consumers_search(user: User, *, q: str = "", division: str = "", status: str = "",
                     category_group: str = "") -> QuerySet[Consumer]:
    consumers = consumers_visible_to(user)
    if division:
        consumers = consumers.filter(division__code=division)
    if status:
        consumers = consumers.filter(status=status)
    if category_group:
        consumers = consumers.filter(category_group=category_group)
    if q:
        consumers = consumers.filter(Q(account_no=q) | Q(name__icontains=q) | Q(phone=q) | Q(meter_no=q))
    return consumers


def ledger_visible_to(user: User) -> QuerySet[LedgerEntry]:
    return division_scope(LedgerEntry.objects.select_related("consumer", "created_by"), user,
                          field="consumer__division")


