"""The settlements' figures of the MD's summary and the officer's home (issue 22): registrations, their deposits,
the money paid towards settlements, the waivers granted, the defaults, and progress against a scheme's target.

Each figure counts for the division the settlement was registered in (fixed on it: CountedForDivision), never the
consumer's division now. The rules, written once here and recounted row by row in tests/reports/
test_settlement_figures.py:

- ``settlements_registered``: settlements registered in the range (India time), into a scheme or as an officer's
  instalment plan, whatever became of them since;
- ``settlement_deposits``: the registration deposits those settlements required (``Settlement.deposit``);
- ``settlement_collected``: the money paid towards settlements, dated in the range: every PAYMENT on the
  consumer's ledger with its entry date in the range, recorded while the settlement was live (from its
  registration to its completion or default), each counted only up to what the settlement still had to be paid
  when it was recorded (its credits in the order the schedule takes them: the deposit payment first, then by
  the time they were recorded; the surplus of an overpayment is not counted), and the deposit payment only for
  what it paid beyond the deposit (the deposit is in ``settlement_deposits``). Over a settlement's life, deposit
  and collected come to what its schedule was paid by payments (``Settlement.paid`` less any credit adjustments);
- ``settlement_waivers``: the surcharge waived and principal rebated, credited on the ledger at completion (the
  completion ADJUSTMENT, by its entry date), less any of those credits IT reversed in the range;
- ``settlements_defaulted``: settlements defaulted (a missed instalment) in the range;
- ``scheme_target_registrations`` / ``scheme_target_amount``: the division's targets (settlements.SchemeTarget)
  of the schemes open for registration on some day of the range, summed (None without any); their achievements
  ``scheme_registrations_pct`` (registrations into those schemes in the range) and ``scheme_amount_pct`` (their
  deposits and collected money in the range), one decimal.

Reads: the settlements of the divisions registered before the range ends (index settlement_division_status), and
for those live in the range, their consumers' credits dated in it (index ledger_consumer_due_on: a credit falls due
on its entry date); only for the settlements paid in the range, their credits since registration, in order.
"""

from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import connections
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Concat

from arrears.models import EntryKind, LedgerEntry
from core.replica import reads_alias
from settlements.models import Scheme, SchemeTarget, Settlement, SettlementKind, SettlementStatus

ZERO = Decimal("0.00")
PERCENT = Decimal("0.1")

# In the summary's order (appended after the theft figures): key → the kind of figure.
SETTLEMENT_FIGURES = ("settlements_registered", "settlement_deposits", "settlement_collected", "settlement_waivers",
                      "settlements_defaulted", "scheme_target_registrations", "scheme_registrations_pct",
                      "scheme_target_amount", "scheme_amount_pct")
# Counted, not shown: the numerators of the two achievements.
SCHEME_PROGRESS = ("scheme_registrations", "scheme_amount")

COLLECTED_SQL = """
WITH s AS (
    SELECT id, consumer_id, division_id, payable, deposit, deposit_entry_id, credit_entry_id, ledger_after,
           ledger_upto, closed_at, CASE WHEN kind = 'scheme' AND {targeted} THEN 1 ELSE 0 END AS targeted
    FROM settlements_settlement
    WHERE division_id IN ({divisions}) AND registered_at < %(end)s
      AND (closed_at IS NULL OR closed_at >= %(start)s)
),
paid_in_range AS (
    SELECT s.* FROM s WHERE EXISTS (
        SELECT 1 FROM arrears_ledgerentry e
        WHERE e.consumer_id = s.consumer_id AND e.due_on BETWEEN %(date_from)s AND %(date_to)s
          AND e.kind = 'PAYMENT'
          AND (e.id = s.deposit_entry_id
               OR (e.id > s.ledger_after AND (s.ledger_upto IS NULL OR e.id <= s.ledger_upto))))
),
credits AS (
    SELECT p.division_id, p.targeted, p.payable, p.deposit, e.kind, e.entry_date, e.credit,
           CASE WHEN e.id = p.deposit_entry_id THEN 1 ELSE 0 END AS is_deposit,
           SUM(e.credit) OVER (PARTITION BY p.id
                               ORDER BY CASE WHEN e.id = p.deposit_entry_id THEN 0 ELSE 1 END, e.id)
               AS running
    FROM paid_in_range p JOIN arrears_ledgerentry e ON e.consumer_id = p.consumer_id
    WHERE e.credit > 0
      AND (e.id = p.deposit_entry_id
           OR (e.id > p.ledger_after AND (p.ledger_upto IS NULL OR e.id <= p.ledger_upto)
               AND (p.credit_entry_id IS NULL OR e.id <> p.credit_entry_id)))
)
SELECT division_id, targeted,
       SUM(CASE WHEN payable - (running - credit) <= 0 THEN 0
                WHEN payable - (running - credit) < credit THEN payable - (running - credit)
                ELSE credit END
           - CASE WHEN is_deposit = 1 THEN deposit ELSE 0 END)
FROM credits
WHERE kind = 'PAYMENT' AND entry_date BETWEEN %(date_from)s AND %(date_to)s
GROUP BY division_id, targeted
"""


def _ids(ids) -> str:
    """A list of ids as SQL (integers only: nothing else is spliced in), for PostgreSQL and SQLite alike."""
    return ", ".join(str(int(pk)) for pk in ids) or "NULL"


def pct(part, whole) -> Decimal | None:
    """part / whole × 100, one decimal; None without a (non-zero) whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(PERCENT, rounding=ROUND_HALF_UP)


def schemes_in_range(date_from: date, date_to: date) -> QuerySet[Scheme]:
    """The schemes open for registration on some day of the range: those whose targets the range is held to."""
    return Scheme.objects.filter(starts_on__lte=date_to, ends_on__gte=date_from)


def settlement_figures(divisions: list[int], date_from: date, date_to: date, *, start, end,
                       schemes: list[int] | None = None) -> dict[tuple[int, str], object]:
    """{(division id, figure): value} of SETTLEMENT_FIGURES and SCHEME_PROGRESS for the range (``start`` and ``end``
    its instants, India time, half-open); a figure absent is zero, a target absent is None. ``schemes``: the schemes
    whose targets count (default: those open on some day of the range). Three queries."""
    in_range = schemes_in_range(date_from, date_to)
    targeted_schemes = in_range.values("pk") if schemes is None else list(schemes)
    values: dict = defaultdict(lambda: 0)
    registered = Q(registered_at__gte=start, registered_at__lt=end)
    defaulted = Q(status=SettlementStatus.DEFAULTED, closed_at__gte=start, closed_at__lt=end)
    credited = Q(credit_entry__entry_date__gte=date_from, credit_entry__entry_date__lte=date_to)
    # IT's reversal of a completion credit (<reference>-REV, found by ledger_reference_kind_unique), dated in the
    # range: only a cancelled settlement has one.
    reversal = LedgerEntry.objects.filter(
        kind=EntryKind.ADJUSTMENT, reference=Concat(OuterRef("reference"), Value("-REV")),
        entry_date__gte=date_from, entry_date__lte=date_to).values("debit")[:1]
    reversible = Q(status=SettlementStatus.CANCELLED, credit_entry__isnull=False)
    targeted = Q(kind=SettlementKind.SCHEME, scheme_id__in=targeted_schemes)
    rows = (Settlement.objects.filter(registered | defaulted | credited | reversible, division_id__in=divisions)
            .order_by().annotate(reversed_amount=Subquery(reversal)).values("division_id").annotate(
                settlements_registered=Count("id", filter=registered),
                settlement_deposits=Sum("deposit", filter=registered),
                settlements_defaulted=Count("id", filter=defaulted),
                credited=Sum("credit_entry__credit", filter=credited),
                reversed=Sum("reversed_amount", filter=reversible),
                scheme_registrations=Count("id", filter=registered & targeted),
                scheme_deposits=Sum("deposit", filter=registered & targeted)))
    for row in rows:
        d = row["division_id"]
        values[d, "settlements_registered"] = row["settlements_registered"]
        values[d, "settlement_deposits"] = row["settlement_deposits"] or ZERO
        values[d, "settlements_defaulted"] = row["settlements_defaulted"]
        values[d, "settlement_waivers"] = (row["credited"] or ZERO) - (row["reversed"] or ZERO)
        values[d, "scheme_registrations"] = row["scheme_registrations"]
        values[d, "scheme_amount"] += row["scheme_deposits"] or ZERO
    if schemes is None:
        targeted_sql = "scheme_id IN (SELECT id FROM settlements_scheme WHERE starts_on <= %(date_to)s" \
                       " AND ends_on >= %(date_from)s)"
    else:
        targeted_sql = f"scheme_id IN ({_ids(schemes)})"
    connection = connections[reads_alias()]  # the replica's, in a report that reads there (core.replica)
    with connection.cursor() as cursor:
        cursor.execute(COLLECTED_SQL.replace("{targeted}", targeted_sql).replace("{divisions}", _ids(divisions)), {
            # As the ORM writes an instant for the database (SQLite: UTC text, as the columns hold it).
            "start": connection.ops.adapt_datetimefield_value(start),
            "end": connection.ops.adapt_datetimefield_value(end),
            "date_from": date_from, "date_to": date_to})
        for division_id, is_targeted, amount in cursor.fetchall():
            # SQLite hands sums back as floats; PostgreSQL as exact numeric.
            amount = Decimal(str(amount or 0)).quantize(ZERO, rounding=ROUND_HALF_UP)
            values[division_id, "settlement_collected"] += amount
            if is_targeted:
                values[division_id, "scheme_amount"] += amount
    targets = (SchemeTarget.objects.filter(division_id__in=divisions, scheme_id__in=targeted_schemes).order_by()
               .values("division_id").annotate(registrations=Sum("registrations"), amount=Sum("amount")))
    for row in targets:
        values[row["division_id"], "scheme_target_registrations"] = row["registrations"]
        values[row["division_id"], "scheme_target_amount"] = row["amount"]
    return values
