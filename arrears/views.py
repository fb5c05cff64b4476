"""Web pages of consumers: the search and the account's page (ledger and position).

Each view checks access, validates input, calls one service and answers. Every
queryset starts from a scoping selector, so another division's records are a 404.
"""

from operator import itemgetter

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.functional import cached_property
from django.views.decorators.http import require_GET

from accounts.selectors import divisions_visible_to
from arrears.forms import ConsumerSearchForm
from arrears.models import Consumer
from arrears.selectors import consumers_search, ledger_visible_to
from arrears.split import consumer_split

CONSUMERS_PER_PAGE = 50
# A search or list shows its first thousand consumers (twenty pages, the biggest arrears first): counting
# every match of "Sharma" among a million consumers, or paging deep into them, costs more than anyone reads.
CONSUMERS_LISTED = 1_000
# Up to this many matches are read and put in order by id; more, and the ordered query's own index does it.
CONSUMERS_GATHERED = 5_000
LEDGER_PER_PAGE = 25


class FirstMatchesPaginator(Paginator):
    """Pages through the first ``listed`` rows of an ordered queryset, never counting further.

    First up to ``gathered`` + 1 matches, in whatever order is quickest (``LIMIT`` on the bare filter:
    part of a name read once off its index), with the fields the queryset is ordered by. If that is all
    of them they are sorted here and pages are read by id: a name matching 3,000 consumers is never
    looked for along the arrears index, where they may lie anywhere. If there are more, matches are
    common and the ordered queryset's index meets a page of them soon: pages come from it.
    ``capped``: more than ``listed``. The order's fields must compare in Python as in the database
    (numbers, dates, codes collated "C": arrears, account no.).
    """

    def __init__(self, queryset, per_page: int, *, listed: int, gathered: int):
        order = [(name.lstrip("-"), name.startswith("-")) for name in queryset.query.order_by]
        rows = list(queryset.order_by().values_list("pk", *[name for name, _desc in order])[: gathered + 1])
        self.queryset, self.listed, self.by_id = queryset, listed, len(rows) <= gathered
        if self.by_id:
            for position, (_name, descending) in reversed(list(enumerate(order, start=1))):
                rows.sort(key=itemgetter(position), reverse=descending)  # stable: the later keys stay in order
        self.capped = len(rows) > listed
        super().__init__([row[0] for row in rows[:listed]] if self.by_id else queryset, per_page)

    @cached_property
    def count(self) -> int:
        return len(self.object_list) if self.by_id else self.listed

    def _get_page(self, rows, number, paginator):
        if self.by_id:
            found = self.queryset.order_by().in_bulk(list(rows))
            rows = [found[pk] for pk in rows if pk in found]
        return super()._get_page(rows, number, paginator)


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
    paginator = FirstMatchesPaginator(consumers, CONSUMERS_PER_PAGE, listed=CONSUMERS_LISTED,
                                      gathered=CONSUMERS_GATHERED)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "arrears/consumer_list.html",
                  {"form": form, "page": page, "query": query.urlencode(), "searched": bool(request.GET)})


def consumer_page(request, consumer, *, payment_form=None, reconnection_due=None, status: int = 200):
    """The account's page: position (the arrears as principal and surcharge today) and ledger, and the payment form
    when the caller gives one; for a disconnected consumer, where they stand towards the reconnection minimum
    (``reconnection_due``, which drives computes)."""
    ledger = ledger_visible_to(request.user).filter(consumer=consumer).order_by("-entry_date", "-id")
    page = Paginator(ledger, LEDGER_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "arrears/consumer_detail.html",
                  {"consumer": consumer, "page": page, "form": payment_form, "reconnection_due": reconnection_due,
                   "split": consumer_split(consumer)},
                  status=status)
