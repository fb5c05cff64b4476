"""Settlement services: register into a scheme, grant an instalment plan, record a promise to pay; apply the
consumer's payments to the schedule in order; complete (the waiver and rebate credited on the ledger) or
default (a missed instalment, after the grace days) a registration; IT reverses a completion's credit.

Each service locks the consumer row as a payment does (arrears.services.consumer_for_update: scoped to the
user's division), so a registration and a payment on one account queue instead of racing. Refusals are
DomainErrors with stable codes (the API's 409s).
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import (
    may_grant_plan,
    may_record_promise,
    may_register_settlement,
    may_reverse_settlement_credit,
)
from arrears.models import Consumer, EntryKind, LedgerEntry
from arrears.services import consumer_for_update, ledger_entry_add, reference_taken
from arrears.signals import credited_by
from arrears.split import consumer_split
from core.dates import india_today
from core.errors import DomainError
from core.models import Source
from core.money import amount_checked, format_inr
from settlements.models import (
    ApplyMark,
    Instalment,
    PlanKind,
    Promise,
    PromiseStatus,
    Scheme,
    Settlement,
    SettlementKind,
    SettlementStatus,
)
from settlements.quotes import MAX_INSTALMENTS, Due, add_months, scheme_quote

REASON_LENGTH = 500
PROMISE_MAX_DAYS = 90


def _by(instance, user: User | None):
    instance._history_user = user  # simple_history's "who", when no request is at hand
    return instance


def _reason_checked(reason: str, *, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("say why"), code="reason_required", field=field)
    if len(reason) > REASON_LENGTH:
        raise DomainError(_("at most %(n)s characters") % {"n": REASON_LENGTH}, code="invalid_reason", field=field)
    return reason


def _reference(settlement: Settlement) -> str:
    prefix = "OTS" if settlement.kind == SettlementKind.SCHEME else "PLN"
    return f"{prefix}-{settlement.division.code}-{settlement.pk:06d}"


def _ledger_last(consumer_id: int) -> int:
    """The id of the consumer's last ledger entry (read under the consumer's lock): the credits above it are
    recorded after the registration or promise that stores it (ledger_after)."""
    return LedgerEntry.objects.filter(consumer_id=consumer_id).aggregate(last=Max("id"))["last"] or 0


def _instalments_pay(instalments: list[Instalment], paid: Decimal, *, today: date) -> list[Instalment]:
    """Applies ``paid`` to the schedule in order (the deposit first): each instalment covered as far as it goes,
    paid in full on ``today`` unless paid in full before. The instalments changed."""
    left, changed = paid, []
    for instalment in instalments:
        covered = min(max(left, Decimal("0.00")), instalment.amount)
        left -= covered
        paid_on = instalment.paid_on or (today if covered >= instalment.amount else None)
        if (covered, paid_on) != (instalment.paid, instalment.paid_on):
            instalment.paid, instalment.paid_on = covered, paid_on
            changed.append(instalment)
    return changed


def _settlement_create(settlement: Settlement, schedule: list[Due], *, paid: Decimal, user: User | None) -> None:
    """Writes a new settlement, its reference (from its id) and its schedule, ``paid`` applied: the credits towards
    it when made (its deposit; no later credit can be on the consumer's ledger while the consumer is locked), so
    the schedule is written paid as far as it is rather than read back. One history row, with the reference.
    Completed at once when that is all of it."""
    today = india_today()
    settlement.paid = min(paid, settlement.payable)
    settlement.save_without_historical_record()
    settlement.reference = _reference(settlement)
    if paid >= settlement.payable:
        # Closed before its credit is written, so the credit's own announcement finds nothing live to apply.
        Settlement.objects.filter(pk=settlement.pk).update(reference=settlement.reference,
                                                           status=SettlementStatus.COMPLETED)
        _complete(settlement, user=user, today=today)
    _by(settlement, user).save()
    instalments = [Instalment(settlement=settlement, number=due.number, due_on=due.due_on, amount=due.amount)
                   for due in schedule]
    _instalments_pay(instalments, paid, today=today)
    Instalment.objects.bulk_create(instalments)


def _deposit_entry(*, consumer: Consumer, receipt_no: str, deposit: Decimal, scheme: Scheme) -> LedgerEntry | None:
    """The recorded payment that is the registration deposit: the consumer's, at least the deposit, made since
    the scheme opened and not yet any registration's deposit."""
    receipt_no = (receipt_no or "").strip().upper()
    if deposit <= 0:
        return None
    if not receipt_no:
        raise DomainError(_("record the deposit of %(amount)s as a payment first and give its receipt number")
                          % {"amount": format_inr(deposit)}, code="deposit_required", field="deposit_receipt_no")
    entry = (LedgerEntry.objects.filter(consumer=consumer, kind=EntryKind.PAYMENT, reference=receipt_no)
             .select_for_update().first())
    if entry is None:
        raise DomainError(_("no payment %(receipt)s of this consumer") % {"receipt": receipt_no},
                          code="deposit_not_found", field="deposit_receipt_no")
    if entry.entry_date < scheme.starts_on:
        raise DomainError(_("the payment was made before the scheme opened"), code="deposit_not_found",
                          field="deposit_receipt_no")
    if entry.amount < deposit:
        raise DomainError(_("the payment of %(paid)s is less than the deposit of %(deposit)s")
                          % {"paid": format_inr(entry.amount), "deposit": format_inr(deposit)},
                          code="deposit_short", field="deposit_receipt_no")
    if Settlement.objects.filter(deposit_entry=entry).exists():
        raise DomainError(_("that payment is another registration's deposit already"), code="deposit_used",
                          field="deposit_receipt_no")
    return entry


def _live_refused(consumer: Consumer) -> None:
    live = Settlement.objects.filter(consumer=consumer, status=SettlementStatus.LIVE).first()
    if live is not None:
        raise DomainError(_("already registered (%(reference)s)") % {"reference": live.reference},
                          code="already_registered", field="account_no")


def settlement_register(*, user: User, account_no: str, scheme: Scheme, plan: str, deposit_receipt_no: str = "",
                        source: str = Source.WEB, now: datetime | None = None) -> Settlement:
    """Registers the consumer into ``scheme`` under ``plan`` as of today: the quote's principal and surcharge
    (as of the cut-off), waiver, rebate, what is to be paid and its schedule are fixed on the registration.
    The deposit is a payment already recorded (its receipt number), at least the deposit. One live registration
    per consumer (409 already_registered). Raises Consumer.DoesNotExist outside the user's division."""
    if not may_register_settlement(user):
        raise PermissionDenied
    if plan not in PlanKind.values:
        raise DomainError(_("one of %(choices)s") % {"choices": ", ".join(PlanKind.values)}, code="invalid_plan",
                          field="plan")
    now = now or timezone.now()
    on = timezone.localdate(now)
    try:
        with transaction.atomic():
            consumer = consumer_for_update(user, account_no)
            _live_refused(consumer)
            quote = scheme_quote(scheme=scheme, consumer=consumer, on=on)
            if not quote.eligible:
                raise DomainError(quote.reason, code=quote.code or "not_eligible", field="account_no")
            offer = quote.plan(plan)
            if offer is None:
                raise DomainError(_("the scheme offers this consumer %(plans)s") % {
                    "plans": ", ".join(p.label for p in quote.plans)}, code="invalid_plan", field="plan")
            entry = _deposit_entry(consumer=consumer, receipt_no=deposit_receipt_no, deposit=offer.deposit,
                                   scheme=scheme)
            settlement = _by(Settlement(
                reference=f"NEW-{consumer.pk}-{now.timestamp()}"[:30], consumer=consumer,
                division=consumer.division, kind=SettlementKind.SCHEME, scheme=scheme, phase=quote.phase,
                term=offer.term, plan=plan, dues_cutoff=scheme.dues_cutoff, principal=quote.principal,
                surcharge=quote.surcharge, waiver=offer.waiver, rebate=offer.rebate, payable=offer.payable,
                deposit=offer.deposit, deposit_receipt_no=entry.reference if entry else "", deposit_entry=entry,
                registered_at=now, registered_by=user, ledger_after=_ledger_last(consumer.pk)), user)
            _settlement_create(settlement, offer.schedule, paid=entry.credit if entry else Decimal("0.00"),
                               user=user)
            return settlement
    except IntegrityError:
        # A second registration of the consumer at the same moment (settlement_one_live), or the same deposit.
        raise DomainError(_("already registered"), code="already_registered", field="account_no") from None


def plan_grant(*, user: User, account_no: str, instalments: int, reason: str, first_due_on: date | None = None,
               source: str = Source.WEB, now: datetime | None = None) -> Settlement:
    """An officer's instalment plan outside any scheme: today's arrears (principal and surcharge) in
    ``instalments`` monthly instalments from ``first_due_on`` (a month from today unless given), no waiver."""
    if not may_grant_plan(user):
        raise PermissionDenied
    reason = _reason_checked(reason)
    if not isinstance(instalments, int) or not 1 <= instalments <= MAX_INSTALMENTS:
        raise DomainError(_("1 to %(n)s") % {"n": MAX_INSTALMENTS}, code="invalid_instalments", field="instalments")
    now = now or timezone.now()
    on = timezone.localdate(now)
    first_due_on = first_due_on or add_months(on, 1)
    if not on <= first_due_on <= on + timedelta(days=PROMISE_MAX_DAYS):
        raise DomainError(_("from today to %(n)s days ahead") % {"n": PROMISE_MAX_DAYS}, code="invalid_date",
                          field="first_due_on")
    with transaction.atomic():
        consumer = consumer_for_update(user, account_no)
        _live_refused(consumer)
        split = consumer_split(consumer, as_of=on)
        payable = split.principal + split.surcharge
        if payable <= 0:
            raise DomainError(_("no arrears to pay in instalments"), code="nothing_due", field="account_no")
        each = (payable / instalments).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
        if each <= 0:
            raise DomainError(_("fewer instalments: each must be at least ₹0.01"), code="invalid_instalments",
                              field="instalments")
        amounts = [each] * (instalments - 1) + [payable - each * (instalments - 1)]
        settlement = _by(Settlement(
            reference=f"NEW-{consumer.pk}-{now.timestamp()}"[:30], consumer=consumer,
            division=consumer.division, kind=SettlementKind.PLAN, plan=PlanKind.INSTALMENTS, dues_cutoff=on,
            principal=split.principal, surcharge=split.surcharge, payable=payable, reason=reason,
            registered_at=now, registered_by=user, ledger_after=_ledger_last(consumer.pk)), user)
        _settlement_create(settlement, [Due(n, add_months(first_due_on, n - 1), amount)
                                        for n, amount in enumerate(amounts, start=1)], paid=Decimal("0.00"), user=user)
        return settlement


def promise_record(*, user: User, account_no: str, amount, due_on: date, reason: str,
                   source: str = Source.WEB, now: datetime | None = None) -> Promise:
    """An officer records the consumer's promise to pay ``amount`` by ``due_on`` (today to PROMISE_MAX_DAYS
    ahead), at most what they owe; one open promise per consumer. Kept when paid, broken the night after the
    day passes unpaid (settlements_default_missed)."""
    if not may_record_promise(user):
        raise PermissionDenied
    amount = amount_checked(amount, field="amount")
    reason = _reason_checked(reason)
    now = now or timezone.now()
    on = timezone.localdate(now)
    if not isinstance(due_on, date) or not on <= due_on <= on + timedelta(days=PROMISE_MAX_DAYS):
        raise DomainError(_("from today to %(n)s days ahead") % {"n": PROMISE_MAX_DAYS}, code="invalid_date",
                          field="due_on")
    try:
        with transaction.atomic():
            consumer = consumer_for_update(user, account_no)
            if amount > consumer.balance:
                raise DomainError(_("more than the %(balance)s owed") % {"balance": format_inr(consumer.balance)},
                                  code="invalid_amount", field="amount")
            if Promise.objects.filter(consumer=consumer, status=PromiseStatus.OPEN).exists():
                raise DomainError(_("the consumer has an open promise already"), code="promise_open",
                                  field="account_no")
            promise = _by(Promise(consumer=consumer, division_id=consumer.division_id, amount=amount, due_on=due_on,
                                  reason=reason, created_at=now, created_by=user,
                                  ledger_after=_ledger_last(consumer.pk)), user)
            promise.save()
            return promise
    except IntegrityError:
        raise DomainError(_("the consumer has an open promise already"), code="promise_open",
                          field="account_no") from None


# --- payments applied, completion, default ----------------------------------------------------------------------

def _credits_since(settlement: Settlement) -> Decimal:
    """Credits towards the settlement: its deposit, and every payment or credit adjustment recorded since it was
    registered (above its ledger_after; not its own completion credit)."""
    entries = LedgerEntry.objects.filter(consumer_id=settlement.consumer_id, credit__gt=0).filter(
        Q(pk__gt=settlement.ledger_after) | Q(pk=settlement.deposit_entry_id))
    if settlement.credit_entry_id:
        entries = entries.exclude(pk=settlement.credit_entry_id)
    return entries.aggregate(total=Sum("credit"))["total"] or Decimal("0.00")


def _complete(settlement: Settlement, *, user: User | None, today: date) -> None:
    """All paid: the waiver and the rebate credited on the ledger as one ADJUSTMENT under the reference."""
    settlement.status, settlement.closed_at = SettlementStatus.COMPLETED, timezone.now()
    settlement.ledger_upto = _ledger_last(settlement.consumer_id)  # (its own credit, written below, is never counted)
    relief = settlement.waiver + settlement.rebate
    if relief > 0 and not reference_taken(kind=EntryKind.ADJUSTMENT, reference=settlement.reference):
        consumer = Consumer.objects.select_for_update(of=("self",)).get(pk=settlement.consumer_id)
        settlement.credit_entry = ledger_entry_add(
            consumer=consumer, kind=EntryKind.ADJUSTMENT, amount=-relief, entry_date=today,
            reference=settlement.reference, user=user, source=Source.TASK)


def settlements_apply(*, consumer_ids: list[int] | None, user: User | None = None) -> int:
    """Applies the consumers' credits to their live settlements' schedules in order (deposit first), completes a
    settlement paid in full and keeps a promise paid. The number of settlements completed."""
    today = india_today()
    live = Settlement.objects.filter(status=SettlementStatus.LIVE)
    promises = Promise.objects.filter(status=PromiseStatus.OPEN)
    if consumer_ids is not None:
        live, promises = live.filter(consumer_id__in=consumer_ids), promises.filter(consumer_id__in=consumer_ids)
    completed = 0
    for settlement in live.select_for_update(of=("self",)).order_by("pk"):
        paid = _credits_since(settlement)
        changed = _instalments_pay(list(settlement.instalments.order_by("number")), paid, today=today)
        Instalment.objects.bulk_update(changed, ["paid", "paid_on"])
        settlement.paid = min(paid, settlement.payable)
        fields = ["paid"]
        if paid >= settlement.payable:
            _complete(settlement, user=user, today=today)
            fields += ["status", "closed_at", "ledger_upto", "credit_entry"]
            completed += 1
        _by(settlement, user).save(update_fields=fields)
    for promise in promises.select_for_update(of=("self",)).order_by("pk"):
        paid = (LedgerEntry.objects.filter(consumer_id=promise.consumer_id, credit__gt=0,
                                           pk__gt=promise.ledger_after)
                .aggregate(total=Sum("credit"))["total"] or Decimal("0.00"))
        promise.paid = min(paid, promise.amount)
        fields = ["paid"]
        if paid >= promise.amount:
            promise.status, promise.closed_at = PromiseStatus.KEPT, timezone.now()
            fields += ["status", "closed_at"]
        _by(promise, user).save(update_fields=fields)
    return completed


# The nightly path of settlements_apply, set-based (a Python loop over 50,000 live settlements took minutes).
#
# Every credit but a bulk import's is applied the moment it is written (ledger_credited names the consumer); the
# night applies the rest. It reads only the ledger entries above last night's mark (ApplyMark: a primary-key range,
# the day's credits), and recomputes only the live settlements and open promises of the consumers credited there;
# with no mark yet (the first night) every one of them. The ledger is locked against a bulk import first (SHARE
# UPDATE EXCLUSIVE: the import's SHARE ROW EXCLUSIVE waits, and is waited for, while payments, ROW EXCLUSIVE, go
# on), so no import still writing below the new mark is passed over.
#
# For each settlement in scope: its credits as _credits_since counts them (one consumer's ledger each), its
# instalments paid in order with a running sum, its paid figure; the settlements paid in full are then completed one
# by one by settlements_apply (few a night: the ledger credit and its history). The rows are locked first, so a
# payment applied at that moment by the signal waits for the night's, or the night's for it.
_SCOPE_SQL = {
    "day": """CREATE TEMPORARY TABLE settlement_scope ON COMMIT DROP AS
    SELECT DISTINCT consumer_id FROM arrears_ledgerentry WHERE id > %(after)s AND credit > 0""",
    "all": """CREATE TEMPORARY TABLE settlement_scope ON COMMIT DROP AS
    SELECT consumer_id FROM settlements_settlement WHERE status = 'live'
    UNION SELECT consumer_id FROM settlements_promise WHERE status = 'open'""",
}
_APPLY_ALL_SQL = [
    "ANALYZE settlement_scope",
    """SELECT s.id FROM settlements_settlement s JOIN settlement_scope USING (consumer_id)
    WHERE s.status = 'live' ORDER BY s.id FOR UPDATE OF s""",
    """CREATE TEMPORARY TABLE settlement_credits ON COMMIT DROP AS
    SELECT s.id, s.consumer_id, s.payable, COALESCE((
        SELECT SUM(e.credit) FROM arrears_ledgerentry e
        WHERE e.consumer_id = s.consumer_id AND e.credit > 0
          AND (e.id > s.ledger_after OR e.id = s.deposit_entry_id)
          AND e.id IS DISTINCT FROM s.credit_entry_id), 0) AS credited
    FROM settlements_settlement s JOIN settlement_scope USING (consumer_id) WHERE s.status = 'live'""",
    """UPDATE settlements_instalment i
    SET paid = x.covered, paid_on = COALESCE(i.paid_on, CASE WHEN x.covered >= i.amount THEN %(today)s::date END)
    FROM (SELECT i2.id, LEAST(GREATEST(c.credited - (SUM(i2.amount) OVER (
                     PARTITION BY i2.settlement_id ORDER BY i2.number) - i2.amount), 0), i2.amount) AS covered
          FROM settlements_instalment i2 JOIN settlement_credits c ON c.id = i2.settlement_id) x
    WHERE i.id = x.id AND (i.paid <> x.covered OR (i.paid_on IS NULL AND x.covered >= i.amount))""",
    """UPDATE settlements_settlement s SET paid = LEAST(c.credited, s.payable)
    FROM settlement_credits c WHERE s.id = c.id AND s.paid <> LEAST(c.credited, s.payable)""",
    """UPDATE settlements_promise p SET paid = LEAST(x.credited, p.amount),
        status = CASE WHEN x.credited >= p.amount THEN 'kept' ELSE p.status END,
        closed_at = CASE WHEN x.credited >= p.amount THEN %(now)s ELSE p.closed_at END
    FROM (SELECT p2.id, COALESCE((SELECT SUM(e.credit) FROM arrears_ledgerentry e
                                  WHERE e.consumer_id = p2.consumer_id AND e.credit > 0
                                    AND e.id > p2.ledger_after), 0) AS credited
          FROM settlements_promise p2 JOIN settlement_scope USING (consumer_id) WHERE p2.status = 'open') x
    WHERE p.id = x.id AND (p.paid <> LEAST(x.credited, p.amount) OR x.credited >= p.amount)""",
]


def settlements_apply_all(*, today: date | None = None) -> int:
    """settlements_apply for the live settlements and open promises of every consumer credited since the last
    night (all of them the first night), set-based: the nightly path, for an import's payments, which announce no
    consumer. The number of settlements completed. In the caller's transaction; its set-based writes keep no
    history rows (the ledger and the instalments are the record), a completion does."""
    from django.db import connection

    today = today or india_today()
    if connection.vendor != "postgresql":
        # SQLite (make run's few hundred consumers): the per-settlement path over all, the same rule.
        with transaction.atomic():
            last = LedgerEntry.objects.aggregate(last=Max("id"))["last"] or 0
            completed = settlements_apply(consumer_ids=None)
            ApplyMark.objects.update_or_create(pk=1, defaults={"ledger_id": last, "applied_at": timezone.now()})
        return completed
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE arrears_ledgerentry IN SHARE UPDATE EXCLUSIVE MODE")
        mark = ApplyMark.objects.select_for_update().order_by("pk").first()
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM arrears_ledgerentry")
        last = cursor.fetchone()[0]
        cursor.execute(_SCOPE_SQL["all" if mark is None else "day"], {"after": mark.ledger_id if mark else 0})
        for statement in _APPLY_ALL_SQL:
            cursor.execute(statement, {"today": today, "now": timezone.now()})
        cursor.execute("SELECT consumer_id FROM settlement_credits WHERE credited >= payable ORDER BY consumer_id")
        paid_up = [row[0] for row in cursor.fetchall()]
        cursor.execute("DROP TABLE settlement_credits; DROP TABLE settlement_scope")
        mark = mark or ApplyMark(pk=1)
        mark.ledger_id, mark.applied_at = last, timezone.now()
        mark.save()
    return settlements_apply(consumer_ids=paid_up) if paid_up else 0


def _live_or_promised(consumer_ids: list[int]) -> bool:
    """Whether any of the consumers has a live settlement or an open promise: one statement on every credit,
    written out (the ORM's UNION of two querysets took longer to compose than to run)."""
    from django.db import connection

    ids = ", ".join(["%s"] * len(consumer_ids))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 WHERE EXISTS (SELECT 1 FROM {Settlement._meta.db_table}"
                       f" WHERE consumer_id IN ({ids}) AND status = %s) OR EXISTS (SELECT 1 FROM"
                       f" {Promise._meta.db_table} WHERE consumer_id IN ({ids}) AND status = %s)",
                       [*consumer_ids, SettlementStatus.LIVE.value, *consumer_ids, PromiseStatus.OPEN.value])
        return cursor.fetchone() is not None


def ledger_credited_receive(sender, *, consumer_ids: list[int] | None, user_id: int | None = None,
                            user: User | None = None, **kwargs) -> None:
    """arrears.signals.ledger_credited: a credit is applied to the consumer's schedule at once. In a savepoint of
    its own: a failure rolls back only this and is logged by the sender; the credit stands. A bulk import
    (consumer_ids None) is applied by the nightly task instead. Most credits are of consumers with no live
    settlement and no open promise: one read finds that, before any lock or savepoint."""
    if consumer_ids is None or not _live_or_promised(consumer_ids):
        return
    user = credited_by(user, user_id)
    with transaction.atomic():
        settlements_apply(consumer_ids=consumer_ids, user=user)


def settlements_default_missed(*, today: date | None = None) -> dict[str, int]:
    """The night's check, set-based: every live settlement with an instalment unpaid GRACE days after it fell due
    is defaulted (no waiver: the consumer is back on the drives' lists); every open promise whose day has passed
    unpaid is broken. First the day's credits are applied to every live schedule (an import's payments)."""
    today = today or india_today()
    grace = int(getattr(settings, "SETTLEMENT_GRACE_DAYS", 7))
    with transaction.atomic():
        settlements_apply_all(today=today)
        now = timezone.now()
        missed = Instalment.objects.filter(settlement_id=OuterRef("pk"), paid_on__isnull=True,
                                           due_on__lt=today - timedelta(days=grace))
        last = LedgerEntry.objects.filter(consumer_id=OuterRef("consumer_id")).order_by("-id").values("id")[:1]
        defaulted = (Settlement.objects.filter(status=SettlementStatus.LIVE).filter(Exists(missed))
                     .update(status=SettlementStatus.DEFAULTED, closed_at=now, ledger_upto=Subquery(last)))
        broken = (Promise.objects.filter(status=PromiseStatus.OPEN, due_on__lt=today)
                  .update(status=PromiseStatus.BROKEN, closed_at=now))
    return {"defaulted": defaulted, "promises_broken": broken}


def settlement_credit_reverse(*, user: User, settlement: Settlement, reason: str) -> Settlement:
    """IT only: takes back a completed settlement's waiver and rebate (a positive ADJUSTMENT under
    <reference>-REV), with the reason on the ledger's history and the settlement's. The settlement is then
    cancelled."""
    if not may_reverse_settlement_credit(user):
        raise PermissionDenied
    reason = _reason_checked(reason)
    with transaction.atomic():
        settlement = Settlement.objects.select_for_update(of=("self",)).get(pk=settlement.pk)
        if settlement.status != SettlementStatus.COMPLETED or settlement.credit_entry_id is None:
            raise DomainError(_("only a completed settlement's credit can be reversed"), code="invalid_status",
                              field="status")
        consumer = Consumer.objects.select_for_update(of=("self",)).get(pk=settlement.consumer_id)
        ledger_entry_add(consumer=consumer, kind=EntryKind.ADJUSTMENT, amount=-settlement.credit_entry.amount,
                         entry_date=india_today(), reference=f"{settlement.reference}-REV", user=user,
                         source=Source.WEB)
        settlement.status = SettlementStatus.CANCELLED
        settlement.reason = f"{settlement.reason}\n{_('Credit reversed')}: {reason}".strip()
        _by(settlement, user).save(update_fields=["status", "reason"])
    return settlement
