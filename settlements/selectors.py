"""What other apps read of settlements: who is kept off the cut lists, and how they are marked."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.selectors import division_scope
from core.dates import india_today
from settlements.models import Promise, PromiseStatus, Settlement, SettlementKind, SettlementStatus


class Keeping:
    """How a consumer is kept from a cut: in a scheme (OTS), on a plan, or on a promise to pay."""

    OTS = "ots"
    PLAN = "plan"
    PROMISE = "promise"


def settlement_current_q(consumer_field: str = "pk") -> Q:
    """A filter on consumers (``consumer_field`` names the consumer's id): those keeping a live settlement or an
    open promise not yet past its day. Drives exclude them from stops and refuse their cut."""
    today = india_today()
    live = Settlement.objects.filter(consumer_id=OuterRef(consumer_field), status=SettlementStatus.LIVE)
    promised = Promise.objects.filter(consumer_id=OuterRef(consumer_field), status=PromiseStatus.OPEN,
                                      due_on__gte=today)
    return Q(Exists(live)) | Q(Exists(promised))


def consumers_keeping(consumer_ids) -> dict[int, str]:
    """consumer id → Keeping.OTS / PLAN / PROMISE for those of ``consumer_ids`` kept from a cut."""
    ids = list(consumer_ids)
    if not ids:
        return {}
    kept = {}
    today = india_today()
    for consumer_id in (Promise.objects.filter(consumer_id__in=ids, status=PromiseStatus.OPEN, due_on__gte=today)
                        .values_list("consumer_id", flat=True)):
        kept[consumer_id] = Keeping.PROMISE
    for consumer_id, kind in (Settlement.objects.filter(consumer_id__in=ids, status=SettlementStatus.LIVE)
                              .values_list("consumer_id", "kind")):
        kept[consumer_id] = Keeping.OTS if kind == SettlementKind.SCHEME else Keeping.PLAN
    return kept


def settlements_visible_to(user) -> QuerySet[Settlement]:
    return division_scope(Settlement.objects.select_related("consumer", "scheme", "division", "registered_by"), user)


def promises_visible_to(user) -> QuerySet[Promise]:
    return division_scope(Promise.objects.select_related("consumer", "division", "created_by"), user)
