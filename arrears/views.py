"""Web pages of consumers: the search and the account's page (ledger and position).

Each view checks access, validates input, calls one service and answers. Every
queryset starts from a scoping selector, so another division's records are a 404.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.functional import cached_property
from django.views.decorators.http import require_GET

from accounts.selectors import divisions_visible_to
from arrears.forms import ConsumerSearchForm
from arrears.models import Consumer
from arrears.selectors import consumers_search, ledger_visible_to

CONSUMERS_PER_PAGE = 50
# A search or list shows its first thousand consumers (twenty pages, the biggest arrears first): counting
# every match of "Sharma" among a million consumers, or paging deep into them, costs more than anyone reads.
CONSUMERS_LISTED = 1_000
LEDGER_PER_PAGE = 25


class FirstMatchesPaginator(Paginator):
    """Pages through the first ``listed`` rows of an ordered queryset. The count stops at ``listed`` + 1
    (``COUNT(*)`` over a ``LIMIT``, in no order: any rows will do), so it costs at most that many rows
    however many match; ``capped``: there are more than ``listed``."""

    def __init__(self, object_list, per_page: int, *, listed: int):
        super().__init__(object_list, per_page)
        self.listed = listed

    @cached_property
    def matches(self) -> int:
        return self.object_list.order_by()[: self.listed + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.matches, self.listed)

    @property
    def capped(self) -> bool:
        return self.matches > self.listed


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
    page = FirstMatchesPaginator(consumers, CONSUMERS_PER_PAGE, listed=CONSUMERS_LISTED).get_page(
        request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "arrears/consumer_list.html",
                  {"form": form, "page": page, "query": query.urlencode(), "searched": bool(request.GET)})


def consumer_page(request, consumer, *, payment_form=None, status: int = 200):
    """The account's page: position and ledger, and the payment form when the caller gives one."""
    ledger = ledger_visible_to(request.user).filter(consumer=consumer).order_by("-entry_date", "-id")
    page = Paginator(ledger, LEDGER_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "arrears/consumer_detail.html",
                  {"consumer": consumer, "page": page, "form": payment_form}, status=status)
