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


def _live() -> QuerySet[Settlement]:
    return Settlement.objects.filter(status=SettlementStatus.LIVE)


def _promised(on) -> QuerySet[Promise]:
    """Open promises not yet past their day: one whose day has gone is no shield even before the night's task
    marks it broken."""
    return Promise.objects.filter(status=PromiseStatus.OPEN, due_on__gte=on)


def settlement_current_q(consumer_field: str = "pk") -> Q:
    """A filter on consumers (``consumer_field`` names the consumer's id): those keeping a live settlement or an
    open promise not yet past its day. Drives exclude them from stops and refuse their cut."""
    live = _live().filter(consumer_id=OuterRef(consumer_field))
    promised = _promised(india_today()).filter(consumer_id=OuterRef(consumer_field))
    return Q(Exists(live)) | Q(Exists(promised))


def consumer_keeping(consumer_id: int) -> Settlement | Promise | None:
    """What keeps this consumer from a cut now: the live settlement (its reference, its kind), else the open
    promise (its day), else None. The same conditions as settlement_current_q, for a refusal that names them."""
    return (_live().filter(consumer_id=consumer_id).first()
            or _promised(india_today()).filter(consumer_id=consumer_id).order_by("due_on").first())


def consumers_keeping(consumer_ids) -> dict[int, str]:
    """consumer id → Keeping.OTS / PLAN / PROMISE for those of ``consumer_ids`` kept from a cut."""
    ids = list(consumer_ids)
    if not ids:
        return {}
    kept = {}
    for consumer_id in _promised(india_today()).filter(consumer_id__in=ids).values_list("consumer_id", flat=True):
        kept[consumer_id] = Keeping.PROMISE
    for consumer_id, kind in _live().filter(consumer_id__in=ids).values_list("consumer_id", "kind"):
        kept[consumer_id] = Keeping.OTS if kind == SettlementKind.SCHEME else Keeping.PLAN
    return kept


def defaulter_marks_receive(sender, *, consumer_ids, **kwargs) -> dict[int, str]:
    """defaulters.signals.defaulter_marks: the defaulter list (above settlements, so it cannot ask) marks its
    consumers in OTS, on a plan or promised to pay. Keeping's values are the marks' names."""
    return consumers_keeping(consumer_ids)


def settlements_visible_to(user) -> QuerySet[Settlement]:
    return division_scope(Settlement.objects.select_related("consumer", "scheme", "division", "registered_by"), user)


def promises_visible_to(user) -> QuerySet[Promise]:
    return division_scope(Promise.objects.select_related("consumer", "division", "created_by"), user)
