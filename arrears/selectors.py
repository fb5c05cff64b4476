"""Reads of consumers and their ledger, always for the user who asks."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.selectors import division_scope
from arrears.models import Consumer, LedgerEntry
from core.pagination import FirstMatchesPaginator

# A search or list of consumers, on the page and through the API, pages through its first thousand (twenty
# pages, the biggest arrears first) and counts no further: counting every match of "Sharma" among a million
# consumers, or paging deep into them, costs more than anyone reads.
CONSUMERS_LISTED = 1_000
# Up to this many matches are read and put in order by id; more, and the ordered query's own index does it.
CONSUMERS_GATHERED = 5_000


def consumers_visible_to(user: User) -> QuerySet[Consumer]:
    return division_scope(Consumer.objects.select_related("division"), user)


def consumer_get(user: User, account_no: str) -> Consumer:
    """The consumer with this account number, if in the user's scope; else 404."""
    return get_object_or_404(consumers_visible_to(user), account_no=account_no)


def consumers_search(user: User, *, q: str = "", division: str = "", status: str = "",
                     category_group: str = "") -> QuerySet[Consumer]:
    """The user's consumers matching the filters, highest arrears first, then by account number (a page
    of them read off consumer_division_arrears for one division, consumer_arrears for all)."""
    consumers = consumers_visible_to(user)
    if division:
        consumers = consumers.filter(division__code=division)
    if status:
        consumers = consumers.filter(status=status)
    if category_group:
        consumers = consumers.filter(category_group=category_group)
    if q:
        consumers = consumers.filter(consumer_match(q))
    return consumers.order_by("-arrears", "account_no")


def consumers_paginator(consumers: QuerySet[Consumer], per_page: int) -> FirstMatchesPaginator:
    """The pages of a search or list of consumers (consumers_search): the first CONSUMERS_LISTED, counted no
    further, on the page and through the API alike."""
    return FirstMatchesPaginator(consumers, per_page, listed=CONSUMERS_LISTED, gathered=CONSUMERS_GATHERED)


def consumer_match(q: str) -> Q:
    """What a search for ``q`` finds, each an index lookup at a million consumers.

    Names have no digits and account, phone and meter numbers do: with a digit ``q`` is one of those
    numbers, matched exactly (spaces and dashes as typed are ignored): the unique account number and
    consumer_numbers (phone and meter_no). Else it is part of a name, in any case and script:
    ``UPPER(name) LIKE UPPER('%q%')``, which the trigram index consumer_name_trgm on UPPER(name)
    answers; one or two letters are the start of a word.
    """
    if any(ch.isdigit() for ch in q):
        numbers = {q, "".join(ch for ch in q if ch not in " -")}
        return Q(account_no__in=numbers) | Q(phone__in=numbers) | Q(meter_no__in=numbers)
    if len(q) < 3:
        # Too short for a trigram, and inside words it matches nearly everyone: the start of a word
        # ("Ra": Ram, Rakesh; "रा": राम), whose leading blank makes a trigram the same index reads.
        return Q(name__istartswith=q) | Q(name__icontains=f" {q}")
    return Q(name__icontains=q)


def ledger_visible_to(user: User) -> QuerySet[LedgerEntry]:
    return division_scope(LedgerEntry.objects.select_related("consumer", "created_by"), user,
                          field="consumer__division")


