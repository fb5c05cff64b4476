"""Web pages of consumers: the search and the account's page (ledger and position).

Each view checks access, validates input, calls one service and answers. Every
queryset starts from a scoping selector, so another division's records are a 404.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.selectors import divisions_visible_to
from arrears.forms import ConsumerSearchForm
from arrears.models import Consumer
from arrears.selectors import consumers_paginator, consumers_search, ledger_visible_to
from arrears.split import consumer_split

CONSUMERS_PER_PAGE = 50
LEDGER_PER_PAGE = 25


# --- consumers ----------------------------------------------------------------------

@require_GET
@login_required
def consumer_list(request):
    divisions = list(divisions_visible_to(request.user))
    form = ConsumerSearchForm(request.GET or None, divisions=divisions)
    consumers = Consumer.objects.none()
    if form.is_valid():
        data = form.cleaned_data
        consumers = consumers_search(request.user, q=data["q"].strip(), status=data["status"],
                                     category_group=data["category_group"], division=data.get("division", ""))
    elif not request.GET:
        consumers = consumers_search(request.user)
    paginator = consumers_paginator(consumers, CONSUMERS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "arrears/consumer_list.html",
                  {"form": form, "page": page, "query": query.urlencode(), "searched": bool(request.GET)})


def consumer_page(request, consumer, *, payment_form=None, reconnection_due=None, extra: dict | None = None,
                  status: int = 200):
    """The account's page: position (the arrears as principal and surcharge today) and ledger, and the payment form
    when the caller gives one; for a disconnected consumer, where they stand towards the reconnection minimum
    (``reconnection_due``, which drives computes). ``extra``: what apps above add to it (notify's delivery trail,
    ``trail`` and ``phone_verified_at``)."""
    ledger = ledger_visible_to(request.user).filter(consumer=consumer).order_by("-entry_date", "-id")
    page = Paginator(ledger, LEDGER_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "arrears/consumer_detail.html",
                  {"consumer": consumer, "page": page, "form": payment_form, "reconnection_due": reconnection_due,
                   "split": consumer_split(consumer), **(extra or {})},
                  status=status)
